// A warm-up schedule as a function: warm-up day (1-based) → messages per IP per day.
import type { Schedule } from "../inventory/types.gen.ts";

/** Days until the schedule reaches its final quota (it stays there afterwards). */
export function scheduleLength(schedule: Schedule): number {
  if (schedule.steps) return schedule.steps.reduce((sum, s) => sum + s.days, 0);
  if (schedule.curve) return schedule.curve.days;
  return schedule.daily?.length ?? 0;
}

export function quotaForDay(schedule: Schedule, day: number): number {
  const d = Math.max(1, Math.floor(day));
  if (schedule.steps) {
    let end = 0;
    for (const step of schedule.steps) {
      end += step.days;
      if (d <= end) return step.quota;
    }
    return schedule.steps[schedule.steps.length - 1]?.quota ?? 0;
  }
  if (schedule.curve) {
    const { from, to, days } = schedule.curve;
    if (d >= days) return to;
    // Geometric ramp: the same ×factor every day, from `from` on day 1 to `to` on day `days`.
    return Math.round(from * Math.pow(to / from, (d - 1) / (days - 1)));
  }
  const daily = schedule.daily ?? [];
  return daily[Math.min(d, daily.length) - 1] ?? 0;
}

/**
 * Where a step back lands: the latest earlier day whose quota is at most half of today's
 * (reference/deliverability.md §4.3: "step back −50 %"), or day 1.
 */
export function stepBackDay(schedule: Schedule, day: number): number {
  const half = quotaForDay(schedule, day) / 2;
  for (let d = Math.min(day, scheduleLength(schedule)) - 1; d >= 1; d--) {
    if (quotaForDay(schedule, d) <= half) return d;
  }
  return 1;
}
