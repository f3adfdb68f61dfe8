// The queue side of the webhooks: one job per accepted delivery, run through the same import pipeline
// as a CSV file, with the delivery's provenance. The job carries only the delivery's id; the contacts
// wait in its webhook_deliveries row and are dropped from it once imported.
import type { JobQueue } from "../../queue/index.ts";
import type { SqlClient } from "../../store/sql.ts";
import { rowsFrom } from "../import/index.ts";
import type { ImportReport, ImportRequest, SourceRow } from "../import/types.ts";
import { deliveryContacts, getDelivery, markAttemptFailed, markDone } from "./deliveries.ts";

export const WEBHOOK_QUEUE = "contacts.webhook";
/** Retries after the first attempt (30 s doubling: about two hours in all). */
export const WEBHOOK_RETRY_LIMIT = 8;

/** Runs the import pipeline (importContacts with the daemon's store, validator and MailWizz). */
export type RunImport = (
  request: ImportRequest,
  rows: AsyncIterable<SourceRow> | Iterable<SourceRow>,
) => Promise<ImportReport>;

export interface WebhookWorkerDeps {
  readonly sql: SqlClient;
  readonly runImport: RunImport;
  now(): Date;
  log(line: string): void;
}

interface DeliveryJob {
  readonly delivery: string;
}

/** Queues a delivery's import; null when that delivery's job already exists. */
export function queueDelivery(queue: JobQueue, delivery: string): Promise<string | null> {
  return queue.send<DeliveryJob>(
    WEBHOOK_QUEUE,
    { delivery },
    {
      idempotencyKey: delivery,
      retryLimit: WEBHOOK_RETRY_LIMIT,
      retryDelaySeconds: 30,
      retryBackoff: true,
      expireInSeconds: 900,
    },
  );
}

/** The import id of a delivery: stable, so a retried job resumes the same import. */
export function deliveryImportId(delivery: string): string {
  return `webhook-${delivery}`;
}

/**
 * Imports one delivery. Done deliveries are skipped (a job run twice imports once); a failure is
 * recorded on the delivery and thrown, so the queue retries it; the last failure marks it failed.
 */
export async function importDelivery(deps: WebhookWorkerDeps, id: string, retryCount: number): Promise<void> {
  const row = await getDelivery(deps.sql, id);
  if (row === undefined) {
    deps.log(`webhook delivery ${id}: no such delivery (job ignored)`);
    return;
  }
  if (row.state === "done") return;
  try {
    const contacts = await deliveryContacts(deps.sql, id);
    if (contacts === null) throw new Error(`delivery ${id} has no contacts stored`);
    const report = await deps.runImport(
      {
        tenant: row.tenant,
        list: row.list,
        importId: deliveryImportId(id),
        provenance: { source: row.source, collectedAt: row.collectedAt, legalBasis: row.legalBasis },
      },
      // The line of a contact is its position in the delivery (1-based).
      rowsFrom(contacts),
    );
    if (report.state === "failed") throw new Error(`the import of delivery ${id} failed`);
    await markDone(deps.sql, id, report, deps.now());
    deps.log(
      `webhook delivery ${id}: imported into ${row.tenant}/${row.list}: ${report.accepted} accepted, ` +
        `${report.duplicates} duplicates, ${report.suppressed} suppressed of ${report.rows}`,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const final = retryCount >= WEBHOOK_RETRY_LIMIT;
    await markAttemptFailed(deps.sql, id, message, final, deps.now());
    deps.log(
      `webhook delivery ${id}: import failed${final ? " (no retry left)" : ", will retry"}: ${message}`,
    );
    throw error;
  }
}

/** Starts the worker of the webhook queue. */
export async function startWebhookWorker(
  queue: JobQueue,
  deps: WebhookWorkerDeps,
  options: { readonly pollSeconds?: number } = {},
): Promise<void> {
  await queue.work<DeliveryJob>(
    WEBHOOK_QUEUE,
    (job) => importDelivery(deps, job.data.delivery, job.retryCount),
    options,
  );
}
