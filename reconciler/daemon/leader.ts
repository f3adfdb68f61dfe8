// Leader election for several daemons on one PostgreSQL: a session advisory lock held on a dedicated
// connection for as long as this daemon lives. Only the holder reconciles; the others stand by and try
// again on each tick, taking over within a tick of the leader's death (its session ends, the lock goes).
// The embedded store (PGlite) belongs to one process, which is always the leader.
import pg from "pg";

export interface Leader {
  /** True when this process holds (or just took) the lock. */
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

export const alwaysLeader: Leader = {
  acquire: () => Promise.resolve(true),
  release: () => Promise.resolve(),
};

export function postgresLeader(url: string, schema: string): Leader {
  let client: pg.Client | undefined;
  let held = false;
  return {
    async acquire() {
      if (held && client) return true;
      if (!client) {
        client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
        client.on("error", () => {
          // The connection died: the lock died with it. Try again on the next tick.
          held = false;
          client = undefined;
        });
        await client.connect();
      }
      const rows = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_lock(hashtext($1)) AS locked",
        [`email-engine:reconcile:${schema}`],
      );
      held = rows.rows[0]?.locked === true;
      return held;
    },
    async release() {
      const c = client;
      client = undefined;
      held = false;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
