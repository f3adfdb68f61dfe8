// What every command may need from its environment, read in one place: the clock, the store options
// and the defaults. Commands and everything below them take these as parameters.
import { resolve } from "node:path";

export interface CliEnvironment {
  readonly now: () => Date;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** The engine's own files (data/, dkim/, embedded/…): EMAIL_ENGINE_HOME, default .email-engine. */
  readonly home?: string;
  /** Where secret references with `env:` are looked up (none when absent). */
  readonly secrets?: Readonly<Record<string, string | undefined>>;
}

export function environmentFromProcess(): CliEnvironment {
  return {
    now: () => new Date(),
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: resolve(process.env.EMAIL_ENGINE_DATA_DIR || ".email-engine/data"),
    home: resolve(process.env.EMAIL_ENGINE_HOME || ".email-engine"),
    secrets: process.env,
  };
}
