// email-engine migrate from-legacy. (Being built in this change.)
import type { RegisterCommands } from "./register.ts";

export const registerMigrateCommands: RegisterCommands = () => undefined;
