import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import type { SqlClient, SqlQuerier } from "./sql.ts";
import { quoteIdent } from "./sql.ts";

/** Embedded PostgreSQL in a data directory (or in memory when dataDir is undefined). */
export async function openPglite(dataDir: string | undefined, schema: string): Promise<SqlClient> {
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir === undefined ? undefined : dataDir);
  // PGlite is one connection: setting the search path once covers every later statement.
  await db.exec(
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}; SET search_path TO ${quoteIdent(schema)};`,
  );
  const query = async <T extends object>(text: string, params: readonly unknown[] = []) =>
    (await db.query<T>(text, [...params])).rows;
  return {
    kind: "pglite",
    query,
    exec: async (script) => {
      await db.exec(script);
    },
    script: async (text) => (await db.exec(text)).at(-1)?.rows ?? [],
    transaction: <R>(fn: (tx: SqlQuerier) => Promise<R>) =>
      db.transaction(async (tx) =>
        fn({
          query: async <T extends object>(text: string, params: readonly unknown[] = []) =>
            (await tx.query<T>(text, [...params])).rows,
          exec: async (script) => {
            await tx.exec(script);
          },
        }),
      ),
    close: () => db.close(),
  };
}
