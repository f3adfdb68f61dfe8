// The warm-up ledger: per IP per local day, the quota it had, what it sent and what came back, and
// the gate's verdict. The calendar and the gates read it; accounting ingestion adds to its counters.
import type { LocalDate } from "../warmup/dates.ts";
import type { JudgedDay, Verdict } from "../warmup/calendar.ts";
import type { SqlQuerier } from "./sql.ts";

export interface LedgerCounts {
  readonly sent: number;
  readonly bounced: number;
  readonly complained: number;
  readonly deferred: number;
}

export interface LedgerRow extends LedgerCounts {
  readonly ip: string;
  readonly day: LocalDate;
  readonly quota: number;
  readonly listed: boolean;
  readonly verdict: Verdict | null;
  readonly reason: string | null;
}

const COLUMNS =
  "ip, to_char(day, 'YYYY-MM-DD') AS day, quota, sent, bounced, complained, deferred, listed, verdict, reason";

const INSERT_ROW = `INSERT INTO warmup_ledger (ip, day, quota, sent, bounced, complained, deferred, listed, verdict, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

function rowParams(row: LedgerRow): unknown[] {
  return [
    row.ip,
    row.day,
    row.quota,
    row.sent,
    row.bounced,
    row.complained,
    row.deferred,
    row.listed,
    row.verdict,
    row.reason,
  ];
}

export class Ledger {
  constructor(private readonly db: SqlQuerier) {}

  /** Writes a whole row (insert or replace). */
  async put(row: LedgerRow): Promise<void> {
    await this.db.query(
      `${INSERT_ROW}
       ON CONFLICT (ip, day) DO UPDATE SET
         quota = EXCLUDED.quota, sent = EXCLUDED.sent, bounced = EXCLUDED.bounced,
         complained = EXCLUDED.complained, deferred = EXCLUDED.deferred, listed = EXCLUDED.listed,
         verdict = EXCLUDED.verdict, reason = EXCLUDED.reason, updated_at = now()`,
      rowParams(row),
    );
  }

  /** Writes a whole row unless the day already has one (imports never overwrite); true when written. */
  async putIfAbsent(row: LedgerRow): Promise<boolean> {
    const rows = await this.db.query(
      `${INSERT_ROW} ON CONFLICT (ip, day) DO NOTHING RETURNING ip`,
      rowParams(row),
    );
    return rows.length > 0;
  }

  /** Adds to a day's counters, creating the row when needed (accounting records arrive in batches). */
  async addCounts(ip: string, day: LocalDate, delta: Partial<LedgerCounts>): Promise<void> {
    for (const [key, value] of Object.entries(delta)) {
      if (!Number.isInteger(value) || value < 0) {
        throw new RangeError(`ledger ${key} must be a non-negative integer, got ${String(value)}`);
      }
    }
    await this.db.query(
      `INSERT INTO warmup_ledger (ip, day, sent, bounced, complained, deferred)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (ip, day) DO UPDATE SET
         sent = warmup_ledger.sent + EXCLUDED.sent, bounced = warmup_ledger.bounced + EXCLUDED.bounced,
         complained = warmup_ledger.complained + EXCLUDED.complained,
         deferred = warmup_ledger.deferred + EXCLUDED.deferred, updated_at = now()`,
      [ip, day, delta.sent ?? 0, delta.bounced ?? 0, delta.complained ?? 0, delta.deferred ?? 0],
    );
  }

  /** Records the gate's decision for a day (and the quota the IP had that day). */
  async judge(ip: string, day: LocalDate, verdict: Verdict, reason: string, quota?: number): Promise<void> {
    await this.db.query(
      `INSERT INTO warmup_ledger (ip, day, verdict, reason, quota) VALUES ($1, $2, $3, $4, COALESCE($5, 0))
       ON CONFLICT (ip, day) DO UPDATE SET verdict = EXCLUDED.verdict, reason = EXCLUDED.reason,
         quota = COALESCE($5, warmup_ledger.quota), updated_at = now()`,
      [ip, day, verdict, reason, quota ?? null],
    );
  }

  /**
   * Sets a day's `listed` flag from the monitors, leaving the counters and the verdict alone. A row
   * is created only to say "listed": an IP with no row and nothing against it keeps no row.
   */
  async markListed(ip: string, day: LocalDate, listed: boolean): Promise<void> {
    await (listed
      ? this.db.query(
          `INSERT INTO warmup_ledger (ip, day, listed) VALUES ($1, $2, true)
           ON CONFLICT (ip, day) DO UPDATE SET listed = true, updated_at = now()`,
          [ip, day],
        )
      : this.db.query(
          `UPDATE warmup_ledger SET listed = false, updated_at = now()
           WHERE ip = $1 AND day = $2 AND listed`,
          [ip, day],
        ));
  }

  /** Every IP's judged days before `to` (exclusive), in the form the warm-up calendar reads. */
  async judgedDays(to: LocalDate): Promise<Map<string, JudgedDay[]>> {
    const byIp = new Map<string, JudgedDay[]>();
    for (const row of await this.list({ to })) {
      const days = byIp.get(row.ip) ?? [];
      days.push({ date: row.day, verdict: row.verdict, reason: row.reason });
      byIp.set(row.ip, days);
    }
    return byIp;
  }

  /** Rows ordered by IP then day; `to` is exclusive. */
  async list(filter: { ip?: string; from?: LocalDate; to?: LocalDate } = {}): Promise<LedgerRow[]> {
    const rows = await this.db.query<LedgerRow>(
      `SELECT ${COLUMNS} FROM warmup_ledger
       WHERE ($1::text IS NULL OR ip = $1) AND ($2::date IS NULL OR day >= $2) AND ($3::date IS NULL OR day < $3)
       ORDER BY ip, day`,
      [filter.ip ?? null, filter.from ?? null, filter.to ?? null],
    );
    return rows.map((r) => ({ ...r, verdict: r.verdict ?? null, reason: r.reason ?? null }));
  }
}
