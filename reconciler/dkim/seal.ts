// Encryption at rest for private keys: AES-256-GCM with a 32-byte master key that lives outside the
// repo and outside the vault directory — in EMAIL_ENGINE_MASTER_KEY (base64) or in the file named by
// EMAIL_ENGINE_MASTER_KEY_FILE (a secret file, e.g. a systemd credential). A random 96-bit IV per
// seal; the associated data binds a ciphertext to its domain and selector, so swapping files fails.
// No message here ever contains key material.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { ConfigError } from "../errors.ts";

export const MASTER_KEY_ENV = "EMAIL_ENGINE_MASTER_KEY";
export const MASTER_KEY_FILE_ENV = "EMAIL_ENGINE_MASTER_KEY_FILE";

export interface Sealed {
  readonly alg: "aes-256-gcm";
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

/** A 32-byte key from its base64 text; the message names the source, never the value. */
export function parseMasterKey(base64: string, source: string): Buffer {
  const text = base64.trim();
  const key = Buffer.from(text, "base64");
  if (!/^[A-Za-z0-9+/]+=*$/.test(text) || key.length !== 32) {
    throw new ConfigError(`${source} is not a 32-byte key in base64 (${key.length} bytes decoded)`, [
      "    fix: generate one with `openssl rand -base64 32` and keep it out of the repository",
    ]);
  }
  return key;
}

/** Reads the master key from the environment (the CLI boundary passes process.env). */
export async function masterKeyFrom(env: Readonly<Record<string, string | undefined>>): Promise<Buffer> {
  const inline = env[MASTER_KEY_ENV];
  if (inline) return parseMasterKey(inline, MASTER_KEY_ENV);
  const file = env[MASTER_KEY_FILE_ENV];
  if (file) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new ConfigError(
        `cannot read the master key file ${file} (${MASTER_KEY_FILE_ENV}): ${(error as NodeJS.ErrnoException).code ?? "error"}`,
      );
    }
    return parseMasterKey(text, `${MASTER_KEY_FILE_ENV} (${file})`);
  }
  throw new ConfigError(`no master key: set ${MASTER_KEY_ENV} or ${MASTER_KEY_FILE_ENV}`, [
    "    the DKIM private keys are stored encrypted with it (AES-256-GCM)",
  ]);
}

export function seal(plaintext: string, key: Buffer, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    alg: "aes-256-gcm",
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    data: data.toString("base64"),
  };
}

export function unseal(sealed: Sealed, key: Buffer, aad: string, what: string): string {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    // The cause (an OpenSSL auth failure) carries nothing useful and must not leak buffers.
    throw new ConfigError(`cannot decrypt ${what}: wrong master key, or the file was altered`, [
      `    check ${MASTER_KEY_ENV} / ${MASTER_KEY_FILE_ENV} is the key the vault was written with`,
    ]);
  }
}
