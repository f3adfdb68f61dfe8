// Closing a day (pure): once a local day is over, judge every sending IP's day from its ledger row and
// its gates, so tomorrow's warm-up calendar reads the verdict. A day already judged is left alone
// (replaying a day computes nothing new), and a pause in force carries on until it has lasted.
import { gatesOf, ipKey, scheduleOf } from "../inventory/model.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { LedgerRow } from "../store/ledger.ts";
import { warmupStatus } from "../warmup/calendar.ts";
import type { LocalDate } from "../warmup/dates.ts";
import { addDays } from "../warmup/dates.ts";
import type { MonitorSignals } from "../monitor/signals.ts";
import type { Judgement } from "./judge.ts";
import { judgeDay } from "./judge.ts";

export interface DayVerdict extends Judgement {
  readonly ip: string;
  readonly day: LocalDate;
  /** The quota the IP had that day (recorded with the verdict). */
  readonly quota: number;
}

/** First day of the pause streak that ends on the day before `day`, if the IP is paused. */
function pausedSince(rows: readonly LedgerRow[], day: LocalDate): LocalDate | undefined {
  let since: LocalDate | undefined;
  for (let d = addDays(day, -1); ; d = addDays(d, -1)) {
    const row = rows.find((r) => r.day === d);
    if (row?.verdict !== "pause") return since;
    since = d;
  }
}

/** What the IP lifecycle says of an IP when its day is closed (reconciler/lifecycle). */
export interface DayLifecycle {
  /** First day of its current warm-up (later than the inventory's after a rest or a quarantine). */
  readonly start: LocalDate;
  /** Set when it takes no traffic (standby, resting, quarantined…): the day holds, for this reason. */
  readonly outOfService?: string;
}

/**
 * `signals` are the deliverability monitors' findings for that day (reconciler/monitor): a
 * pause-severity listing or failing authentication pauses, a hold-severity listing holds.
 * `lifecycle` (by IP key) moves the warm-up start and holds the days of IPs out of service: they sent
 * nothing by decision, which says nothing of their health.
 */
export function closeDay(
  inventory: Inventory,
  ledger: readonly LedgerRow[],
  day: LocalDate,
  signals: ReadonlyMap<string, MonitorSignals> = new Map(),
  lifecycle: ReadonlyMap<string, DayLifecycle> = new Map(),
): DayVerdict[] {
  const verdicts: DayVerdict[] = [];
  for (const ip of inventory.ips) {
    const key = ipKey(ip);
    const life = lifecycle.get(key);
    const start = life?.start ?? ip.warmup.start;
    if (ip.address === undefined || start > day) continue;
    const rows = ledger.filter((r) => r.ip === key);
    const row = rows.find((r) => r.day === day);
    if (row?.verdict) continue;
    if (life?.outOfService !== undefined) {
      verdicts.push({
        ip: key,
        day,
        quota: 0,
        verdict: "hold",
        reason: `out of service: ${life.outOfService}`,
      });
      continue;
    }
    const schedule = scheduleOf(inventory, ip);
    const gates = gatesOf(inventory, ip);
    if (!schedule || !gates) continue;
    const status = warmupStatus({
      schedule,
      start,
      date: day,
      ledger: rows.map((r) => ({ date: r.day, verdict: r.verdict, reason: r.reason })),
      operatorPaused: ip.paused ?? false,
    });
    const signal = signals.get(key);
    const counts = {
      sent: row?.sent ?? 0,
      bounced: row?.bounced ?? 0,
      complained: row?.complained ?? 0,
      deferred: row?.deferred ?? 0,
      listed: signal?.listed ?? row?.listed ?? false,
      listedPause: signal?.listedPause ?? false,
      quota: status.quota,
    };
    const judgement = judgeDay(counts, gates, day, pausedSince(rows, day));
    // The gate says "listed"; the monitors say what exactly (which list, which failing record).
    const detail =
      signal && (signal.listed || signal.listedPause) && signal.reasons.length > 0
        ? ` (${signal.reasons.join("; ")})`
        : "";
    verdicts.push({
      ip: key,
      day,
      quota: status.quota,
      verdict: judgement.verdict,
      reason: `${judgement.reason}${detail}`,
    });
  }
  return verdicts.sort((a, b) => (a.ip < b.ip ? -1 : 1));
}
