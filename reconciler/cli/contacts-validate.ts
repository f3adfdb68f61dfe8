// email-engine contacts validate. (Being built in this change.)
import type { RegisterCommands } from "./register.ts";

export const registerContactsValidate: RegisterCommands = () => undefined;
