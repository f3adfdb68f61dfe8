// What every command may need from its environment, read in one place: the clock, the store options
// and the defaults. Commands and everything below them take these as parameters.
import { resolve } from "node:path";
import { openStore } from "../store/index.ts";
import type { Store } from "../store/index.ts";
import type { JudgedDay } from "../warmup/calendar.ts";

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

/** The store a command is pointed at: DATABASE_URL, else the embedded one in --data-dir or the default. */
export function openCommandStore(env: CliEnvironment, dataDir: string | undefined): Promise<Store> {
  return openStore({ databaseUrl: env.databaseUrl, dataDir: dataDir ?? env.dataDir });
}

/** The judged days of the ledger before `today`, from the store the command is pointed at. */
export async function judgedDaysFromStore(
  env: CliEnvironment,
  dataDir: string | undefined,
  today: string,
): Promise<Map<string, JudgedDay[]>> {
  const store = await openCommandStore(env, dataDir);
  try {
    return await store.ledger.judgedDays(today);
  } finally {
    await store.close();
  }
}
