import { describe, expect, it } from "vitest";
import { judgeDay } from "../../reconciler/gates/judge.ts";
import type { Gates } from "../../reconciler/inventory/types.gen.ts";

const gates: Gates = {
  minSample: 200,
  pauseDays: 3,
  hardBounce: { hold: 2, pause: 5 },
  complaint: { hold: 0.1, pause: 0.3 },
  deferral: { hold: 5, stepBack: 15 },
};
const day = "2026-12-01";
const counts = (over: Partial<Parameters<typeof judgeDay>[0]> = {}) => ({
  sent: 1000,
  bounced: 5,
  complained: 0,
  deferred: 10,
  listed: false,
  quota: 1500,
  ...over,
});

describe("health gates (pure)", () => {
  it.each([
    {
      name: "healthy day",
      c: counts(),
      verdict: "advance",
      reason: "healthy: 1000 sent, hard bounces 0.5 %, complaints 0 %, deferrals 1 %",
    },
    { name: "bounces just under hold", c: counts({ bounced: 19 }), verdict: "advance" },
    {
      name: "bounces at hold",
      c: counts({ bounced: 20 }),
      verdict: "hold",
      reason: "hard bounces 2 % ≥ 2 %",
    },
    {
      name: "6 % hard bounces",
      c: counts({ bounced: 60 }),
      verdict: "pause",
      reason: "hard bounces 6 % ≥ 5 %",
    },
    {
      name: "complaints at hold",
      c: counts({ complained: 1 }),
      verdict: "hold",
      reason: "complaints 0.1 % ≥ 0.1 %",
    },
    {
      name: "complaints at pause",
      c: counts({ complained: 3 }),
      verdict: "pause",
      reason: "complaints 0.3 % ≥ 0.3 %",
    },
    {
      name: "deferral storm",
      c: counts({ deferred: 160 }),
      verdict: "stepback",
      reason: "deferrals 16 % ≥ 15 %",
    },
    {
      name: "the strongest action wins, all reasons kept",
      c: counts({ bounced: 25, complained: 4, deferred: 60 }),
      verdict: "pause",
      reason: "hard bounces 2.5 % ≥ 2 %; complaints 0.4 % ≥ 0.3 %; deferrals 6 % ≥ 5 %",
    },
    { name: "listed", c: counts({ listed: true }), verdict: "hold", reason: "listed on a blocklist" },
    { name: "listed on a list that stops sending", c: counts({ listedPause: true }), verdict: "pause" },
    {
      name: "too few messages",
      c: counts({ sent: 150, bounced: 0 }),
      verdict: "hold",
      reason: "too few messages to judge (150 sent, 200 needed)",
    },
    {
      name: "week 1: 80 % of a 50 quota is enough",
      c: counts({ sent: 40, bounced: 0, deferred: 0, quota: 50 }),
      verdict: "advance",
    },
    {
      name: "week 1: 30 of 50 is not",
      c: counts({ sent: 30, bounced: 0, deferred: 0, quota: 50 }),
      verdict: "hold",
      reason: "too few messages to judge (30 sent, 40 needed)",
    },
    { name: "nothing sent", c: counts({ sent: 0, bounced: 0, deferred: 0 }), verdict: "hold" },
  ])("$name → $verdict", ({ c, verdict, reason }) => {
    const judgement = judgeDay(c, gates, day);
    expect(judgement.verdict).toBe(verdict);
    if (reason) expect(judgement.reason).toBe(reason);
  });

  it("a pause keeps the IP silent for pauseDays days, then it is judged again", () => {
    // Paused by the verdict of 12-01: silent on 12-02, 12-03, 12-04; sending again on 12-05.
    const quiet = counts({ sent: 0, bounced: 0, deferred: 0 });
    for (const d of ["2026-12-02", "2026-12-03"]) {
      expect(judgeDay(quiet, gates, d, "2026-12-01")).toEqual({
        verdict: "pause",
        reason: "paused since 2026-12-01, resumes on 2026-12-05",
      });
    }
    expect(judgeDay(quiet, gates, "2026-12-04", "2026-12-01").verdict).toBe("hold");
  });
});
