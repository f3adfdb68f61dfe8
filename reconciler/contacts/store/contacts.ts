// The contacts table: one row per (tenant, list, address), written in batches (one statement per
// batch through unnest, which PGlite and PostgreSQL both run) so a million-row import stays fast.
import type { SqlQuerier } from "../../store/sql.ts";

export interface NewContact {
  readonly emailHash: string;
  readonly email: string;
  readonly fname: string;
  readonly lname: string;
  readonly country: string;
  readonly company: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly status: string;
  readonly reason: string;
  readonly line: number;
}

export interface BatchContext {
  readonly tenant: string;
  readonly list: string;
  readonly importId: string;
  readonly source: string;
  readonly collectedAt: string;
  readonly legalBasis: string;
  readonly addedAt: Date;
}

export interface StoredContact {
  readonly tenant: string;
  readonly list: string;
  readonly email: string;
  readonly emailHash: string;
  readonly fname: string;
  readonly lname: string;
  readonly country: string;
  readonly company: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly status: string;
  readonly reason: string;
  readonly source: string;
  readonly collectedAt: string;
  readonly legalBasis: string;
  readonly importId: string;
  readonly line: number;
  readonly addedAt: string;
  readonly pushedAt: string | null;
  readonly subscriberUid: string | null;
  readonly pushError: string | null;
}

/** Which of these hashes the list already holds, with the import and line that stored them. */
export async function existingIn(
  sql: SqlQuerier,
  tenant: string,
  list: string,
  hashes: readonly string[],
): Promise<Map<string, { importId: string; line: number }>> {
  if (hashes.length === 0) return new Map();
  const rows = await sql.query<{ email_hash: string; import_id: string; line: string | number }>(
    `SELECT email_hash, import_id, line FROM contacts
     WHERE tenant = $1 AND list = $2 AND email_hash = ANY($3::text[])`,
    [tenant, list, hashes],
  );
  return new Map(rows.map((r) => [r.email_hash, { importId: r.import_id, line: Number(r.line) }]));
}

