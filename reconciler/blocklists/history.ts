// Blocklist results with history (migration 0002): every answer is logged, and listing episodes are
// opened on "listed" and closed on the next "ok", so a listing's start and end are known. "error"
// (could not check) neither opens nor closes anything: it proves nothing either way.
import type { SqlQuerier } from "../store/sql.ts";
import type { ListSeverity } from "./lists.ts";
import type { BlocklistResult } from "./query.ts";

export interface ListingEpisode {
  readonly subject: string;
  readonly list: string;
  readonly startedAt: Date;
  readonly lastSeenAt: Date;
  readonly endedAt: Date | null;
  readonly codes: string;
  readonly severity: ListSeverity | null;
}

interface EpisodeRow {
  subject: string;
  list: string;
  started_at: Date | string;
  last_seen_at: Date | string;
  ended_at: Date | string | null;
  codes: string;
  severity: ListSeverity | null;
}

const COLUMNS = "subject, list, started_at, last_seen_at, ended_at, codes, severity";

function toEpisode(row: EpisodeRow): ListingEpisode {
  return {
    subject: row.subject,
    list: row.list,
    startedAt: new Date(row.started_at),
    lastSeenAt: new Date(row.last_seen_at),
    endedAt: row.ended_at === null ? null : new Date(row.ended_at),
    codes: row.codes,
    severity: row.severity,
  };
}

export class BlocklistHistory {
  constructor(private readonly db: SqlQuerier) {}

  /** Records one sweep's results taken at `at`. Run it inside a transaction for an all-or-nothing sweep. */
  async record(results: readonly BlocklistResult[], at: Date): Promise<void> {
    for (const r of results) {
      const codes = r.codes.join(",");
      await this.db.query(
        `INSERT INTO blocklist_checks (subject, list, checked_at, status, codes, severity, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (subject, list, checked_at) DO UPDATE SET status = EXCLUDED.status,
           codes = EXCLUDED.codes, severity = EXCLUDED.severity, detail = EXCLUDED.detail`,
        [r.subject, r.list, at, r.status, codes, r.severity, r.detail],
      );
      if (r.status === "listed") {
        const updated = await this.db.query(
          `UPDATE blocklist_listings SET last_seen_at = GREATEST(last_seen_at, $3), codes = $4, severity = $5
           WHERE subject = $1 AND list = $2 AND ended_at IS NULL RETURNING id`,
          [r.subject, r.list, at, codes, r.severity],
        );
        if (updated.length === 0) {
          await this.db.query(
            `INSERT INTO blocklist_listings (subject, list, started_at, last_seen_at, codes, severity)
             VALUES ($1, $2, $3, $3, $4, $5)`,
            [r.subject, r.list, at, codes, r.severity],
          );
        }
      } else if (r.status === "ok") {
        await this.db.query(
          `UPDATE blocklist_listings SET ended_at = GREATEST($3, started_at)
           WHERE subject = $1 AND list = $2 AND ended_at IS NULL`,
          [r.subject, r.list, at],
        );
      }
    }
  }

  /** Listings still open, by subject then list. */
  async open(): Promise<ListingEpisode[]> {
    const rows = await this.db.query<EpisodeRow>(
      `SELECT ${COLUMNS} FROM blocklist_listings WHERE ended_at IS NULL ORDER BY subject, list`,
    );
    return rows.map(toEpisode);
  }

  /** Every episode of one subject (IP or domain), oldest first. */
  async episodes(subject: string): Promise<ListingEpisode[]> {
    const rows = await this.db.query<EpisodeRow>(
      `SELECT ${COLUMNS} FROM blocklist_listings WHERE subject = $1 ORDER BY started_at, list`,
      [subject],
    );
    return rows.map(toEpisode);
  }

  /** Answers by status since `since`, all subjects and lists (for metrics). */
  async counts(since: Date): Promise<{ status: string; n: number }[]> {
    const rows = await this.db.query<{ status: string; n: number | string }>(
      `SELECT status, count(*) AS n FROM blocklist_checks WHERE checked_at >= $1 GROUP BY status ORDER BY status`,
      [since],
    );
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  }
}
