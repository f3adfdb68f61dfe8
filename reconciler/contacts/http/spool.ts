// An uploaded CSV goes to a file as it arrives (never whole in memory), with a size limit; the queued
// import reads it from there. A refused or broken upload leaves no file behind.
import { randomUUID } from "node:crypto";
import { mkdir, open, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { readLimited } from "../webhooks/body.ts";

export interface Spooled {
  /** A fresh id, also the import's. */
  readonly id: string;
  readonly path: string;
  readonly bytes: number;
}

export async function spoolToFile(
  payload: Readable,
  dir: string,
  limit: number,
  contentLength: string | undefined,
): Promise<Spooled> {
  const id = randomUUID();
  const path = join(dir, `${id}.csv`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Mode 0600: the file holds personal data.
  const file = await open(path, "wx", 0o600);
  try {
    const bytes = await readLimited(payload, limit, contentLength, async (chunk) => {
      await file.write(chunk);
    });
    await file.close();
    return { id, path, bytes };
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
}

/** Removes a spool file (after its import, or when the upload is not recorded). */
export async function removeSpool(path: string): Promise<void> {
  await rm(path, { force: true });
}
