// email-engine ip (lifecycle: state, promote). (Being built in this change.)
import type { RegisterCommands } from "./register.ts";

export const registerIpCommands: RegisterCommands = () => undefined;
