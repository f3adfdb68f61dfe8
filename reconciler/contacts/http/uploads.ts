// The contact_uploads table (migration 0007): CSV files received over HTTP, waiting in a spool file for
// their queued import, and how that import ended when it could not even start (a file that is not CSV).
import type { SqlQuerier } from "../../store/sql.ts";

export type UploadState = "queued" | "done" | "failed";

export interface UploadRow {
  readonly id: string;
  readonly tenant: string;
  readonly list: string;
  readonly name: string;
  readonly bytes: number;
  readonly spoolPath: string;
  readonly receivedAt: string;
  readonly state: UploadState;
  readonly jobId: string | null;
  readonly attempts: number;
  readonly error: string | null;
  /** Provenance given with the upload. */
  readonly collectedAt: string;
  readonly legalBasis: string;
}

export type NewUpload = Omit<UploadRow, "state" | "jobId" | "attempts" | "error" | "receivedAt"> & {
  readonly receivedAt: Date;
};

const COLUMNS = `id, tenant, list, name, bytes, spool_path, received_at, state, job_id, attempts, error,
  collected_at, legal_basis`;

function toRow(r: Record<string, unknown>): UploadRow {
  return {
    id: String(r.id),
    tenant: String(r.tenant),
    list: String(r.list),
    name: String(r.name),
    bytes: Number(r.bytes),
    spoolPath: String(r.spool_path),
    receivedAt: new Date(r.received_at as string).toISOString(),
    state: String(r.state) as UploadState,
    jobId: (r.job_id as string | null) ?? null,
    attempts: Number(r.attempts),
    error: (r.error as string | null) ?? null,
    collectedAt: new Date(r.collected_at as string).toISOString(),
    legalBasis: String(r.legal_basis),
  };
}

export async function insertUpload(db: SqlQuerier, u: NewUpload): Promise<void> {
  await db.query(
    `INSERT INTO contact_uploads (id, tenant, list, name, bytes, spool_path, received_at, state,
       collected_at, legal_basis, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9, $7)`,
    [
      u.id,
      u.tenant,
      u.list,
      u.name,
      u.bytes,
      u.spoolPath,
      u.receivedAt.toISOString(),
      u.collectedAt,
      u.legalBasis,
    ],
  );
}

export async function getUpload(db: SqlQuerier, id: string): Promise<UploadRow | undefined> {
  const rows = await db.query(`SELECT ${COLUMNS} FROM contact_uploads WHERE id = $1`, [id]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

export async function setUploadJob(db: SqlQuerier, id: string, jobId: string | null): Promise<void> {
  await db.query("UPDATE contact_uploads SET job_id = $2 WHERE id = $1", [id, jobId]);
}

export async function finishUpload(
  db: SqlQuerier,
  id: string,
  state: UploadState,
  error: string | null,
  at: Date,
): Promise<void> {
  await db.query(
    `UPDATE contact_uploads SET state = $2, error = $3, attempts = attempts + 1, updated_at = $4 WHERE id = $1`,
    [id, state, error === null ? null : error.slice(0, 2000), at.toISOString()],
  );
}
