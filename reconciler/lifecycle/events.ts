// ip_events (migration 0008): the lifecycle's durable memory. The store side only: reading every
// event and appending new ones. What the events mean is decided by the pure functions in state.ts.
import type { SqlQuerier } from "../store/sql.ts";

export const EVENT_KINDS = [
  "pause",
  "resume",
  "quarantine",
  "release",
  "listed",
  "delisted",
  "promote",
  "demote",
  "standby",
  "resting",
  "retiring",
  "in-service",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface IpEvent {
  readonly ip: string;
  readonly at: Date;
  /** Kinds this engine does not know (written by a later version) are kept as text and ignored. */
  readonly kind: EventKind | (string & {});
  readonly until: Date | null;
  readonly reason: string;
  readonly actor: string;
  readonly day: string | null;
  readonly severity: "pause" | "hold" | null;
}

export type NewIpEvent = Omit<IpEvent, "until" | "day" | "severity"> &
  Partial<Pick<IpEvent, "until" | "day" | "severity">>;

interface EventRow {
  ip: string;
  at: Date | string;
  kind: string;
  until: Date | string | null;
  reason: string;
  actor: string;
  day: string | null;
  severity: "pause" | "hold" | null;
}

const COLUMNS = "ip, at, kind, until, reason, actor, to_char(day, 'YYYY-MM-DD') AS day, severity";

function toEvent(row: EventRow): IpEvent {
  return {
    ip: row.ip,
    at: new Date(row.at),
    kind: row.kind,
    until: row.until === null ? null : new Date(row.until),
    reason: row.reason,
    actor: row.actor,
    day: row.day ?? null,
    severity: row.severity ?? null,
  };
}

export class IpEvents {
  constructor(private readonly db: SqlQuerier) {}

  /** Every event (of one IP when given), oldest first; ties keep their insertion order. */
  async list(ip?: string): Promise<IpEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM ip_events WHERE ($1::text IS NULL OR ip = $1) ORDER BY at, id`,
      [ip ?? null],
    );
    return rows.map(toEvent);
  }

  async record(event: NewIpEvent): Promise<void> {
    await this.db.query(
      `INSERT INTO ip_events (ip, at, kind, until, reason, actor, day, severity)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        event.ip,
        event.at,
        event.kind,
        event.until ?? null,
        event.reason,
        event.actor,
        event.day ?? null,
        event.severity ?? null,
      ],
    );
  }
}

/** Events grouped by IP key, each list oldest first (the order list() returns). */
export function eventsByIp(events: readonly IpEvent[]): Map<string, IpEvent[]> {
  const byIp = new Map<string, IpEvent[]>();
  for (const e of events) byIp.set(e.ip, [...(byIp.get(e.ip) ?? []), e]);
  return byIp;
}
