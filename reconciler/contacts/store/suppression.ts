// The suppression list (reference deliverability §5.4): addresses never imported again. Keyed by the
// address hash only. Hard bounces and erasures apply to every tenant; complaints and unsubscribes to
// every list of the tenant that received them. Entries are never removed (an objection is for good).
import { ConfigError } from "../../errors.ts";
import type { SqlQuerier } from "../../store/sql.ts";
import { emailHash } from "./keys.ts";

export const SUPPRESSION_REASONS = [
  "hard-bounce",
  "complaint",
  "unsubscribe",
  "objection",
  "erased",
  "manual",
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** The scope of an entry that applies to every tenant. */
export const ALL_TENANTS = "*";

export interface SuppressInput {
  readonly email: string;
  readonly reason: SuppressionReason;
  /** The tenant whose lists it covers; absent: every tenant. */
  readonly tenant?: string | undefined;
  /** Who said so: "pmta-accounting", "fbl", "cli", "erasure", … */
  readonly source: string;
  readonly at?: Date;
}

export interface SuppressionEntry {
  readonly emailHash: string;
  readonly scope: string;
  readonly reason: string;
  readonly source: string;
  readonly createdAt: string;
}

export function checkReason(reason: string): SuppressionReason {
  if ((SUPPRESSION_REASONS as readonly string[]).includes(reason)) return reason as SuppressionReason;
  throw new ConfigError(`unknown suppression reason ${JSON.stringify(reason)}`, [
    `    expected one of: ${SUPPRESSION_REASONS.join(", ")}`,
  ]);
}

/**
 * Adds the address to the suppression list. Idempotent: a second entry for the same address and scope
 * keeps the first (its reason and date are the ones that count). Returns true when it was new.
 */
export async function suppress(sql: SqlQuerier, input: SuppressInput): Promise<boolean> {
  const reason = checkReason(input.reason);
  const rows = await sql.query(
    `INSERT INTO suppression (email_hash, scope, reason, source, created_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email_hash, scope) DO NOTHING RETURNING email_hash`,
    [emailHash(input.email), input.tenant ?? ALL_TENANTS, reason, input.source, input.at ?? new Date()],
  );
  return rows.length > 0;
}

/** The entries that stop this address for this tenant (any tenant's when `tenant` is absent). */
export async function isSuppressed(
  sql: SqlQuerier,
  email: string,
  tenant?: string,
): Promise<SuppressionEntry | undefined> {
  const entries = await suppressionOf(sql, emailHash(email));
  return entries.find((e) => tenant === undefined || e.scope === ALL_TENANTS || e.scope === tenant);
}

/** Of these hashes, those suppressed for the tenant (one query for a whole batch of an import). */
export async function suppressedAmong(
  sql: SqlQuerier,
  hashes: readonly string[],
  tenant: string,
): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await sql.query<{ email_hash: string }>(
    `SELECT DISTINCT email_hash FROM suppression WHERE email_hash = ANY($1::text[]) AND scope IN ($2, $3)`,
    [hashes, ALL_TENANTS, tenant],
  );
  return new Set(rows.map((r) => r.email_hash));
}

export async function suppressionOf(sql: SqlQuerier, hash: string): Promise<SuppressionEntry[]> {
  return (await sql.query<Row>(`${SELECT} WHERE email_hash = $1 ORDER BY scope`, [hash])).map(entry);
}

/** Every entry, oldest first (then by hash, for a stable listing). */
export async function listSuppressed(sql: SqlQuerier): Promise<SuppressionEntry[]> {
  return (await sql.query<Row>(`${SELECT} ORDER BY created_at, email_hash, scope`)).map(entry);
}

const SELECT = `SELECT email_hash, scope, reason, source, created_at FROM suppression`;

interface Row {
  email_hash: string;
  scope: string;
  reason: string;
  source: string;
  created_at: Date | string;
}

function entry(r: Row): SuppressionEntry {
  return {
    emailHash: r.email_hash,
    scope: r.scope,
    reason: r.reason,
    source: r.source,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