/** Inserts the batch; a row another import stored meanwhile is left alone. Returns the hashes inserted. */
export async function insertContacts(
  sql: SqlQuerier,
  context: BatchContext,
  rows: readonly NewContact[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const col = <K extends keyof NewContact>(k: K) => rows.map((r) => r[k]);
  const inserted = await sql.query<{ email_hash: string }>(
    `INSERT INTO contacts (tenant, list, email_hash, email, fname, lname, country, company, fields,
       status, reason, source, collected_at, legal_basis, import_id, line, added_at)
     SELECT $1, $2, h, e, fn, ln, co, cp, f::jsonb, st, re, $3, $4, $5, $6, l, $7
     FROM unnest($8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                 $15::text[], $16::text[], $17::bigint[]) AS t(h, e, fn, ln, co, cp, f, st, re, l)
     ON CONFLICT (tenant, list, email_hash) DO NOTHING
     RETURNING email_hash`,
    [
      context.tenant,
      context.list,
      context.source,
      context.collectedAt,
      context.legalBasis,
      context.importId,
      context.addedAt,
      col("emailHash"),
      col("email"),
      col("fname"),
      col("lname"),
      col("country"),
      col("company"),
      rows.map((r) => JSON.stringify(r.fields)),
      col("status"),
      col("reason"),
      col("line"),
    ],
  );
  return new Set(inserted.map((r) => r.email_hash));
}

/**
 * Refreshes the planner's statistics of the contacts table. A table grown by a bulk import since it was
 * last analyzed (or never analyzed: a fresh install) has no statistics for email_hash, so PostgreSQL
 * takes `tenant = … AND list = …` for selective and answers existingIn by scanning the whole list: each
 * batch then costs time proportional to the list, and a million-row import becomes quadratic. The
 * import calls this as it grows the table (autovacuum's analyze runs only once a minute at best).
 */
export async function analyzeContacts(sql: SqlQuerier): Promise<void> {
  await sql.query(`ANALYZE contacts`);
}

/** The next contacts of an import not yet in MailWizz, after `afterHash` (keyset paging). */
export async function unpushed(
  sql: SqlQuerier,
  importId: string,
  afterHash: string,
  limit: number,
): Promise<StoredContact[]> {
  const rows = await sql.query<Row>(
    `${SELECT} WHERE import_id = $1 AND pushed_at IS NULL AND email_hash > $2
     ORDER BY email_hash LIMIT $3`,
    [importId, afterHash, limit],
  );
  return rows.map(contact);
}

export async function markPushed(
  sql: SqlQuerier,
  tenant: string,
  list: string,
  pushed: readonly { emailHash: string; uid: string }[],
  at: Date,
): Promise<void> {
  if (pushed.length === 0) return;
  await sql.query(
    `UPDATE contacts SET pushed_at = $3, subscriber_uid = NULLIF(t.uid, ''), push_error = NULL
     FROM unnest($4::text[], $5::text[]) AS t(h, uid)
     WHERE tenant = $1 AND list = $2 AND email_hash = t.h`,
    [tenant, list, at, pushed.map((p) => p.emailHash), pushed.map((p) => p.uid)],
  );
}

export async function markPushError(
  sql: SqlQuerier,
  tenant: string,
  list: string,
  refused: readonly { emailHash: string; error: string }[],
): Promise<void> {
  if (refused.length === 0) return;
  await sql.query(
    `UPDATE contacts SET push_error = t.err FROM unnest($3::text[], $4::text[]) AS t(h, err)
     WHERE tenant = $1 AND list = $2 AND email_hash = t.h`,
    [tenant, list, refused.map((p) => p.emailHash), refused.map((p) => p.error)],
  );
}

export async function pushCounts(
  sql: SqlQuerier,
  importId: string,
): Promise<{ stored: number; pushed: number; refused: number }> {
  const [row] = await sql.query<{ stored: string; pushed: string; refused: string }>(
    `SELECT count(*) AS stored, count(pushed_at) AS pushed,
            count(*) FILTER (WHERE pushed_at IS NULL AND push_error IS NOT NULL) AS refused
     FROM contacts WHERE import_id = $1`,
    [importId],
  );
  return {
    stored: Number(row?.stored ?? 0),
    pushed: Number(row?.pushed ?? 0),
    refused: Number(row?.refused ?? 0),
  };
}

/** Every row held for this address, in every tenant and list. */
export async function contactsByHash(sql: SqlQuerier, hash: string): Promise<StoredContact[]> {
  return (await sql.query<Row>(`${SELECT} WHERE email_hash = $1 ORDER BY tenant, list`, [hash])).map(contact);
}

/** Deletes an import's contacts that were never pushed (an import whose file turned out unreadable). */
export async function deleteUnpushedOf(sql: SqlQuerier, importId: string): Promise<void> {
  await sql.query(`DELETE FROM contacts WHERE import_id = $1 AND pushed_at IS NULL`, [importId]);
}

const SELECT = `SELECT tenant, list, email, email_hash, fname, lname, country, company, fields, status,
  reason, source, collected_at, legal_basis, import_id, line, added_at, pushed_at, subscriber_uid,
  push_error FROM contacts`;

interface Row {
  tenant: string;
  list: string;
  email: string;
  email_hash: string;
  fname: string;
  lname: string;
  country: string;
  company: string;
  fields: Record<string, string> | string;
  status: string;
  reason: string;
  source: string;
  collected_at: Date | string;
  legal_basis: string;
  import_id: string;
  line: string | number;
  added_at: Date | string;
  pushed_at: Date | string | null;
  subscriber_uid: string | null;
  push_error: string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

function contact(r: Row): StoredContact {
  return {
    tenant: r.tenant,
    list: r.list,
    email: r.email,
    emailHash: r.email_hash,
    fname: r.fname,
    lname: r.lname,
    country: r.country,
    company: r.company,
    fields: typeof r.fields === "string" ? (JSON.parse(r.fields) as Record<string, string>) : r.fields,
    status: r.status,
    reason: r.reason,
    source: r.source,
    collectedAt: iso(r.collected_at),
    legalBasis: r.legal_basis,
    importId: r.import_id,
    line: Number(r.line),
    addedAt: iso(r.added_at),
    pushedAt: r.pushed_at === null ? null : iso(r.pushed_at),
    subscriberUid: r.subscriber_uid,
    pushError: r.push_error,
  };
}
