// Secret references of the inventory (`{ env: NAME }` or `{ file: PATH }`) resolved to values. The
// inventory never holds a secret; errors name where a secret was looked for, never its value.
import { readFile } from "node:fs/promises";
import { ConfigError } from "../errors.ts";
import type { SecretRef } from "./types.gen.ts";

/** Where `env:` references are looked up (the process environment, or the embedded default's own). */
export type Secrets = Readonly<Record<string, string | undefined>>;

export async function readSecret(ref: SecretRef, secrets: Secrets, what: string): Promise<string> {
  if (ref.env !== undefined) {
    const value = secrets[ref.env]?.trim();
    if (!value) throw new ConfigError(`${what}: environment variable ${ref.env} is not set`);
    return value;
  }
  if (ref.file !== undefined) {
    try {
      return (await readFile(ref.file, "utf8")).trim();
    } catch {
      throw new ConfigError(`${what}: cannot read ${ref.file}`);
    }
  }
  throw new ConfigError(`${what}: give env or file`);
}
