// The lifecycle (pure): each state from the inventory and the events, the ways back (a new warm-up from
// day 1 after a rest or a quarantine, the same day after a pause), promotion only by an operator, the
// old engine's gates as windows, and the validator refusing to take every IP out at once.
import { describe, expect, it } from "vitest";
import { warmupTable } from "../../reconciler/derive/warmup-table.ts";
import type { Inventory, SendingIp } from "../../reconciler/inventory/types.gen.ts";
import type { IpEvent } from "../../reconciler/lifecycle/events.ts";
import { decide } from "../../reconciler/lifecycle/operator.ts";
import { gateEvents, markerEvents } from "../../reconciler/lifecycle/transitions.ts";
import { judgeWindows } from "../../reconciler/lifecycle/windows.ts";
import { quotaForDay, scheduleLength } from "../../reconciler/warmup/schedule.ts";
import type { JudgedDay } from "../../reconciler/warmup/calendar.ts";
import { startOfLocalDay } from "../../reconciler/warmup/dates.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import { EXAMPLE_INVENTORY, inventoryWith } from "../helpers/inventory.ts";

const example = async (): Promise<Inventory> => (await validateInventoryDir(EXAMPLE_INVENTORY)).inventory!;

function withIp(inv: Inventory, vmta: string, change: Partial<SendingIp>): Inventory {
  return { ...inv, ips: inv.ips.map((ip) => (ip.vmta === vmta ? { ...ip, ...change } : ip)) };
}

const event = (ip: string, kind: string, at: string, over: Partial<IpEvent> = {}): IpEvent => ({
  ip,
  at: new Date(at),
  kind,
  until: null,
  reason: `${kind} for the test`,
  actor: "gates",
  day: null,
  severity: null,
  ...over,
});

/** Advance verdicts for `n` days from `from`: the IP climbs n warm-up days. */
function advances(from: string, n: number): JudgedDay[] {
  const start = new Date(`${from}T00:00:00Z`).getTime();
  return Array.from({ length: n }, (_, i) => ({
    date: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
    verdict: "advance" as const,
  }));
}

const V0 = "203.0.113.10";
const row = (rows: ReturnType<typeof warmupTable>, vmta: string) => rows.find((r) => r.vmta === vmta)!;

