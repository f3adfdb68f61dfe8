import { describe, expect, it } from "vitest";
import type { Schedule } from "../../reconciler/inventory/types.gen.ts";
import type { JudgedDay, Verdict } from "../../reconciler/warmup/calendar.ts";
import { warmupStatus } from "../../reconciler/warmup/calendar.ts";
import { addDays, localDate } from "../../reconciler/warmup/dates.ts";
import { quotaForDay, stepBackDay } from "../../reconciler/warmup/schedule.ts";

const sixWeeks: Schedule = {
  steps: [
    { days: 7, quota: 50 },
    { days: 7, quota: 200 },
    { days: 7, quota: 500 },
    { days: 7, quota: 1500 },
    { days: 7, quota: 5000 },
    { days: 7, quota: 10000 },
  ],
};
const start = "2026-11-02";

/** n consecutive days from `from` with the same verdict. */
function days(from: string, n: number, verdict: Verdict | null, reason?: string): JudgedDay[] {
  return Array.from({ length: n }, (_, i) => ({ date: addDays(from, i), verdict, reason: reason ?? null }));
}

describe("warm-up calendar (pure)", () => {
  it("is pending with quota 0 before the start date", () => {
    expect(warmupStatus({ schedule: sixWeeks, start, date: "2026-11-01", ledger: [] })).toEqual({
      state: "pending",
      day: 0,
      calendarDay: 0,
      quota: 0,
      reason: "warm-up starts on 2026-11-02",
    });
  });

  it("starts on day 1 at the first step on the start date", () => {
    const s = warmupStatus({ schedule: sixWeeks, start, date: start, ledger: [] });
    expect(s).toMatchObject({ state: "warming", day: 1, calendarDay: 1, quota: 50, reason: "on schedule" });
  });

  it.each([
    { healthy: 6, day: 7, quota: 50 },
    { healthy: 7, day: 8, quota: 200 },
    { healthy: 13, day: 14, quota: 200 },
    { healthy: 14, day: 15, quota: 500 },
    { healthy: 21, day: 22, quota: 1500 },
    { healthy: 28, day: 29, quota: 5000 },
    { healthy: 35, day: 36, quota: 10000 },
    { healthy: 41, day: 42, quota: 10000 },
  ])(
    "after $healthy healthy days it is day $day at $quota/day (step boundaries)",
    ({ healthy, day, quota }) => {
      const date = addDays(start, healthy);
      const s = warmupStatus({ schedule: sixWeeks, start, date, ledger: days(start, healthy, "advance") });
      expect(s).toMatchObject({ state: "warming", day, quota, calendarDay: healthy + 1 });
    },
  );

  it("is warmed past the end of the schedule and keeps the final quota", () => {
    const s = warmupStatus({
      schedule: sixWeeks,
      start,
      date: addDays(start, 50),
      ledger: days(start, 50, "advance"),
    });
    expect(s).toMatchObject({ state: "warmed", day: 51, quota: 10000 });
  });

  it("repeats the quota on a held day and says why", () => {
    const ledger = [
      ...days(start, 7, "advance"),
      ...days("2026-11-09", 1, "hold", "hard bounces 3.1 % ≥ 2 %"),
    ];
    const s = warmupStatus({ schedule: sixWeeks, start, date: "2026-11-10", ledger });
    expect(s).toEqual({
      state: "held",
      day: 8,
      calendarDay: 9,
      quota: 200,
      reason: "held on 2026-11-09: hard bounces 3.1 % ≥ 2 %",
    });
  });

  it("does not advance on days nobody judged (no data is not a healthy day)", () => {
    const ledger = [...days(start, 3, "advance"), ...days("2026-11-05", 4, null)];
    const s = warmupStatus({ schedule: sixWeeks, start, date: "2026-11-09", ledger });
    expect(s).toMatchObject({ state: "warming", day: 4, calendarDay: 8, quota: 50 });
    expect(s.reason).toBe("4 days not counted (held, paused or not judged)");
  });

  it("sends 0 while paused, and resumes where it was after a later healthy day", () => {
    const paused = [
      ...days(start, 10, "advance"),
      ...days("2026-11-12", 2, "pause", "complaints 0.4 % ≥ 0.3 %"),
    ];
    expect(warmupStatus({ schedule: sixWeeks, start, date: "2026-11-14", ledger: paused })).toMatchObject({
      state: "paused",
      quota: 0,
      day: 11,
      reason: "paused on 2026-11-13: complaints 0.4 % ≥ 0.3 %",
    });
    const resumed = [...paused, ...days("2026-11-14", 1, "advance")];
    expect(warmupStatus({ schedule: sixWeeks, start, date: "2026-11-15", ledger: resumed })).toMatchObject({
      state: "warming",
      quota: 200,
      day: 12,
    });
  });

  it("sends 0 when the operator pauses the IP in the inventory", () => {
    const s = warmupStatus({
      schedule: sixWeeks,
      start,
      date: "2026-11-20",
      ledger: days(start, 18, "advance"),
      operatorPaused: true,
    });
    expect(s).toMatchObject({ state: "paused", quota: 0, reason: "paused in the inventory" });
  });

  it("steps back to the latest day at half the quota or less", () => {
    const ledger = [...days(start, 16, "advance"), ...days("2026-11-18", 1, "stepback", "deferrals 18 %")];
    // Day 17 (500/day) steps back to day 14 (200/day, the last day ≤ 250).
    const s = warmupStatus({ schedule: sixWeeks, start, date: "2026-11-19", ledger });
    expect(s).toMatchObject({
      state: "warming",
      day: 14,
      quota: 200,
      reason: "stepped back on 2026-11-18: deferrals 18 %",
    });
    expect(stepBackDay(sixWeeks, 3)).toBe(1);
  });

  it("ignores ledger rows before the start date and from today on", () => {
    const ledger = [
      ...days("2026-10-20", 5, "advance"),
      ...days(start, 2, "advance"),
      ...days("2026-11-04", 3, "advance"),
    ];
    const s = warmupStatus({ schedule: sixWeeks, start, date: "2026-11-04", ledger });
    expect(s.day).toBe(3);
  });

  it("an IP added late starts its own day 1 on its own start date", () => {
    const late = warmupStatus({ schedule: sixWeeks, start: "2026-12-14", date: "2026-12-14", ledger: [] });
    const early = warmupStatus({
      schedule: sixWeeks,
      start,
      date: "2026-12-14",
      ledger: days(start, 42, "advance"),
    });
    expect(late).toMatchObject({ day: 1, quota: 50 });
    expect(early).toMatchObject({ day: 43, quota: 10000, state: "warmed" });
  });

  it("keeps the days earned when the schedule changes mid-way, and reads the new quota at that day", () => {
    const ledger = days(start, 15, "advance");
    const before = warmupStatus({ schedule: sixWeeks, start, date: "2026-11-17", ledger });
    const smooth: Schedule = { curve: { from: 50, to: 10000, days: 36 } };
    const after = warmupStatus({ schedule: smooth, start, date: "2026-11-17", ledger });
    expect(before).toMatchObject({ day: 16, quota: 500 });
    expect(after).toMatchObject({ day: 16, quota: quotaForDay(smooth, 16) });
    expect(quotaForDay(smooth, 16)).toBe(484);
  });
});

