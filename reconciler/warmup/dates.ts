// Calendar dates as YYYY-MM-DD strings in the operators' time zone. Day arithmetic is done on UTC
// midnights so daylight-saving changes never make a day 23 or 25 hours long.
import { ConfigError } from "../errors.ts";

export type LocalDate = string;

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

export function isLocalDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** Parses a --date argument, with a message a person can act on. */
export function parseLocalDate(text: string, what = "--date"): LocalDate {
  if (!isLocalDate(text)) {
    throw new ConfigError(`${what}: ${JSON.stringify(text)} is not a calendar date`, [
      "    expected: YYYY-MM-DD, e.g. 2026-12-01",
    ]);
  }
  return text;
}

/** The date it is in `timeZone` at the instant `now`. */
export function localDate(now: Date, timeZone: string): LocalDate {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

function toUtc(date: LocalDate): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y!, m! - 1, d);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(toUtc(date) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a): 0 for the same date, 1 for the next day. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((toUtc(b) - toUtc(a)) / 86_400_000);
}

/** How far `timeZone` is ahead of UTC at the instant `at`, in milliseconds. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a local day starts in `timeZone` (its midnight; DST is applied at that instant). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const midnightUtc = toUtc(date);
  // The offset at UTC midnight can differ from the one at local midnight across a DST change: a
  // second pass with the corrected guess settles it.
  let t = midnightUtc - zoneOffsetMs(new Date(midnightUtc), timeZone);
  t = midnightUtc - zoneOffsetMs(new Date(t), timeZone);
  return new Date(t);
}