describe("lifecycle states (pure)", () => {
  it("in service: warming, then active once the schedule is complete; pending before its start", async () => {
    const inv = await example();
    const rows = warmupTable(inv, new Map([[V0, advances("2026-11-23", 42)]]), "2027-01-05");
    expect(row(rows, "pmta-vmta0").lifecycle).toMatchObject({ state: "active", serving: true });
    expect(row(rows, "pmta-vmta1").lifecycle).toMatchObject({ state: "warming", serving: true });
    const early = warmupTable(inv, new Map(), "2026-11-24");
    expect(row(early, "pmta-vmta3").lifecycle.state).toBe("pending");
  });

  it("standby takes no traffic until an operator promotes it; a demote puts it back", async () => {
    const inv = withIp(await example(), "pmta-vmta0", { state: "standby" });
    const now = new Date("2026-11-25T10:00:00Z");
    const standby = row(warmupTable(inv, new Map(), "2026-11-25", { events: [], now }), "pmta-vmta0");
    expect(standby).toMatchObject({ quota: 0, lifecycle: { state: "standby", serving: false } });
    const promoted = [
      event(V0, "promote", "2026-11-25T09:00:00Z", { actor: "operator:alice", reason: "vmta1 listed" }),
    ];
    const on = row(warmupTable(inv, new Map(), "2026-11-25", { events: promoted, now }), "pmta-vmta0");
    expect(on.quota).toBe(50);
    expect(on.lifecycle).toMatchObject({ state: "warming", serving: true });
    expect(on.lifecycle.reason).toContain("promoted from standby by operator:alice (vmta1 listed)");
    const back = [...promoted, event(V0, "demote", "2026-11-25T09:30:00Z")];
    expect(row(warmupTable(inv, new Map(), "2026-11-25", { events: back, now }), "pmta-vmta0").quota).toBe(0);
    // The inventory setting standby again after a promote voids the promote (a new standby spell).
    const again = [...promoted, event(V0, "standby", "2026-11-25T09:40:00Z", { actor: "inventory" })];
    expect(
      row(warmupTable(inv, new Map(), "2026-11-25", { events: again, now }), "pmta-vmta0").lifecycle.state,
    ).toBe("standby");
  });

  it("the product never promotes by itself: a listing of another IP leaves standby IPs in standby", async () => {
    const inv = withIp(await example(), "pmta-vmta1", { state: "standby" });
    const now = new Date("2026-11-25T10:00:00Z");
    const events = [event(V0, "listed", "2026-11-25T08:00:00Z", { severity: "pause", actor: "blocklists" })];
    const rows = warmupTable(inv, new Map(), "2026-11-25", { events, now });
    expect(row(rows, "pmta-vmta0").lifecycle).toMatchObject({ state: "listed", serving: false });
    expect(row(rows, "pmta-vmta0").quota).toBe(0);
    expect(row(rows, "pmta-vmta1").lifecycle.state).toBe("standby");
    // Delisted: it leaves the listed state and sends again.
    const delisted = [...events, event(V0, "delisted", "2026-11-25T09:00:00Z", { actor: "blocklists" })];
    const after = row(warmupTable(inv, new Map(), "2026-11-25", { events: delisted, now }), "pmta-vmta0");
    expect(after.lifecycle.state).toBe("warming");
    expect(after.quota).toBe(50);
  });

  it("a gates' pause ends at its time and resumes at the warm-up day it had", async () => {
    const inv = await example();
    const ledger = new Map([[V0, advances("2026-11-23", 10)]]);
    const events = [
      event(V0, "pause", "2026-12-05T00:30:00Z", {
        until: new Date("2026-12-08T00:30:00Z"),
        day: "2026-12-04",
      }),
    ];
    const during = row(
      warmupTable(inv, ledger, "2026-12-06", { events, now: new Date("2026-12-06T10:00:00Z") }),
      "pmta-vmta0",
    );
    expect(during).toMatchObject({
      quota: 0,
      day: 11,
      lifecycle: { state: "paused", until: "2026-12-08T00:30:00.000Z" },
    });
    const after = row(
      warmupTable(inv, ledger, "2026-12-08", { events, now: new Date("2026-12-08T01:00:00Z") }),
      "pmta-vmta0",
    );
    expect(after).toMatchObject({ day: 11, quota: 200, lifecycle: { state: "warming", serving: true } });
  });

  it("a quarantine lasts until its release, then a new warm-up from day 1 starts that day", async () => {
    const inv = await example();
    const ledger = new Map([[V0, advances("2026-11-23", 20)]]);
    const events = [
      event(V0, "quarantine", "2026-12-13T00:30:00Z", {
        until: new Date("2027-01-12T00:30:00Z"),
        day: "2026-12-12",
      }),
    ];
    const during = row(
      warmupTable(inv, ledger, "2026-12-20", { events, now: new Date("2026-12-20T10:00:00Z") }),
      "pmta-vmta0",
    );
    expect(during).toMatchObject({ quota: 0, lifecycle: { state: "quarantined", serving: false } });
    const back = row(
      warmupTable(inv, ledger, "2027-01-13", { events, now: new Date("2027-01-13T10:00:00Z") }),
      "pmta-vmta0",
    );
    expect(back).toMatchObject({ start: "2027-01-12", day: 1, quota: 50, lifecycle: { state: "warming" } });
    expect(back.lifecycle.reason).toMatch(/^released from quarantine on 2027-01-12: new warm-up from day 1/);
    // An operator's early release does the same on the day of the release.
    const early = [...events, event(V0, "release", "2026-12-20T09:00:00Z", { actor: "operator:bob" })];
    const released = row(
      warmupTable(inv, ledger, "2026-12-21", { events: early, now: new Date("2026-12-21T10:00:00Z") }),
      "pmta-vmta0",
    );
    expect(released).toMatchObject({ start: "2026-12-20", day: 1, quota: 50 });
  });

  it("resting: out until `until`, then back on day 1 of a new warm-up", async () => {
    const inv = withIp(await example(), "pmta-vmta0", { state: "resting", until: "2026-12-20" });
    const ledger = new Map([[V0, advances("2026-11-23", 20)]]);
    const resting = row(warmupTable(inv, ledger, "2026-12-19"), "pmta-vmta0");
    expect(resting).toMatchObject({ quota: 0, lifecycle: { state: "resting", serving: false } });
    expect(resting.lifecycle.until).toBe(startOfLocalDay("2026-12-20", "Europe/Paris").toISOString());
    expect(resting.lifecycle.until).toBe("2026-12-19T23:00:00.000Z");
    const back = row(warmupTable(inv, ledger, "2026-12-21"), "pmta-vmta0");
    expect(back).toMatchObject({ start: "2026-12-20", day: 1, quota: 50, lifecycle: { state: "warming" } });
  });

  it("retiring drains out of the pool (MailWizz quota 0, PowerMTA keeps a cap), then retired", async () => {
    const inv = withIp(await example(), "pmta-vmta0", { state: "retiring", until: "2026-12-01" });
    const draining = row(
      warmupTable(inv, new Map([[V0, advances("2026-11-23", 8)]]), "2026-11-30"),
      "pmta-vmta0",
    );
    expect(draining).toMatchObject({ quota: 0, drainQuota: 200, lifecycle: { state: "retiring" } });
    expect(row(warmupTable(inv, new Map(), "2026-12-01"), "pmta-vmta0").lifecycle.state).toBe("retired");
  });
});

