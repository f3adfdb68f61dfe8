// Imports and their row errors: what makes an import resumable (its phase) and its report durable
// (counts, and the refused rows as a CSV to download).
import type { SqlQuerier } from "../../store/sql.ts";

export type ImportPhase = "reading" | "pushing" | "done";

export interface ImportRecord {
  readonly importId: string;
  readonly tenant: string;
  readonly list: string;
  readonly source: string;
  readonly collectedAt: string;
  readonly legalBasis: string;
  readonly phase: ImportPhase;
  readonly state: "running" | "done" | "failed";
  readonly counts: ImportCounts;
  readonly message: string;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export interface ImportCounts {
  readonly rows: number;
  readonly accepted: number;
  readonly invalid: Readonly<Record<string, number>>;
  readonly duplicates: number;
  readonly suppressed: number;
  readonly errors: number;
}

export interface RowError {
  readonly line: number;
  /** error: the row could not be read; invalid: the validator refused the address. */
  readonly kind: "error" | "invalid";
  readonly email: string;
  readonly emailHash: string;
  readonly reason: string;
  readonly detail: string;
}

export async function getImport(sql: SqlQuerier, importId: string): Promise<ImportRecord | undefined> {
  const [row] = await sql.query<Row>(`SELECT * FROM contact_imports WHERE import_id = $1`, [importId]);
  return row && record(row);
}

/** Creates the import, or marks an existing one running again; returns it as it now stands. */
export async function startImport(
  sql: SqlQuerier,
  input: Pick<ImportRecord, "importId" | "tenant" | "list" | "source" | "collectedAt" | "legalBasis">,
  at: Date,
): Promise<ImportRecord> {
  await sql.query(
    `INSERT INTO contact_imports (import_id, tenant, list, source, collected_at, legal_basis, phase, state,
       started_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'reading', 'running', $7, $7)
     ON CONFLICT (import_id) DO UPDATE SET state = 'running', message = '', updated_at = $7`,
    [input.importId, input.tenant, input.list, input.source, input.collectedAt, input.legalBasis, at],
  );
  return (await getImport(sql, input.importId))!;
}

export async function saveCounts(
  sql: SqlQuerier,
  importId: string,
  counts: ImportCounts,
  phase: ImportPhase,
  at: Date,
): Promise<void> {
  await sql.query(
    `UPDATE contact_imports SET rows = $2, accepted = $3, invalid = $4::jsonb, duplicates = $5,
       suppressed = $6, errors = $7, phase = $8, updated_at = $9 WHERE import_id = $1`,
    [
      importId,
      counts.rows,
      counts.accepted,
      JSON.stringify(sortedRecord(counts.invalid)),
      counts.duplicates,
      counts.suppressed,
      counts.errors,
      phase,
      at,
    ],
  );
}

export async function setState(
  sql: SqlQuerier,
  importId: string,
  state: ImportRecord["state"],
  phase: ImportPhase,
  message: string,
  at: Date,
): Promise<void> {
  await sql.query(
    `UPDATE contact_imports SET state = $2, phase = $3, message = $4, updated_at = $5 WHERE import_id = $1`,
    [importId, state, phase, message, at],
  );
}

export async function insertRowErrors(
  sql: SqlQuerier,
  importId: string,
  errors: readonly RowError[],
): Promise<void> {
  if (errors.length === 0) return;
  const col = <K extends keyof RowError>(k: K) => errors.map((e) => e[k]);
  await sql.query(
    `INSERT INTO contact_import_errors (import_id, line, kind, email, email_hash, reason, detail)
     SELECT $1, l, k, e, h, r, d
     FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(l, k, e, h, r, d)
     ON CONFLICT (import_id, line) DO NOTHING`,
    [importId, col("line"), col("kind"), col("email"), col("emailHash"), col("reason"), col("detail")],
  );
}

export async function deleteRowErrorsOf(sql: SqlQuerier, importId: string): Promise<void> {
  await sql.query(`DELETE FROM contact_import_errors WHERE import_id = $1`, [importId]);
}

/** An import's refused rows in line order, a page at a time (an import may refuse many). */
export async function* rowErrorsOf(
  sql: SqlQuerier,
  importId: string,
  page = 5_000,
): AsyncGenerator<RowError> {
  let after = -1;
  for (;;) {
    const rows = await sql.query<ErrorRow>(
      `SELECT line, kind, email, email_hash, reason, detail FROM contact_import_errors
       WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3`,
      [importId, after, page],
    );
    for (const r of rows) yield rowError(r);
    if (rows.length < page) return;
    after = Number(rows.at(-1)!.line);
  }
}

export async function rowErrorsByHash(
  sql: SqlQuerier,
  hash: string,
): Promise<(RowError & { importId: string })[]> {
  const rows = await sql.query<ErrorRow & { import_id: string }>(
    `SELECT import_id, line, kind, email, email_hash, reason, detail FROM contact_import_errors
     WHERE email_hash = $1 ORDER BY import_id, line`,
    [hash],
  );
  return rows.map((r) => ({ importId: r.import_id, ...rowError(r) }));
}

interface ErrorRow {
  line: string | number;
  kind: string;
  email: string;
  email_hash: string;
  reason: string;
  detail: string;
}

function rowError(r: ErrorRow): RowError {
  return {
    line: Number(r.line),
    kind: r.kind === "invalid" ? "invalid" : "error",
    email: r.email,
    emailHash: r.email_hash,
    reason: r.reason,
    detail: r.detail,
  };
}

interface Row {
  import_id: string;
  tenant: string;
  list: string;
  source: string;
  collected_at: Date | string;
  legal_basis: string;
  phase: ImportPhase;
  state: ImportRecord["state"];
  rows: string | number;
  accepted: string | number;
  invalid: Record<string, number> | string;
  duplicates: string | number;
  suppressed: string | number;
  errors: string | number;
  message: string;
  started_at: Date | string;
  updated_at: Date | string;
}

function record(r: Row): ImportRecord {
  return {
    importId: r.import_id,
    tenant: r.tenant,
    list: r.list,
    source: r.source,
    collectedAt: new Date(r.collected_at).toISOString(),
    legalBasis: r.legal_basis,
    phase: r.phase,
    state: r.state,
    counts: {
      rows: Number(r.rows),
      accepted: Number(r.accepted),
      invalid: typeof r.invalid === "string" ? (JSON.parse(r.invalid) as Record<string, number>) : r.invalid,
      duplicates: Number(r.duplicates),
      suppressed: Number(r.suppressed),
      errors: Number(r.errors),
    },
    message: r.message,
    startedAt: new Date(r.started_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export function sortedRecord(counts: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
