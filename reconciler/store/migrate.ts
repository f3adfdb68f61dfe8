// Versioned migrations: NNNN_name.sql files applied in order, each in its own transaction, recorded in
// schema_migrations. Safe to run from several processes at once (an advisory lock serializes them).
import { readdir, readFile } from "node:fs/promises";
import { InternalError } from "../errors.ts";
import type { SqlClient } from "./sql.ts";

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export async function readMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith(".sql")).sort();
  const migrations = await Promise.all(
    files.map(async (file) => {
      const match = /^([0-9]{4})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new InternalError(`migration file ${file} is not named NNNN_name.sql`);
      return {
        version: Number(match[1]),
        name: match[2]!,
        sql: await readFile(new URL(file, MIGRATIONS_DIR), "utf8"),
      };
    }),
  );
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new InternalError(
        `migrations must be numbered 1..n without gaps; found ${m.version} at ${i + 1}`,
      );
  });
  return migrations;
}

/** Applies what is missing; returns the versions applied by this call. */
export async function migrate(db: SqlClient): Promise<number[]> {
  const migrations = await readMigrations();
  await db.query(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      // Serializes concurrent migrators of the same schema; released at commit.
      await tx.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':email-engine-migrate'))");
      const rows = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [migration.version]);
      if (rows.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
