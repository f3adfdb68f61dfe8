// email-engine contacts import|erase|export|suppress. (Being built in this change.)
import type { RegisterCommands } from "./register.ts";

export const registerContactsImport: RegisterCommands = () => undefined;
