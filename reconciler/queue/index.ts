// The durable job queue: pg-boss on the state store's own database. pg-boss 10 is the last major that
// runs on Node 20 (11 and 12 need Node 22). It talks through the store's SqlClient (pg-boss's `db`
// option) instead of its own pool, so the embedded PGlite and a real PostgreSQL serve it alike and a
// job is stored in the same database as the rows it is about.
//
// Never send or complete a job from inside a store transaction: on PGlite there is one connection,
// and pg-boss would wait for the transaction that waits for it.
import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import type { SqlClient } from "../store/sql.ts";
import { quoteIdent } from "../store/sql.ts";

export interface JobOptions {
  /** Makes a send idempotent: the job's id is derived from it, so a second send with the same key
   *  (a redelivered webhook, a re-run import) is dropped for as long as pg-boss keeps the first. */
  readonly idempotencyKey?: string;
  /** Attempts after the first (default 10). */
  readonly retryLimit?: number;
  /** Seconds before the first retry (default 30); doubled on each retry when backoff is on. */
  readonly retryDelaySeconds?: number;
  readonly retryBackoff?: boolean;
  /** Seconds a job may run before it counts as failed (default 300). */
  readonly expireInSeconds?: number;
}

export interface Job<T> {
  readonly id: string;
  readonly name: string;
  readonly data: T;
  readonly retryCount: number;
}

export interface JobSummary {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly retryCount: number;
  readonly createdOn: string;
  readonly completedOn: string | null;
  readonly data: unknown;
  readonly output: unknown;
}

export interface JobQueue {
  /** Stores a job; resolves to its id, or null when a job with the same idempotency key exists. */
  send<T extends object>(name: string, data: T, options?: JobOptions): Promise<string | null>;
  /** Runs handler for each job of `name` (one at a time per worker); a throw schedules a retry. */
  work<T>(
    name: string,
    handler: (job: Job<T>) => Promise<void>,
    options?: { pollSeconds?: number },
  ): Promise<void>;
  /** Jobs of `name` in the given states (default: failed), newest first: what could not be done stays visible. */
  list(name: string, states?: readonly string[], limit?: number): Promise<JobSummary[]>;
  /** Number of jobs of `name` per state. */
  counts(name: string): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const DEFAULTS = { retryLimit: 10, retryDelay: 30, retryBackoff: true, expireInSeconds: 300 };

/** Opens (and creates on first use) the queue in schema `<storeSchema>_jobs`. */
export async function openQueue(sql: SqlClient, storeSchema = "email_engine"): Promise<JobQueue> {
  const schema = `${storeSchema}_jobs`;
  quoteIdent(schema);
  const boss = new PgBoss({
    db: {
      executeSql: async (text: string, values: unknown[] = []) => ({
        rows: values.length === 0 ? await sql.script(text) : await sql.query(text, values),
      }),
    },
    schema,
    // Maintenance (expiry, archiving) runs in this process; no cron schedules are used.
    supervise: true,
    schedule: false,
  });
  // pg-boss reports maintenance errors as events; an unhandled 'error' event would end the process.
  boss.on("error", () => undefined);
  await boss.start();
  const created = new Set<string>();
  const ensure = async (name: string) => {
    if (created.has(name)) return;
    if (!(await boss.getQueue(name))) await boss.createQueue(name);
    created.add(name);
  };
  return {
    async send(name, data, options = {}) {
      await ensure(name);
      return boss.send(name, data, {
        retryLimit: options.retryLimit ?? DEFAULTS.retryLimit,
        retryDelay: options.retryDelaySeconds ?? DEFAULTS.retryDelay,
        retryBackoff: options.retryBackoff ?? DEFAULTS.retryBackoff,
        expireInSeconds: options.expireInSeconds ?? DEFAULTS.expireInSeconds,
        ...(options.idempotencyKey === undefined ? {} : { id: jobId(name, options.idempotencyKey) }),
      });
    },
    async work(name, handler, options = {}) {
      await ensure(name);
      await boss.work(
        name,
        { pollingIntervalSeconds: options.pollSeconds ?? 2, batchSize: 1, includeMetadata: true },
        async (jobs) => {
          for (const job of jobs) {
            await handler({
              id: job.id,
              name: job.name,
              data: job.data as never,
              retryCount: job.retryCount,
            });
          }
        },
      );
    },
    async list(name, states = ["failed"], limit = 100) {
      const rows = await sql.query<Record<string, unknown>>(
        `SELECT id, name, state, retry_count, created_on, completed_on, data, output
           FROM ${quoteIdent(schema)}.job WHERE name = $1 AND state::text = ANY($2)
          ORDER BY created_on DESC LIMIT $3`,
        [name, [...states], limit],
      );
      return rows.map((r) => ({
        id: String(r.id),
        name: String(r.name),
        state: String(r.state),
        retryCount: Number(r.retry_count),
        createdOn: new Date(r.created_on as string).toISOString(),
        completedOn: r.completed_on ? new Date(r.completed_on as string).toISOString() : null,
        data: r.data,
        output: r.output,
      }));
    },
    async counts(name) {
      const rows = await sql.query<{ state: string; n: string | number }>(
        `SELECT state::text AS state, count(*) AS n FROM ${quoteIdent(schema)}.job WHERE name = $1 GROUP BY state`,
        [name],
      );
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}

/** A UUID-shaped id derived from the queue name and an idempotency key (pg-boss ids are UUIDs). */
function jobId(name: string, key: string): string {
  const h = createHash("sha256").update(`${name}\0${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