describe("the old engine's gates as rolling windows (pure)", () => {
  const counts = (day: string, sent: number, bounced: number, complained = 0) => ({
    day,
    sent,
    bounced,
    complained,
  });

  it("the example's default gates carry the legacy windows and emergency", async () => {
    const gates = (await example()).gates["default"]!;
    expect(gates.windows).toEqual([
      { days: 7, hardBounce: 2, pauseHours: 72 },
      { days: 7, complaint: 0.03, pauseHours: 96 },
    ]);
    expect(gates.emergency).toEqual({ days: 1, hardBounce: 5, complaint: 0.1, quarantineDays: 30 });
  });

  it("gates that say nothing of windows get the legacy ones; `windows: []` turns them off", () => {
    const gates = { minSample: 200, hardBounce: { pause: 5 }, complaint: { pause: 0.3 } };
    const week = [1, 2, 3, 4, 5, 6, 7].map((d) => counts(`2026-12-0${d}`, 100, 3));
    expect(judgeWindows(gates, week, "2026-12-07")).toMatchObject({ kind: "pause", hours: 72 });
    expect(judgeWindows({ ...gates, windows: [] }, week, "2026-12-07")).toBeUndefined();
  });

  it("7-day hard bounces strictly over 2 % pause 72 h; exactly 2 % does not", async () => {
    const gates = (await example()).gates["default"]!;
    const week = (bounced: number) =>
      [1, 2, 3, 4, 5, 6, 7].map((d) => counts(`2026-12-0${d}`, 100, d === 7 ? bounced : 0));
    expect(judgeWindows(gates, week(14), "2026-12-07")).toBeUndefined();
    expect(judgeWindows(gates, week(15), "2026-12-07")).toMatchObject({ kind: "pause", hours: 72 });
  });

  it("7-day complaints over 0.03 % pause 96 h (the longest pause wins when both trigger)", async () => {
    const gates = (await example()).gates["default"]!;
    const rows = [1, 2, 3, 4, 5, 6, 7].map((d) => counts(`2026-12-0${d}`, 1000, 25, d === 1 ? 3 : 0));
    const trigger = judgeWindows(gates, rows, "2026-12-07");
    expect(trigger).toMatchObject({ kind: "pause", hours: 96 });
    expect(trigger?.reason).toMatch(/hard bounces 2\.5 % > 2 %.*complaints 0\.043 % > 0\.03 %/);
  });

  it("24-hour bounces over 5 % or complaints over 0.1 % quarantine 30 days, with a minimum sample", async () => {
    const gates = (await example()).gates["default"]!;
    expect(judgeWindows(gates, [counts("2026-12-07", 300, 16)], "2026-12-07")).toMatchObject({
      kind: "quarantine",
      hours: 720,
    });
    expect(judgeWindows(gates, [counts("2026-12-07", 1000, 0, 2)], "2026-12-07")).toMatchObject({
      kind: "quarantine",
    });
    // 199 messages: below minSample 200, nothing is judged.
    expect(judgeWindows(gates, [counts("2026-12-07", 199, 50)], "2026-12-07")).toBeUndefined();
    // Days up to the last trigger are not counted again.
    expect(judgeWindows(gates, [counts("2026-12-07", 300, 16)], "2026-12-07", "2026-12-07")).toBeUndefined();
  });

  it("gate events go to IPs in service only, once per closed day", async () => {
    const inv = await example();
    const ledger = [
      {
        ip: V0,
        day: "2026-11-24",
        quota: 300,
        sent: 300,
        bounced: 30,
        complained: 0,
        deferred: 0,
        listed: false,
        verdict: null,
        reason: null,
      },
    ];
    const now = new Date("2026-11-25T00:30:00Z");
    const rows = warmupTable(inv, new Map(), "2026-11-25", { events: [], now });
    const life = new Set(rows.filter((r) => r.lifecycle.serving).map((r) => r.ip));
    const found = gateEvents(inv, ledger, new Map(), life, new Map(), "2026-11-24", now);
    expect(found).toEqual([
      expect.objectContaining({
        ip: V0,
        kind: "quarantine",
        actor: "gates",
        day: "2026-11-24",
        until: new Date("2026-12-25T00:30:00Z"),
      }),
    ]);
    const already = new Map([[V0, [event(V0, "quarantine", now.toISOString(), { day: "2026-11-24" })]]]);
    expect(gateEvents(inv, ledger, already, life, new Map(), "2026-11-24", now)).toEqual([]);
  });
});

