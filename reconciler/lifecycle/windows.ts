// The gates' rolling windows (pure): the last N closed days of one IP's ledger → pause it for some
// hours, or quarantine it for some days. These are the old engine's safety checks (7-day bounce > 2 %
// → pause 72 h, 7-day spam > 0.03 % → pause 96 h, 24-hour bounce > 5 % or spam > 0.1 % → quarantine
// 30 days): rates in percent of messages sent, strict ">" as there, plus a minimum sample the old
// engine lacked (a few bounces out of a handful of messages prove nothing). The per-day judgement
// (gates/judge.ts) runs beside them unchanged.
import type { Gates } from "../inventory/types.gen.ts";
import type { LedgerRow } from "../store/ledger.ts";
import type { LocalDate } from "../warmup/dates.ts";
import { addDays } from "../warmup/dates.ts";

/**
 * The old engine's thresholds (app/config.py WARMUP_MAX_BOUNCE_RATE 2.0 / WARMUP_PAUSE_BOUNCE_HOURS 72,
 * WARMUP_MAX_SPAM_RATE 0.03 / WARMUP_PAUSE_SPAM_HOURS 96, WARMUP_EMERGENCY_BOUNCE_RATE 5.0 and
 * WARMUP_EMERGENCY_SPAM_RATE 0.1 over the last 24 hours → 30 days): the default of every gate set
 * that does not say otherwise (`windows: []` turns the windows off).
 */
export const LEGACY_WINDOWS: NonNullable<Gates["windows"]> = [
  { days: 7, hardBounce: 2, pauseHours: 72 },
  { days: 7, complaint: 0.03, pauseHours: 96 },
];
export const LEGACY_EMERGENCY: NonNullable<Gates["emergency"]> = {
  days: 1,
  hardBounce: 5,
  complaint: 0.1,
  quarantineDays: 30,
};

export interface WindowTrigger {
  readonly kind: "pause" | "quarantine";
  /** How long: hours for a pause, days × 24 for a quarantine. */
  readonly hours: number;
  readonly reason: string;
}

type Counts = Pick<LedgerRow, "day" | "sent" | "bounced" | "complained">;

function pct(n: number, of: number): string {
  return `${((100 * n) / of).toFixed(3).replace(/\.?0+$/, "")} %`;
}

interface Check {
  readonly days: number;
  readonly hardBounce?: number | undefined;
  readonly complaint?: number | undefined;
  readonly minSample?: number | undefined;
}

/** The reasons a window is over its thresholds, or [] (not over, or too few messages to judge). */
function over(
  check: Check,
  rows: readonly Counts[],
  day: LocalDate,
  after: LocalDate | undefined,
  minSample: number,
): string[] {
  const from = addDays(day, 1 - check.days);
  const inWindow = rows.filter(
    (r) => r.day >= from && r.day <= day && (after === undefined || r.day > after),
  );
  const sent = inWindow.reduce((s, r) => s + r.sent, 0);
  const sample = check.minSample ?? minSample;
  if (sent === 0 || sent < sample) return [];
  const span = check.days === 1 ? `on ${day}` : `over ${check.days} days to ${day}`;
  const reasons: string[] = [];
  const signals = [
    ["hard bounces", inWindow.reduce((s, r) => s + r.bounced, 0), check.hardBounce],
    ["complaints", inWindow.reduce((s, r) => s + r.complained, 0), check.complaint],
  ] as const;
  for (const [name, count, threshold] of signals) {
    if (threshold !== undefined && (100 * count) / sent > threshold) {
      reasons.push(`${name} ${pct(count, sent)} > ${threshold} % ${span} (${count} of ${sent})`);
    }
  }
  return reasons;
}

/**
 * Judges the windows ending on `day` (a closed day). `after`: days up to and including it are not
 * counted (the day that triggered the last pause or quarantine, so the same bad days do not pause the
 * IP again when it resumes). The emergency wins over the pause windows; among pause windows the
 * longest pause wins and every reason is kept.
 */
export function judgeWindows(
  gates: Gates,
  rows: readonly Counts[],
  day: LocalDate,
  after?: LocalDate,
): WindowTrigger | undefined {
  const minSample = gates.minSample ?? 0;
  const emergency = gates.emergency ?? LEGACY_EMERGENCY;
  {
    const reasons = over(emergency, rows, day, after, minSample);
    if (reasons.length > 0) {
      return {
        kind: "quarantine",
        hours: emergency.quarantineDays * 24,
        reason: `emergency: ${reasons.join("; ")}`,
      };
    }
  }
  let hours = 0;
  const reasons: string[] = [];
  for (const window of gates.windows ?? LEGACY_WINDOWS) {
    const found = over(window, rows, day, after, minSample);
    if (found.length === 0) continue;
    hours = Math.max(hours, window.pauseHours);
    reasons.push(...found);
  }
  return reasons.length === 0 ? undefined : { kind: "pause", hours, reason: reasons.join("; ") };
}
