// The monitors' part of the status API and of the metrics, as plain data (the HTTP layer renders it).
// Per subject: its state on the latest day checked (an IP's includes its domain's verdicts, as the
// gates see them), since when that state holds, and why. Metrics: subjects listed per list and
// severity (open listing episodes), authentication failing per domain, subjects per state.
import type { ListingEpisode } from "../blocklists/history.ts";
import { BlocklistHistory } from "../blocklists/history.ts";
import { entries, ipKey } from "../inventory/model.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { SqlQuerier } from "../store/sql.ts";
import type { LocalDate } from "../warmup/dates.ts";
import { addDays, localDate } from "../warmup/dates.ts";
import type { MonitorVerdict, StoredVerdict, SubjectKind } from "./repository.ts";
import { MonitorVerdicts, worseVerdict } from "./repository.ts";
import { combineSignals } from "./signals.ts";

export type MonitorState = MonitorVerdict | "unchecked";

export interface MonitorStatusEntry {
  readonly kind: SubjectKind;
  /** The IP's ledger key (address or slot:NAME) or the domain. */
  readonly subject: string;
  /** The domain the subject sends as (itself for a domain). */
  readonly domain: string;
  readonly state: MonitorState;
  /** When the state began (the first check that saw it), ISO 8601; null when unchecked. */
  readonly since: string | null;
  /** The local day the state is for: the latest day with a check. */
  readonly day: LocalDate | null;
  readonly reason: string;
  readonly lastCheckedAt: string | null;
}

export interface Gauge {
  readonly name: string;
  readonly help: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MonitorStatus {
  readonly day: LocalDate;
  readonly entries: MonitorStatusEntry[];
  readonly metrics: Gauge[];
}

/** Days of history read to find when a state began. */
export const STATUS_LOOKBACK_DAYS = 30;

interface DayState {
  readonly day: LocalDate;
  readonly state: MonitorVerdict;
  readonly reason: string;
  readonly firstSeen: Date;
  readonly lastChecked: Date;
}

function dayStates(subject: string, domain: string, rows: readonly StoredVerdict[], today: LocalDate) {
  const byDay = new Map<LocalDate, StoredVerdict[]>();
  for (const row of rows) {
    if ((row.subject !== subject && row.subject !== domain) || row.day > today) continue;
    byDay.set(row.day, [...(byDay.get(row.day) ?? []), row]);
  }
  const states: DayState[] = [];
  for (const [day, dayRows] of byDay) {
    const state = dayRows.reduce<MonitorVerdict>((w, r) => worseVerdict(w, r.verdict), "clear");
    const deciding = dayRows.filter((r) => r.verdict === state);
    const reasons = combineSignals(subject, domain, dayRows).reasons;
    states.push({
      day,
      state,
      reason: reasons.length > 0 ? reasons.join("; ") : deciding.map((r) => r.reason).join("; "),
      firstSeen: new Date(Math.min(...deciding.map((r) => r.checkedAt.getTime()))),
      lastChecked: new Date(Math.max(...dayRows.map((r) => r.lastCheckedAt.getTime()))),
    });
  }
  // Latest day first.
  return states.sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
}

function entryOf(
  kind: SubjectKind,
  subject: string,
  domain: string,
  rows: readonly StoredVerdict[],
  today: LocalDate,
): MonitorStatusEntry {
  const states = dayStates(subject, domain, rows, today);
  const latest = states[0];
  if (latest === undefined) {
    const reason = `no monitor check in the last ${STATUS_LOOKBACK_DAYS} days`;
    return { kind, subject, domain, state: "unchecked", since: null, day: null, reason, lastCheckedAt: null };
  }
  // The state began on the earliest day of the unbroken run of days in that state (days without a
  // check do not break it: no evidence of a change).
  let first = latest;
  for (const s of states.slice(1)) {
    if (s.state !== latest.state) break;
    first = s;
  }
  return {
    kind,
    subject,
    domain,
    state: latest.state,
    since: first.firstSeen.toISOString(),
    day: latest.day,
    reason: latest.reason,
    lastCheckedAt: latest.lastChecked.toISOString(),
  };
}

const STATES: readonly MonitorState[] = ["clear", "hold", "pause", "unchecked"];

/** Status entries and gauges (pure): rows of the last days, open listing episodes, the day it is. */
export function monitorStatus(
  inventory: Inventory,
  today: LocalDate,
  rows: readonly StoredVerdict[],
  openListings: readonly ListingEpisode[],
): MonitorStatus {
  const domains = entries(inventory.domains).map(([name]) => name);
  const list: MonitorStatusEntry[] = [
    ...domains.map((d) => entryOf("domain", d, d, rows, today)),
    ...[...inventory.ips]
      .map((ip) => ({ key: ipKey(ip), domain: ip.domain }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ key, domain }) => entryOf("ip", key, domain, rows, today)),
  ];

  const metrics: Gauge[] = [];
  const listed = new Map<string, Set<string>>();
  for (const e of openListings) {
    const k = `${e.list}\u0000${e.severity ?? "unknown"}`;
    listed.set(k, (listed.get(k) ?? new Set()).add(e.subject));
  }
  for (const [k, subjects] of [...listed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [listId, severity] = k.split("\u0000") as [string, string];
    metrics.push({
      name: "email_engine_blocklist_listed_subjects",
      help: "IPs and domains with an open listing, by list and severity",
      labels: { list: listId, severity },
      value: subjects.size,
    });
  }
  for (const d of domains) {
    const latest = rows
      .filter((r) => r.subject === d && r.source === "dns" && r.day <= today)
      .sort((a, b) => (a.day < b.day ? 1 : -1))[0];
    metrics.push({
      name: "email_engine_auth_failing",
      help: "1 when the domain's DNS authentication failed a critical check on the latest day checked",
      labels: { domain: d },
      value: latest?.verdict === "pause" ? 1 : 0,
    });
  }
  for (const kind of ["domain", "ip"] as const) {
    for (const state of STATES) {
      metrics.push({
        name: "email_engine_monitor_subjects",
        help: "Monitored subjects by kind and state",
        labels: { kind, state },
        value: list.filter((e) => e.kind === kind && e.state === state).length,
      });
    }
  }
  return { day: today, entries: list, metrics };
}

/** Reads what monitorStatus needs from the store: the last STATUS_LOOKBACK_DAYS days and open listings. */
export async function readMonitorStatus(
  db: SqlQuerier,
  inventory: Inventory,
  now: Date,
): Promise<MonitorStatus> {
  const today = localDate(now, inventory.platform.timezone);
  const rows = await new MonitorVerdicts(db).between(addDays(today, -STATUS_LOOKBACK_DAYS), today);
  const open = await new BlocklistHistory(db).open();
  return monitorStatus(inventory, today, rows, open);
}
