// What the monitors tell the health gates about one sending IP on one day: its own verdicts and its
// domain's (an IP sends as its domain), as the inputs of judgeDay (reconciler/gates/judge.ts).
//
// The gates know listings only, so authentication reaches them as a listing: DNS authentication
// failing for the domain (or the IP's own reverse DNS failing) sets `authFail` and `listedPause`, which
// judgeDay turns into a pause for every IP of that domain: no sending from it. Its reason in the
// ledger then reads "listed on a blocklist that stops sending"; `reasons` here says what really
// happened, for the ledger reason and the status. A critical DNS check that could not run sets
// `authUnproven` and `listed` (a hold: the quota does not grow while authentication is unproven).
import { ConfigError } from "../errors.ts";
import { ipKey } from "../inventory/model.ts";
import type { Inventory, SendingIp } from "../inventory/types.gen.ts";
import { Ledger } from "../store/ledger.ts";
import type { SqlQuerier } from "../store/sql.ts";
import type { LocalDate } from "../warmup/dates.ts";
import type { StoredVerdict } from "./repository.ts";
import { MonitorVerdicts } from "./repository.ts";

export interface MonitorSignals {
  /** judgeDay's `listed`: something holds the IP today (a listing, or authentication unproven). */
  readonly listed: boolean;
  /** judgeDay's `listedPause`: a pause-severity listing of the IP or its domain, or authentication failing. */
  readonly listedPause: boolean;
  /** The domain's authentication (or the IP's reverse DNS) failed a critical check today. */
  readonly authFail: boolean;
  /** A critical DNS check of the IP or its domain could not run today. */
  readonly authUnproven: boolean;
  /** Why, one entry per verdict that is not clear, sorted. */
  readonly reasons: string[];
}

/** Combines the day's stored verdicts of an IP and of its domain (pure; other subjects' rows are ignored). */
export function combineSignals(ip: string, domain: string, rows: readonly StoredVerdict[]): MonitorSignals {
  let listedPause = false;
  let listedHold = false;
  let authFail = false;
  let authUnproven = false;
  const reasons: string[] = [];
  for (const row of rows) {
    if ((row.subject !== ip && row.subject !== domain) || row.verdict === "clear") continue;
    const pause = row.verdict === "pause";
    if (row.source === "blocklists") {
      if (pause) listedPause = true;
      else listedHold = true;
      reasons.push(`${row.kind} ${row.subject} listed (${row.verdict}): ${row.reason}`);
    } else {
      if (pause) authFail = true;
      else authUnproven = true;
      reasons.push(
        pause
          ? `${row.kind} ${row.subject} authentication failing, no sending (pause): ${row.reason}`
          : `${row.kind} ${row.subject} authentication not proven (hold): ${row.reason}`,
      );
    }
  }
  const stop = listedPause || authFail;
  return {
    listed: stop || listedHold || authUnproven,
    listedPause: stop,
    authFail,
    authUnproven,
    reasons: reasons.sort(),
  };
}

function sendingIp(inventory: Inventory, key: string): SendingIp {
  const ip = inventory.ips.find((i) => ipKey(i) === key);
  if (ip === undefined) throw new ConfigError(`${key} is not a sending IP of the inventory`);
  return ip;
}

/** The signals of one IP (its ledger key: address, or slot:NAME) for one day: one store read. */
export async function readSignals(
  db: SqlQuerier,
  inventory: Inventory,
  ip: string,
  day: LocalDate,
): Promise<MonitorSignals> {
  const { domain } = sendingIp(inventory, ip);
  const rows = await new MonitorVerdicts(db).forDay(day, [ip, domain]);
  return combineSignals(ip, domain, rows);
}

/** Every sending IP's signals from a day's rows (pure), by ledger key in key order. */
export function daySignals(
  inventory: Inventory,
  rows: readonly StoredVerdict[],
): Map<string, MonitorSignals> {
  const ips = [...inventory.ips].sort((a, b) => (ipKey(a) < ipKey(b) ? -1 : ipKey(a) > ipKey(b) ? 1 : 0));
  return new Map(ips.map((ip) => [ipKey(ip), combineSignals(ipKey(ip), ip.domain, rows)]));
}

/** Every sending IP's signals for a day, read-only (closing a day reads these): one store read. */
export async function readDaySignals(
  db: SqlQuerier,
  inventory: Inventory,
  day: LocalDate,
): Promise<Map<string, MonitorSignals>> {
  return daySignals(inventory, await new MonitorVerdicts(db).forDay(day));
}

/**
 * Computes every sending IP's signals for a day and writes the ledger's `listed` flag from them (not
 * the counters, not the verdict: the gates write that). Returns the signals by ledger key, sorted.
 */
export async function applySignals(
  db: SqlQuerier,
  inventory: Inventory,
  day: LocalDate,
): Promise<Map<string, MonitorSignals>> {
  const signals = await readDaySignals(db, inventory, day);
  const ledger = new Ledger(db);
  for (const [ip, s] of signals) await ledger.markListed(ip, day, s.listed);
  return signals;
}
