// The signature of a module that adds commands to the CLI (contacts, ip, migrate, siblings), so each
// area owns its commands without growing main.ts.
import type { Command } from "commander";
import type { CliEnvironment } from "./context.ts";
import type { Output } from "./output.ts";

export type RegisterCommands = (
  parent: Command,
  env: CliEnvironment,
  output: Output,
  setExit: (code: number) => void,
) => void;
