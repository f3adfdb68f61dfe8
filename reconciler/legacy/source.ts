// Reads the old engine's PostgreSQL, read-only: the session defaults to read-only transactions, the
// snapshot is taken in one READ ONLY repeatable-read transaction (consistent across tables), every
// statement is bounded in time and every table in rows. Nothing here can write to the old database.
import pg from "pg";
import { ConfigError, TransientError } from "../errors.ts";
import { redactUrl } from "../store/postgres.ts";
import type { Row } from "./normalize.ts";

/** The tables read, in order. `ips` is required; a database without it is not the old engine's. */
export const LEGACY_TABLES = [
  "ips",
  "domains",
  "tenants",
  "warmup_plans",
  "warmup_daily_stats",
  "blacklist_events",
] as const;
export type LegacyTable = (typeof LEGACY_TABLES)[number];

/** More rows than this in one table is not the old engine's database (it ran a handful of IPs). */
export const MAX_ROWS_PER_TABLE = 500_000;

export interface RawLegacyData {
  readonly tables: Readonly<Record<LegacyTable, readonly Row[]>>;
  /** Optional tables absent from the database (reported, read as empty). */
  readonly missing: readonly LegacyTable[];
}

export interface SourceOptions {
  readonly connectTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
}

/** The old database's identity for the store: host, port and name; never a user or password. */
export function sourceKey(url: string): string {
  const u = parseUrl(url);
  const db = decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres";
  return `postgres://${u.hostname}:${u.port || "5432"}/${db}`;
}

/** Replaces the URL's password (raw and URL-encoded) in a message, whatever produced it. */
export function scrubSecret(text: string, url: string): string {
  let password: string;
  try {
    password = new URL(url).password;
  } catch {
    return text;
  }
  if (!password) return text;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // not percent-encoded: the raw form is the one to hide
  }
  return [password, decoded]
    .filter((s) => s.length > 0)
    .reduce((t, secret) => t.split(secret).join("***"), text);
}

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError("--database-url is not a URL", [
      "    expected: postgres://USER@HOST:5432/DATABASE (the old engine's DATABASE_URL)",
      "    fix: pass the old engine's PostgreSQL URL; put the password in PGPASSWORD or LEGACY_DATABASE_URL",
    ]);
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw new ConfigError(`--database-url ${redactUrl(url)} is not a PostgreSQL URL`, [
      "    expected: postgres://USER@HOST:5432/DATABASE",
      "    fix: the old engine must run on PostgreSQL (its SQLite default is not supported: dump it to PostgreSQL first)",
    ]);
  }
  return u;
}

export async function readLegacyDatabase(url: string, options: SourceOptions = {}): Promise<RawLegacyData> {
  parseUrl(url);
  const statementTimeout = options.statementTimeoutMs ?? 30_000;
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout + 5_000,
    // Every transaction of this session is read-only, on top of the explicit READ ONLY below.
    options: "-c default_transaction_read_only=on",
    application_name: "email-engine migrate from-legacy (read-only)",
  });
  client.on("error", () => {
    // A lost connection surfaces as the failing query's error; nothing to do here.
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new TransientError(
      scrubSecret(`cannot reach the old database ${redactUrl(url)}: ${(error as Error).message}`, url),
    );
  }
  try {
    await client.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const present = new Set(
      (
        await client.query<{ name: string }>(
          `SELECT c.relname AS name FROM pg_class c
           WHERE c.relkind IN ('r', 'p', 'v') AND c.relname = ANY($1::text[]) AND pg_table_is_visible(c.oid)`,
          [[...LEGACY_TABLES]],
        )
      ).rows.map((r) => r.name),
    );
    if (!present.has("ips")) {
      throw new ConfigError(`${redactUrl(url)} has no table \`ips\`: it is not the old engine's database`, [
        "    expected: the PostgreSQL database the Python email-engine ran on (tables ips, domains, warmup_plans, …)",
        "    fix: pass the old engine's DATABASE_URL (with its search_path if the tables are not in public)",
      ]);
    }
    const tables = {} as Record<LegacyTable, readonly Row[]>;
    const missing: LegacyTable[] = [];
    for (const table of LEGACY_TABLES) {
      if (!present.has(table)) {
        missing.push(table);
        tables[table] = [];
        continue;
      }
      // to_jsonb keeps whatever columns this revision of the old schema has; normalize picks the ones
      // that map and reports rows missing what they need. Table names come from LEGACY_TABLES only.
      const result = await client.query<{ row: Row }>(
        `SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY t.id LIMIT ${MAX_ROWS_PER_TABLE + 1}`,
      );
      if (result.rows.length > MAX_ROWS_PER_TABLE) {
        throw new ConfigError(`old table ${table} has more than ${MAX_ROWS_PER_TABLE} rows`, [
          "    expected: the old engine's database (a few IPs, their warm-up days and blocklist events)",
          "    fix: check the URL points at the old engine's database",
        ]);
      }
      tables[table] = result.rows.map((r) => r.row);
    }
    return { tables, missing };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new TransientError(
      scrubSecret(`reading the old database ${redactUrl(url)} failed: ${(error as Error).message}`, url),
    );
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
