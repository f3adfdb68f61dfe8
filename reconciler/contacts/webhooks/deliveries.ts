// The webhook_deliveries table (migration 0007): what was received, and how its import went. The row
// is written before the job is queued and keyed by the delivery's identity, so a redelivery (the
// sender retrying after a timeout) finds it and is answered as a duplicate instead of imported again.
import { createHash } from "node:crypto";
import type { SqlQuerier } from "../../store/sql.ts";
import type { ContactInput, ImportReport } from "../import/types.ts";

export type DeliveryState = "received" | "queued" | "done" | "failed";

export interface DeliveryRow {
  readonly id: string;
  readonly source: string;
  readonly externalId: string | null;
  readonly bodySha256: string;
  readonly tenant: string;
  readonly list: string;
  readonly contacts: number;
  readonly collectedAt: string;
  readonly legalBasis: string;
  readonly receivedAt: string;
  readonly state: DeliveryState;
  readonly jobId: string | null;
  readonly attempts: number;
  readonly report: Omit<ImportReport, "importId" | "tenant" | "list"> | null;
  readonly error: string | null;
}

export interface NewDelivery {
  readonly id: string;
  readonly source: string;
  /** The sender's label of where it found the contacts (the payload's `source`). */
  readonly label: string;
  readonly externalId: string | undefined;
  readonly bodySha256: string;
  readonly tenant: string;
  readonly list: string;
  readonly collectedAt: string;
  readonly legalBasis: string;
  readonly receivedAt: Date;
  readonly contacts: readonly ContactInput[];
}

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * A delivery's id: from the sender's X-Delivery-Id when it gives one (its retries re-sign with a new
 * timestamp), else from the exact signed request (timestamp, signature and body), which a retry that
 * re-sends the same bytes repeats.
 */
export function deliveryId(
  source: string,
  identity:
    | { readonly externalId: string }
    | { readonly timestamp: string; readonly signature: string; readonly bodySha256: string },
): string {
  const key =
    "externalId" in identity
      ? `id\0${identity.externalId}`
      : `sig\0${identity.timestamp}\0${identity.signature}\0${identity.bodySha256}`;
  return sha256Hex(`${source}\0${key}`).slice(0, 32);
}

const COLUMNS = `id, source, external_id, body_sha256, tenant, list, contacts, collected_at, legal_basis,
  received_at, state, job_id, attempts, report, error`;

function toRow(r: Record<string, unknown>): DeliveryRow {
  const iso = (v: unknown) => new Date(v as string).toISOString();
  return {
    id: String(r.id),
    source: String(r.source),
    externalId: (r.external_id as string | null) ?? null,
    bodySha256: String(r.body_sha256),
    tenant: String(r.tenant),
    list: String(r.list),
    contacts: Number(r.contacts),
    collectedAt: iso(r.collected_at),
    legalBasis: String(r.legal_basis),
    receivedAt: iso(r.received_at),
    state: String(r.state) as DeliveryState,
    jobId: (r.job_id as string | null) ?? null,
    attempts: Number(r.attempts),
    report: (r.report ?? null) as DeliveryRow["report"],
    error: (r.error as string | null) ?? null,
  };
}

/** Stores a new delivery; returns null when one with the same id exists (then read it with getDelivery). */
export async function insertDelivery(db: SqlQuerier, d: NewDelivery): Promise<DeliveryRow | null> {
  const rows = await db.query(
    `INSERT INTO webhook_deliveries (id, source, external_id, body_sha256, tenant, list, contacts,
       collected_at, legal_basis, received_at, state, payload, updated_at, label)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'received', $11::jsonb, $10, $12)
     ON CONFLICT (id) DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      d.id,
      d.source,
      d.externalId ?? null,
      d.bodySha256,
      d.tenant,
      d.list,
      d.contacts.length,
      d.collectedAt,
      d.legalBasis,
      d.receivedAt.toISOString(),
      JSON.stringify(d.contacts),
      d.label,
    ],
  );
  return rows[0] ? toRow(rows[0]) : null;
}

export async function getDelivery(db: SqlQuerier, id: string): Promise<DeliveryRow | undefined> {
  const rows = await db.query(`SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = $1`, [id]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** The contacts of a delivery not yet imported (null once the import is done). */
export async function deliveryContacts(db: SqlQuerier, id: string): Promise<ContactInput[] | null> {
  const rows = await db.query<{ payload: unknown }>("SELECT payload FROM webhook_deliveries WHERE id = $1", [
    id,
  ]);
  const payload = rows[0]?.payload;
  if (payload === undefined || payload === null) return null;
  return (typeof payload === "string" ? JSON.parse(payload) : payload) as ContactInput[];
}

export async function markQueued(db: SqlQuerier, id: string, jobId: string | null, at: Date): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET state = 'queued', job_id = COALESCE($2, job_id), updated_at = $3
      WHERE id = $1 AND state = 'received'`,
    [id, jobId, at.toISOString()],
  );
}

/** The import ended: keep its counts, drop the contacts (the import stored what it keeps). */
export async function markDone(db: SqlQuerier, id: string, report: ImportReport, at: Date): Promise<void> {
  const counts = {
    rows: report.rows,
    accepted: report.accepted,
    invalid: report.invalid,
    duplicates: report.duplicates,
    suppressed: report.suppressed,
    errors: report.errors,
    pushed: report.pushed,
    state: report.state,
  };
  await db.query(
    `UPDATE webhook_deliveries
        SET state = 'done', report = $2::jsonb, error = NULL, payload = NULL, attempts = attempts + 1, updated_at = $3
      WHERE id = $1`,
    [id, JSON.stringify(counts), at.toISOString()],
  );
}

/** An attempt failed; `final` when the queue will not retry it (the contacts stay for an operator). */
export async function markAttemptFailed(
  db: SqlQuerier,
  id: string,
  error: string,
  final: boolean,
  at: Date,
): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries
        SET state = CASE WHEN $3::boolean THEN 'failed' ELSE state END, error = $2, attempts = attempts + 1, updated_at = $4
      WHERE id = $1`,
    [id, error.slice(0, 1000), final, at.toISOString()],
  );
}