describe("schedules (pure)", () => {
  it("a geometric curve matches the reference's smooth ramp", () => {
    const curve: Schedule = { curve: { from: 50, to: 10000, days: 36 } };
    expect([1, 2, 11, 16, 21, 26, 31, 36, 40].map((d) => quotaForDay(curve, d))).toEqual([
      50, 58, 227, 484, 1032, 2201, 4691, 10000, 10000,
    ]);
  });

  it("a daily table is read per day and holds its last value", () => {
    const daily: Schedule = { daily: [5, 7, 10] };
    expect([1, 2, 3, 4, 99].map((d) => quotaForDay(daily, d))).toEqual([5, 7, 10, 10, 10]);
  });
});

describe("the operator's day (time zones)", () => {
  it.each([
    { instant: "2026-03-01T22:59:59Z", tz: "Europe/Paris", date: "2026-03-01" },
    { instant: "2026-03-01T23:00:00Z", tz: "Europe/Paris", date: "2026-03-02" },
    { instant: "2026-07-01T21:59:59Z", tz: "Europe/Paris", date: "2026-07-01" },
    { instant: "2026-07-01T22:00:00Z", tz: "Europe/Paris", date: "2026-07-02" },
    { instant: "2026-07-01T22:00:00Z", tz: "UTC", date: "2026-07-01" },
    { instant: "2026-07-02T03:59:59Z", tz: "America/New_York", date: "2026-07-01" },
  ])("$instant is $date in $tz", ({ instant, tz, date }) => {
    expect(localDate(new Date(instant), tz)).toBe(date);
  });

  it("day arithmetic ignores daylight-saving changes", () => {
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
    expect(addDays("2026-10-24", 2)).toBe("2026-10-26");
  });

  it("the same instant can be day 2 in Paris and day 1 in New York", () => {
    const instant = new Date("2026-11-03T02:00:00Z");
    const paris = warmupStatus({
      schedule: sixWeeks,
      start,
      date: localDate(instant, "Europe/Paris"),
      ledger: days(start, 1, "advance"),
    });
    const ny = warmupStatus({
      schedule: sixWeeks,
      start,
      date: localDate(instant, "America/New_York"),
      ledger: days(start, 1, "advance"),
    });
    expect([paris.day, ny.day]).toEqual([2, 1]);
  });
});
