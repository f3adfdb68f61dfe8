// email-engine siblings (feedback queue to Scraper-Pro, API keys). (Being built in this change.)
import type { RegisterCommands } from "./register.ts";

export const registerSiblingCommands: RegisterCommands = () => undefined;
