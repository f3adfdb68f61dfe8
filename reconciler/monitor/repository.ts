// The monitors' verdicts per subject, day and source (migration 0004). A check never lowers a day's
// verdict: the row keeps the worst seen that day, first seen at `checkedAt`; an equal verdict refreshes
// the reason (the latest details) but keeps the earlier time.
import type { SqlQuerier } from "../store/sql.ts";
import type { LocalDate } from "../warmup/dates.ts";

export type MonitorVerdict = "pause" | "hold" | "clear";
export type MonitorSource = "dns" | "blocklists";
export type SubjectKind = "ip" | "domain";

/** One monitor's verdict on one subject for one day, as a check produces it. */
export interface VerdictEntry {
  readonly subject: string;
  readonly kind: SubjectKind;
  readonly day: LocalDate;
  readonly source: MonitorSource;
  readonly verdict: MonitorVerdict;
  readonly reason: string;
}

/** A stored row: the day's worst verdict so far. */
export interface StoredVerdict extends VerdictEntry {
  readonly checkedAt: Date;
  readonly lastCheckedAt: Date;
}

interface Row {
  subject: string;
  kind: SubjectKind;
  day: string;
  source: MonitorSource;
  verdict: MonitorVerdict;
  reason: string;
  checked_at: Date | string;
  last_checked_at: Date | string;
}

export const VERDICT_RANK: Readonly<Record<MonitorVerdict, number>> = { clear: 0, hold: 1, pause: 2 };

export function worseVerdict(a: MonitorVerdict, b: MonitorVerdict): MonitorVerdict {
  return VERDICT_RANK[b] > VERDICT_RANK[a] ? b : a;
}

const COLUMNS =
  "subject, kind, to_char(day, 'YYYY-MM-DD') AS day, source, verdict, reason, checked_at, last_checked_at";

// The same order as VERDICT_RANK, in SQL.
const rank = (v: string) => `array_position(ARRAY['clear', 'hold', 'pause'], ${v})`;
const NEW = rank("EXCLUDED.verdict");
const OLD = rank("monitor_verdicts.verdict");

function toStored(row: Row): StoredVerdict {
  return {
    subject: row.subject,
    kind: row.kind,
    day: row.day,
    source: row.source,
    verdict: row.verdict,
    reason: row.reason,
    checkedAt: new Date(row.checked_at),
    lastCheckedAt: new Date(row.last_checked_at),
  };
}

export class MonitorVerdicts {
  constructor(private readonly db: SqlQuerier) {}

  /** Records one check's verdicts taken at `at`. Run it in a transaction for an all-or-nothing check. */
  async record(entries: readonly VerdictEntry[], at: Date): Promise<void> {
    for (const e of entries) {
      await this.db.query(
        `INSERT INTO monitor_verdicts (subject, kind, day, source, verdict, reason, checked_at, last_checked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (subject, day, source) DO UPDATE SET
           kind = EXCLUDED.kind,
           verdict = CASE WHEN ${NEW} > ${OLD} THEN EXCLUDED.verdict ELSE monitor_verdicts.verdict END,
           reason = CASE WHEN ${NEW} >= ${OLD} THEN EXCLUDED.reason ELSE monitor_verdicts.reason END,
           checked_at = CASE WHEN ${NEW} > ${OLD} THEN EXCLUDED.checked_at
             WHEN ${NEW} = ${OLD} THEN LEAST(EXCLUDED.checked_at, monitor_verdicts.checked_at)
             ELSE monitor_verdicts.checked_at END,
           last_checked_at = GREATEST(EXCLUDED.last_checked_at, monitor_verdicts.last_checked_at)`,
        [e.subject, e.kind, e.day, e.source, e.verdict, e.reason, at],
      );
    }
  }

  /** A day's rows, optionally for some subjects only, ordered by subject then source. */
  async forDay(day: LocalDate, subjects?: readonly string[]): Promise<StoredVerdict[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM monitor_verdicts
       WHERE day = $1 AND ($2::text[] IS NULL OR subject = ANY($2::text[]))
       ORDER BY subject, source`,
      [day, subjects === undefined ? null : [...subjects]],
    );
    return rows.map(toStored);
  }

  /** Rows of days in [from, to] (both inclusive), ordered by subject, day, source. */
  async between(from: LocalDate, to: LocalDate): Promise<StoredVerdict[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM monitor_verdicts WHERE day >= $1 AND day <= $2 ORDER BY subject, day, source`,
      [from, to],
    );
    return rows.map(toStored);
  }
}
