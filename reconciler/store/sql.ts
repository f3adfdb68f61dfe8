// The one port the store needs: run a parameterized statement, in or out of a transaction. PGlite
// (embedded) and node-postgres (production) both implement it, so one SQL dialect and one set of
// migrations serve both.
export interface SqlClient {
  query<T extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Runs a script of several statements without parameters and returns the last one's rows (pg-boss). */
  script(text: string): Promise<Record<string, unknown>[]>;
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<R>(fn: (tx: SqlQuerier) => Promise<R>): Promise<R>;
  close(): Promise<void>;
  readonly kind: "pglite" | "postgres";
}

export type SqlQuerier = Pick<SqlClient, "query" | "exec">;

/** Quotes an SQL identifier (schema names come from configuration, never from users' data). */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`invalid SQL identifier ${JSON.stringify(name)}: use lower-case letters, digits and _`);
  }
  return `"${name}"`;
}
