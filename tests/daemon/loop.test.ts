import { describe, expect, it } from "vitest";
import type { LoopClock, LoopEvent, TickResult } from "../../reconciler/daemon/loop.ts";
import { ReconcileLoop } from "../../reconciler/daemon/loop.ts";
import { ConfigError, TransientError } from "../../reconciler/errors.ts";
import { msUntilLocalMidnight } from "../../reconciler/cli/run.ts";

/** A clock whose sleeps wait for the test to release them, recording each requested delay. */
function manualClock() {
  const delays: number[] = [];
  const waiting: (() => void)[] = [];
  const clock: LoopClock = {
    now: () => 0,
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        delays.push(ms);
        if (signal.aborted) return resolve();
        waiting.push(resolve);
        signal.addEventListener("abort", () => resolve(), { once: true });
      }),
  };
  const release = async () => {
    waiting.splice(0).forEach((r) => r());
    await new Promise((r) => setImmediate(r));
  };
  return { clock, delays, release };
}

const settle = () => new Promise((r) => setImmediate(r));

function loopWith(results: (() => Promise<TickResult>)[], random = 0.5, jitter = 0.1) {
  const { clock, delays, release } = manualClock();
  const events: LoopEvent[] = [];
  let i = 0;
  const loop = new ReconcileLoop({
    intervalMs: 60_000,
    jitter,
    backoff: { baseMs: 1_000, maxMs: 8_000 },
    clock,
    random: () => random,
    onEvent: (e) => events.push(e),
    tick: () =>
      (results[Math.min(i++, results.length - 1)] ?? (() => Promise.resolve({ outcome: "ok" as const })))(),
  });
  return { loop, delays, release, events, ticks: () => i };
}

const ok = () => Promise.resolve<TickResult>({ outcome: "ok" });
const transient = () => Promise.reject(new TransientError("ssh: connection refused"));

describe("reconcile loop (pure, injected clock)", () => {
  it("ticks at once, then on the jittered interval", async () => {
    for (const [random, expected] of [
      [0, 54_000],
      [0.5, 60_000],
      [1, 66_000],
    ] as const) {
      const { loop, delays } = loopWith([ok], random);
      loop.start();
      await settle();
      await loop.stop();
      expect(delays[0]).toBe(expected);
    }
  });

  it("backs off exponentially on transient failures, capped, and resets after a success", async () => {
    const { loop, delays, release, events } = loopWith(
      [transient, transient, transient, transient, transient, ok, transient],
      0.5,
      0,
    );
    loop.start();
    for (let n = 0; n < 6; n++) {
      await settle();
      await release();
    }
    await settle();
    await loop.stop();
    expect(delays.slice(0, 7)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 60_000, 1_000]);
    expect(
      events
        .filter((e) => e.type === "tick-end")
        .map((e) => e.outcome)
        .slice(0, 7),
    ).toEqual(["transient", "transient", "transient", "transient", "transient", "ok", "transient"]);
  });

  it("does not retry a configuration error: stalled, next tick on the normal interval", async () => {
    const { loop, delays, events } = loopWith(
      [() => Promise.reject(new ConfigError("ips.yaml:3:1: bad"))],
      0.5,
      0,
    );
    loop.start();
    await settle();
    await loop.stop();
    expect(delays[0]).toBe(60_000);
    expect(events.find((e) => e.type === "tick-end")).toMatchObject({
      outcome: "stalled",
      message: "ips.yaml:3:1: bad",
    });
  });

  it("runs one tick at a time: a tick asked for during another is skipped", async () => {
    let finish!: () => void;
    const slow = () => new Promise<TickResult>((r) => (finish = () => r({ outcome: "ok" })));
    const { loop, events, ticks } = loopWith([slow, ok]);
    loop.start();
    await settle();
    const second = loop.tickNow();
    expect(events.map((e) => e.type)).toEqual(["tick-start", "tick-skipped"]);
    finish();
    await second;
    await loop.stop();
    expect(ticks()).toBe(1);
  });

  it("stop waits for the tick in flight", async () => {
    let finish!: () => void;
    const slow = () => new Promise<TickResult>((r) => (finish = () => r({ outcome: "ok" })));
    const { loop } = loopWith([slow]);
    loop.start();
    await settle();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
  });

  it("does nothing while suspended, and ticks again on resume", async () => {
    const { loop, release, ticks } = loopWith([ok]);
    loop.start();
    await settle();
    expect(ticks()).toBe(1);
    loop.suspend();
    await release();
    await release();
    expect(ticks()).toBe(1);
    loop.resume();
    await settle();
    await settle();
    expect(ticks()).toBe(2);
    await loop.stop();
  });
});

describe("the tick after the operators' midnight", () => {
  it("falls a minute after local midnight, on either side of a DST change", () => {
    const minutes = (now: string) => msUntilLocalMidnight(new Date(now), "Europe/Paris") / 60_000;
    expect(minutes("2026-11-24T22:30:00Z")).toBe(31); // 23:30 in Paris (UTC+1)
    expect(minutes("2026-03-28T12:00:00Z")).toBe(11 * 60 + 1); // the night clocks go forward
    expect(minutes("2026-03-29T12:00:00Z")).toBe(10 * 60 + 1); // first day of summer time (UTC+2)
    expect(msUntilLocalMidnight(new Date("2026-11-24T22:59:50Z"), "Europe/Paris")).toBe(70_000);
  });
});
