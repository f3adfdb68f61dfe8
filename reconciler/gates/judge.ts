// The health gates (pure): one IP's counters for one day + its gate thresholds → the day's verdict
// and the reason, which the warm-up calendar then reads. Thresholds are percentages of the messages
// sent that day; a rate at or above a threshold triggers it (reference/deliverability.md §4.3), and
// the strongest action triggered wins: pause > stepback > hold > advance.
import type { Gates } from "../inventory/types.gen.ts";
import type { Verdict } from "../warmup/calendar.ts";
import type { LocalDate } from "../warmup/dates.ts";
import { addDays, daysBetween } from "../warmup/dates.ts";

export interface DayCounts {
  readonly sent: number;
  readonly bounced: number;
  readonly complained: number;
  readonly deferred: number;
  /** Listed on a blocklist that day (hold-severity; pause-severity lists arrive as `listedPause`). */
  readonly listed: boolean;
  readonly listedPause?: boolean;
  /** The day's quota, to size the minimum sample early in the warm-up. */
  readonly quota: number;
}

export interface Judgement {
  readonly verdict: Verdict;
  readonly reason: string;
}

const STRENGTH: Record<Verdict, number> = { advance: 0, hold: 1, stepback: 2, pause: 3 };
const DEFAULT_PAUSE_DAYS = 3;

function pct(n: number, of: number): string {
  return `${((100 * n) / of).toFixed(2).replace(/\.?0+$/, "")} %`;
}

/** Judges one day. `pausedSince` is the first day of a pause still in force, if any. */
export function judgeDay(
  counts: DayCounts,
  gates: Gates,
  day: LocalDate,
  pausedSince?: LocalDate,
): Judgement {
  const pauseDays = gates.pauseDays ?? DEFAULT_PAUSE_DAYS;
  // The pause verdict of `pausedSince` silences the IP from the next day; it stays silent for
  // pauseDays days, so the verdicts of the following pauseDays − 1 days repeat it.
  if (pausedSince !== undefined && daysBetween(pausedSince, day) < pauseDays) {
    return {
      verdict: "pause",
      reason: `paused since ${pausedSince}, resumes on ${addDays(pausedSince, pauseDays + 1)}`,
    };
  }
  const triggered: { verdict: Verdict; why: string }[] = [];
  if (counts.listedPause)
    triggered.push({ verdict: "pause", why: "listed on a blocklist that stops sending" });
  else if (counts.listed) triggered.push({ verdict: "hold", why: "listed on a blocklist" });

  const sample = Math.min(gates.minSample ?? 0, Math.ceil(0.8 * counts.quota));
  const judged = counts.sent > 0 && counts.sent >= sample;
  if (judged) {
    const signals = [
      { name: "hard bounces", count: counts.bounced, threshold: gates.hardBounce },
      { name: "complaints", count: counts.complained, threshold: gates.complaint },
      { name: "deferrals", count: counts.deferred, threshold: gates.deferral },
    ] as const;
    for (const { name, count, threshold } of signals) {
      if (!threshold) continue;
      const rate = (100 * count) / counts.sent;
      const level = (["pause", "stepBack", "hold"] as const).find(
        (l) => threshold[l] !== undefined && rate >= threshold[l],
      );
      if (level) {
        triggered.push({
          verdict: level === "stepBack" ? "stepback" : level,
          why: `${name} ${pct(count, counts.sent)} ≥ ${threshold[level]} %`,
        });
      }
    }
  }
  if (triggered.length > 0) {
    const worst = triggered.reduce((a, b) => (STRENGTH[b.verdict] > STRENGTH[a.verdict] ? b : a));
    return { verdict: worst.verdict, reason: triggered.map((t) => t.why).join("; ") };
  }
  if (!judged) {
    return { verdict: "hold", reason: `too few messages to judge (${counts.sent} sent, ${sample} needed)` };
  }
  return {
    verdict: "advance",
    reason: `healthy: ${counts.sent} sent, hard bounces ${pct(counts.bounced, counts.sent)}, complaints ${pct(counts.complained, counts.sent)}, deferrals ${pct(counts.deferred, counts.sent)}`,
  };
}
