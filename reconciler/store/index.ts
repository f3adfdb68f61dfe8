// The state store: one PostgreSQL schema, versioned migrations, used through this one interface.
// PGlite (embedded, in a data directory) is the default; DATABASE_URL selects a real PostgreSQL.
import { Ledger } from "./ledger.ts";
import { migrate } from "./migrate.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";
import type { SqlClient } from "./sql.ts";
import type { JobQueue } from "../queue/index.ts";
import { openQueue } from "../queue/index.ts";

export type { LedgerRow, LedgerCounts } from "./ledger.ts";
export type { SqlClient } from "./sql.ts";

export interface StoreOptions {
  /** postgres://… for a real PostgreSQL; undefined for the embedded PGlite. */
  readonly databaseUrl?: string | undefined;
  /** PGlite data directory; undefined keeps the embedded store in memory (tests). */
  readonly dataDir?: string | undefined;
  /** The schema holding the store's tables (tests use one per test). */
  readonly schema?: string;
}

export interface Store {
  readonly kind: SqlClient["kind"];
  readonly ledger: Ledger;
  readonly sql: SqlClient;
  /** The durable job queue (pg-boss) in this store's database, opened on first use. */
  queue(): Promise<JobQueue>;
  close(): Promise<void>;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const schema = options.schema ?? "email_engine";
  const sql = options.databaseUrl
    ? await openPostgres(options.databaseUrl, schema)
    : await openPglite(options.dataDir, schema);
  try {
    await migrate(sql);
  } catch (error) {
    await sql.close();
    throw error;
  }
  let queue: Promise<JobQueue> | undefined;
  return {
    kind: sql.kind,
    sql,
    ledger: new Ledger(sql),
    queue: () => (queue ??= openQueue(sql, schema)),
    close: async () => {
      if (queue) await (await queue.catch(() => undefined))?.stop();
      await sql.close();
    },
  };
}