describe("recorded transitions and operators' decisions (pure)", () => {
  it("records inventory states once, the automatic end of a pause at its time, listings and delistings", async () => {
    const inv = withIp(await example(), "pmta-vmta1", { state: "standby" });
    const clock = { date: "2026-12-10", now: new Date("2026-12-10T10:00:00Z"), timeZone: "Europe/Paris" };
    const pause = event(V0, "pause", "2026-12-05T00:30:00Z", { until: new Date("2026-12-08T00:30:00Z") });
    const listings = [{ subject: "203.0.113.12", list: "spamhaus-zen", severity: "pause" as const }];
    const found = markerEvents(inv, new Map([[V0, [pause]]]), listings, clock);
    expect(found.map((e) => [e.ip, e.kind, e.at.toISOString()])).toEqual([
      [V0, "resume", "2026-12-08T00:30:00.000Z"],
      ["203.0.113.11", "standby", clock.now.toISOString()],
      ["203.0.113.12", "listed", clock.now.toISOString()],
    ]);
    const seen = new Map<string, IpEvent[]>([
      [V0, [pause, event(V0, "resume", "2026-12-08T00:30:00Z")]],
      ["203.0.113.11", [event("203.0.113.11", "standby", "2026-12-09T00:00:00Z", { actor: "inventory" })]],
      [
        "203.0.113.12",
        [
          event("203.0.113.12", "listed", "2026-12-09T00:00:00Z", {
            severity: "pause",
            reason: "on spamhaus-zen (pause)",
          }),
        ],
      ],
    ]);
    expect(markerEvents(inv, seen, listings, clock)).toEqual([]);
    expect(markerEvents(inv, seen, [], clock).map((e) => [e.ip, e.kind])).toEqual([
      ["203.0.113.12", "delisted"],
    ]);
  });

  it("promote needs a standby IP, who and why; demote never leaves every IP out; release needs a quarantine or pause", async () => {
    const base = withIp(await example(), "pmta-vmta0", { state: "standby" });
    const now = new Date("2026-11-25T10:00:00Z");
    const rows = warmupTable(base, new Map(), "2026-11-25", { events: [], now });
    const input = {
      inventory: base,
      by: "alice",
      reason: "vmta1 listed",
      events: [] as IpEvent[],
      rows,
      now,
    };
    expect(decide("promote", { ...input, ip: "pmta-vmta0" })).toMatchObject({
      ip: V0,
      kind: "promote",
      actor: "operator:alice",
      reason: "vmta1 listed",
    });
    expect(() => decide("promote", { ...input, ip: "203.0.113.11" })).toThrow(/not in standby/);
    expect(() => decide("promote", { ...input, ip: V0, by: " " })).toThrow(/--by must be one non-empty line/);
    expect(() => decide("release", { ...input, ip: V0 })).toThrow(/nothing to release/);
    // Every other IP out (paused by the gates): demoting the only serving IP is refused.
    const promoted = [event(V0, "promote", "2026-11-25T09:00:00Z", { actor: "operator:alice" })];
    const allOut = warmupTable(base, new Map(), "2026-11-25", { events: promoted, now }).map((r) =>
      r.ip === V0 ? r : { ...r, lifecycle: { ...r.lifecycle, serving: false } },
    );
    expect(() => decide("demote", { ...input, ip: V0, events: promoted, rows: allOut })).toThrow(
      /would leave no sending IP in service/,
    );
  });

  it("the validator refuses an inventory that takes every IP out together, and `until` rules", async () => {
    const out = (state: string) =>
      ["0", "1", "2", "3", "4"].map((n) => ({
        file: "ips.yaml",
        replace: `vmta: pmta-vmta${n}\n`,
        with: `vmta: pmta-vmta${n}\n    ${state}\n`,
      }));
    const base = await validateInventoryDir(await inventoryWith([]));
    expect(base.errors).toEqual([]);
    const all = await validateInventoryDir(await inventoryWith(out("state: standby")));
    expect(all.errors.map((e) => e.message)).toContain(
      "every sending IP would be out of service at once (standby, resting, retiring or paused)",
    );
    const one = await validateInventoryDir(await inventoryWith(out("state: standby").slice(0, 4)));
    expect(one.errors).toEqual([]);
    const rest = await validateInventoryDir(await inventoryWith(out("state: resting").slice(0, 1)));
    expect(rest.errors.map((e) => e.message)).toEqual(["IP pmta-vmta0 is resting without `until`"]);
  });
});

describe("the legacy 70-day schedule", () => {
  it("climbs 5 → 20,000 over 70 days, as the old engine's table", async () => {
    const legacy = (await example()).schedules["legacy-70-days"]!;
    expect(scheduleLength(legacy)).toBe(70);
    expect([1, 7, 8, 21, 35, 42, 63, 70, 71].map((d) => quotaForDay(legacy, d))).toEqual([
      5, 20, 25, 110, 550, 1200, 10000, 20000, 20000,
    ]);
  });
});
