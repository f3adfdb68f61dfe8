// Writes a migration plan into the state store. Every write is an insert that leaves an existing row
// alone (the engine's own later facts win over the old engine's), so a re-run writes nothing and the
// counts say so. Run inside one transaction: all or nothing.
import { Ledger } from "../store/ledger.ts";
import type { SqlQuerier } from "../store/sql.ts";
import type { LocalDate } from "../warmup/dates.ts";
import { ACTOR } from "./map.ts";
import type { MigrationPlan } from "./map.ts";
import type { Unmapped } from "./model.ts";

export const STORE_TABLES = [
  "warmup_ledger",
  "blocklist_listings",
  "ip_events",
  "legacy_ids",
  "legacy_unmapped",
] as const;
export type StoreTable = (typeof STORE_TABLES)[number];

export type StoreCounts = Record<StoreTable, { written: number; present: number }>;

export interface StoreWriteResult {
  readonly counts: StoreCounts;
  /** Old ids that another id already holds here (the v1 API listed the thing before the migration). */
  readonly conflicts: readonly Unmapped[];
}

export interface PreviousRun {
  readonly cutover: LocalDate;
  readonly firstRunAt: Date;
}

/** The cutover day and first run of an earlier migration of the same old database, if any. */
export async function previousRun(db: SqlQuerier, source: string): Promise<PreviousRun | undefined> {
  const rows = await db.query<{ cutover: string; first_run_at: Date | string }>(
    `SELECT to_char(cutover, 'YYYY-MM-DD') AS cutover, first_run_at FROM legacy_migrations WHERE source = $1`,
    [source],
  );
  const row = rows[0];
  return row ? { cutover: row.cutover, firstRunAt: new Date(row.first_run_at) } : undefined;
}

export async function writePlan(
  db: SqlQuerier,
  plan: MigrationPlan,
  source: string,
  migratedAt: Date,
): Promise<StoreWriteResult> {
  const counts = Object.fromEntries(STORE_TABLES.map((t) => [t, { written: 0, present: 0 }])) as StoreCounts;
  const tally = (table: StoreTable, wrote: boolean) => {
    counts[table][wrote ? "written" : "present"] += 1;
  };
  const conflicts: Unmapped[] = [];

  await db.query(
    `INSERT INTO legacy_migrations (source, cutover, first_run_at) VALUES ($1, $2, $3)
     ON CONFLICT (source) DO NOTHING`,
    [source, plan.cutover, migratedAt],
  );

  const ledger = new Ledger(db);
  for (const row of plan.ledger) tally("warmup_ledger", await ledger.putIfAbsent(row));

  for (const l of plan.listings) {
    const rows = await db.query(
      `INSERT INTO blocklist_listings (subject, list, started_at, last_seen_at, ended_at, codes, severity)
       SELECT $1, $2, $3, $4, $5, '', $6
       WHERE NOT EXISTS (
         SELECT 1 FROM blocklist_listings
         WHERE subject = $1 AND list = $2 AND (started_at = $3 OR ($5::timestamptz IS NULL AND ended_at IS NULL)))
       RETURNING id`,
      [l.subject, l.list, l.startedAt, l.lastSeenAt, l.endedAt, l.severity],
    );
    tally("blocklist_listings", rows.length > 0);
  }

  for (const e of plan.events) {
    const rows = await db.query(
      `INSERT INTO ip_events (ip, at, kind, until, reason, actor, severity)
       SELECT $1, $2, $3, $4, $5, $6, $7
       WHERE NOT EXISTS (SELECT 1 FROM ip_events WHERE ip = $1 AND kind = $3 AND at = $2 AND actor = $6)
       RETURNING id`,
      [e.ip, e.at, e.kind, e.until, e.reason, ACTOR, e.severity],
    );
    tally("ip_events", rows.length > 0);
  }

  for (const id of plan.legacyIds) {
    const rows = await db.query(
      `INSERT INTO legacy_ids (kind, key, id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id`,
      [id.kind, id.key, id.id],
    );
    if (rows.length > 0) {
      tally("legacy_ids", true);
      continue;
    }
    const held = await db.query<{ key: string; id: number }>(
      `SELECT key, id FROM legacy_ids WHERE kind = $1 AND (key = $2 OR id = $3) ORDER BY key`,
      [id.kind, id.key, id.id],
    );
    if (held.some((h) => h.key === id.key && Number(h.id) === id.id)) {
      tally("legacy_ids", false);
    } else {
      const other = held.map((h) => `${h.key} has id ${h.id}`).join(", ");
      conflicts.push({
        table: id.kind === "plan" ? "warmup_plans" : id.kind === "ip" ? "ips" : "domains",
        id: String(id.id),
        reason: `old id ${id.id} of ${id.kind} ${id.key} not kept: ${other} already (the v1 API listed it before the migration)`,
      });
    }
  }

  for (const u of [...plan.unmapped, ...conflicts]) {
    const rows = await db.query(
      `INSERT INTO legacy_unmapped (source, source_table, source_id, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (source, source_table, source_id) DO UPDATE SET reason = EXCLUDED.reason
       WHERE legacy_unmapped.reason IS DISTINCT FROM EXCLUDED.reason
       RETURNING source`,
      [source, u.table, u.id, u.reason],
    );
    tally("legacy_unmapped", rows.length > 0);
  }
  return { counts, conflicts };
}
