// The warm-up calendar (pure): schedule + start date + the ledger of past days + a date → the IP's
// warm-up day, state and daily quota.
//
// Rules:
// - Before its start date an IP is `pending` and sends 0.
// - The warm-up day starts at 1 and advances only on days the ledger judged `advance` (healthy). A day
//   judged `hold`, or not judged at all (no data, engine down), repeats the quota: the schedule is a
//   ladder climbed one healthy day at a time, not a clock.
// - `stepback` moves back to the latest day whose quota is at most half of the current one.
// - `pause` stops the IP (quota 0) until a later verdict that is not `pause`; an operator's
//   `paused: true` in the inventory does the same.
// - Past the end of the schedule the IP is `warmed` and keeps the final quota.
// - When the schedule is changed mid-way, the IP keeps the warm-up days it has earned and reads its
//   quota from the new schedule at that day: progress is a count of healthy days, which stays true
//   whatever ladder it is measured against. (Re-anchoring on the old quota would instead make a
//   steeper schedule silently skip days the IP never proved.)
// - Only days before `date` count: a day's verdict is known once the day is over.
import type { Schedule } from "../inventory/types.gen.ts";
import type { LocalDate } from "./dates.ts";
import { daysBetween } from "./dates.ts";
import { quotaForDay, scheduleLength, stepBackDay } from "./schedule.ts";

export const VERDICTS = ["advance", "hold", "stepback", "pause"] as const;
export type Verdict = (typeof VERDICTS)[number];

export const WARMUP_STATES = ["pending", "warming", "held", "paused", "warmed"] as const;
export type WarmupState = (typeof WARMUP_STATES)[number];

export interface JudgedDay {
  readonly date: LocalDate;
  readonly verdict: Verdict | null;
  readonly reason?: string | null;
}

export interface WarmupInput {
  readonly schedule: Schedule;
  readonly start: LocalDate;
  readonly date: LocalDate;
  /** The IP's ledger rows, in any order; rows outside [start, date) are ignored. */
  readonly ledger: readonly JudgedDay[];
  readonly operatorPaused?: boolean;
}

export interface WarmupStatus {
  readonly state: WarmupState;
  /** Warm-up day (1-based position on the schedule); 0 while pending. */
  readonly day: number;
  /** Days since the start date, 1 on the start date; 0 while pending. */
  readonly calendarDay: number;
  readonly quota: number;
  readonly reason: string;
}

export function warmupStatus(input: WarmupInput): WarmupStatus {
  const { schedule, start, date } = input;
  const sinceStart = daysBetween(start, date);
  if (sinceStart < 0) {
    return { state: "pending", day: 0, calendarDay: 0, quota: 0, reason: `warm-up starts on ${start}` };
  }
  const past = input.ledger
    .filter((row) => row.date >= start && row.date < date)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

  let day = 1;
  let last: JudgedDay | undefined;
  for (const row of past) {
    switch (row.verdict) {
      case "advance":
        day += 1;
        break;
      case "stepback":
        day = stepBackDay(schedule, day);
        break;
      case "hold":
      case "pause":
      case null:
        break;
      default: {
        const unknown: never = row.verdict;
        throw new Error(`unknown verdict ${String(unknown)}`);
      }
    }
    if (row.verdict !== null) last = row;
  }

  const calendarDay = sinceStart + 1;
  const why = (fallback: string) => (last?.reason ? `${fallback}: ${last.reason}` : fallback);
  if (input.operatorPaused) {
    return { state: "paused", day, calendarDay, quota: 0, reason: "paused in the inventory" };
  }
  if (last?.verdict === "pause") {
    return { state: "paused", day, calendarDay, quota: 0, reason: why(`paused on ${last.date}`) };
  }
  const quota = quotaForDay(schedule, day);
  if (day > scheduleLength(schedule)) {
    return { state: "warmed", day, calendarDay, quota, reason: "schedule complete" };
  }
  if (last?.verdict === "hold" && daysBetween(last.date, date) === 1) {
    return { state: "held", day, calendarDay, quota, reason: why(`held on ${last.date}`) };
  }
  const behind = calendarDay - day;
  return {
    state: "warming",
    day,
    calendarDay,
    quota,
    reason:
      last?.verdict === "stepback" && daysBetween(last.date, date) === 1
        ? why(`stepped back on ${last.date}`)
        : behind > 0
          ? `${behind} day${behind === 1 ? "" : "s"} not counted (held, paused or not judged)`
          : "on schedule",
  };
}
