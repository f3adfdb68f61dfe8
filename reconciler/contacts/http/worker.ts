// The queue side of the HTTP upload: one job per uploaded file. The CSV reader checks the whole file
// first (a file that is not CSV imports nothing and is not retried), then the import pipeline takes
// its rows with the upload's provenance. The spool file is deleted once the import is done.
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { ConfigError } from "../../errors.ts";
import type { JobQueue } from "../../queue/index.ts";
import type { SqlClient } from "../../store/sql.ts";
import type { CheckedCsv } from "../csv/index.ts";
import { checkCsv } from "../csv/index.ts";
import type { RunImport } from "../webhooks/worker.ts";
import { removeSpool } from "./spool.ts";
import { finishUpload, getUpload } from "./uploads.ts";

export const UPLOAD_QUEUE = "contacts.upload";
export const UPLOAD_RETRY_LIMIT = 5;

export interface UploadWorkerDeps {
  readonly sql: SqlClient;
  readonly runImport: RunImport;
  now(): Date;
  log(line: string): void;
}

interface UploadJob {
  readonly upload: string;
}

export function queueUpload(queue: JobQueue, upload: string): Promise<string | null> {
  return queue.send<UploadJob>(
    UPLOAD_QUEUE,
    { upload },
    {
      idempotencyKey: upload,
      retryLimit: UPLOAD_RETRY_LIMIT,
      retryDelaySeconds: 30,
      retryBackoff: true,
      expireInSeconds: 3600,
    },
  );
}

/**
 * Imports one uploaded file. A file the CSV reader refuses fails the upload for good; any other failure is thrown so the queue retries, and the last one marks the upload failed (the spool
 * file is kept then, so an operator can still look at what was sent).
 */
export async function importUpload(deps: UploadWorkerDeps, id: string, retryCount: number): Promise<void> {
  const upload = await getUpload(deps.sql, id);
  if (upload === undefined || upload.state !== "queued") return;
  let checked;
  try {
    // Only a file problem is final: the file will not change by waiting.
    checked = await checkFile(upload.name, upload.spoolPath, id);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const detail = [error.message, ...error.details.map((d) => d.trim())].join("; ");
    await finishUpload(deps.sql, id, "failed", detail, deps.now());
    await removeSpool(upload.spoolPath);
    deps.log(`contacts upload ${id}: refused: ${detail}`);
    return;
  }
  try {
    const report = await deps.runImport(
      {
        tenant: upload.tenant,
        list: upload.list,
        importId: id,
        provenance: {
          source: `upload:${upload.name}`,
          collectedAt: upload.collectedAt,
          legalBasis: upload.legalBasis,
        },
      },
      checked.read(),
    );
    if (report.state === "failed") throw new Error(`the import of upload ${id} failed`);
    await finishUpload(deps.sql, id, "done", null, deps.now());
    await removeSpool(upload.spoolPath);
    deps.log(`contacts upload ${id}: imported (${report.accepted} accepted of ${report.rows} rows)`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const final = retryCount >= UPLOAD_RETRY_LIMIT;
    if (final) await finishUpload(deps.sql, id, "failed", message, deps.now());
    deps.log(
      `contacts upload ${id}: import failed${final ? " (no retry left)" : ", will retry"}: ${message}`,
    );
    throw error;
  }
}

async function checkFile(name: string, path: string, id: string): Promise<CheckedCsv> {
  try {
    await access(path);
  } catch {
    throw new ConfigError(
      `the uploaded file of import ${id} is gone from the spool directory: upload it again`,
    );
  }
  return checkCsv({ name, open: () => createReadStream(path, { highWaterMark: 64 * 1024 }) });
}

export async function startUploadWorker(
  queue: JobQueue,
  deps: UploadWorkerDeps,
  options: { readonly pollSeconds?: number } = {},
): Promise<void> {
  await queue.work<UploadJob>(
    UPLOAD_QUEUE,
    (job) => importUpload(deps, job.data.upload, job.retryCount),
    options,
  );
}
