import pg from "pg";
import { TransientError } from "../errors.ts";
import type { SqlClient, SqlQuerier } from "./sql.ts";
import { quoteIdent } from "./sql.ts";

/** A real PostgreSQL through a small pool; every connection gets the store's search path. */
export async function openPostgres(url: string, schema: string): Promise<SqlClient> {
  const ident = quoteIdent(schema);
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // Bounds every statement; the store runs small queries only.
    statement_timeout: 30_000,
    options: `-c search_path=${ident}`,
  });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  try {
    try {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${ident}`);
    } catch (error) {
      // Two engines starting together race on IF NOT EXISTS; the loser sees a unique violation (23505)
      // or "already exists" (42P06): the schema is there, which is all that was asked.
      const code = (error as { code?: string }).code;
      if (code !== "23505" && code !== "42P06") throw error;
    }
  } catch (error) {
    await pool.end();
    throw new TransientError(`cannot reach PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    kind: "postgres",
    query: async <T extends object>(text: string, params: readonly unknown[] = []) =>
      (await pool.query<T & pg.QueryResultRow>(text, [...params])).rows,
    exec: async (script) => {
      await pool.query(script);
    },
    script: async (text) => {
      // node-postgres answers a multi-statement script with one result per statement.
      const result = (await pool.query(text)) as pg.QueryResult | pg.QueryResult[];
      const rows: Record<string, unknown>[] | undefined = Array.isArray(result)
        ? result.at(-1)?.rows
        : result.rows;
      return rows ?? [];
    },
    transaction: async <R>(fn: (tx: SqlQuerier) => Promise<R>) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn({
          query: async <T extends object>(text: string, params: readonly unknown[] = []) =>
            (await client.query<T & pg.QueryResultRow>(text, [...params])).rows,
          exec: async (script) => {
            await client.query(script);
          },
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** postgres://user:secret@host/db → postgres://user:***@host/db, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}
