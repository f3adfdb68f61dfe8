// Two daemons on one PostgreSQL: only the holder of the reconcile lock applies; the other stands by.
// The leader is kept in the middle of its apply (the stand-in's reload waits) while the second daemon
// starts, so the second meets the lock held, and its start must not disturb the leader's open run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlatform } from "./platform.ts";
import { reloads, throwawayPostgres, until } from "./support.ts";
import type { Platform } from "./platform.ts";

let platform: Platform;
let database: Awaited<ReturnType<typeof throwawayPostgres>>;
beforeAll(async () => {
  [platform, database] = await Promise.all([startPlatform(), throwawayPostgres()]);
  // The store's schema exists before the daemons start: two first starts at the same instant race on
  // CREATE SCHEMA IF NOT EXISTS (PostgreSQL raises a duplicate key error for the loser).
  await platform.records(() => Promise.resolve(), database.url);
}, 60_000);
afterAll(async () => {
  await platform?.release("reload");
  await platform?.close();
  await database?.drop();
});

describe("two daemons on one PostgreSQL", () => {
  it("exactly one applies, the other stands by", async () => {
    const env = { databaseUrl: database.url };
    await platform.hold("reload");
    const first = platform.run("run", env);
    let firstDone = false;
    void first.finally(() => (firstDone = true));
    await until(
      () => "the first daemon's reload",
      async () => firstDone || (await reloads(platform)) > 0,
    );
    expect(firstDone).toBe(false);
    const second = await platform.run("run", env);
    expect(second.stdout).toContain("another daemon holds the reconcile lock: standing by");
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    await platform.release("reload");
    const leader = await first;
    expect(leader.stderr).toBe("");
    expect(leader.code).toBe(0);
    expect(leader.stdout).not.toContain("standing by");
    expect(leader.stdout).toMatch(/Plan: \d+ to create/);

    const runs = await platform.records((r) => r.recentRuns(20), database.url);
    expect(runs.map((r) => [r.trigger, r.outcome])).toEqual([["schedule", "ok"]]);
    expect(runs[0]!.summary?.create).toBeGreaterThan(0);
    expect((await platform.deliveryServers()).map((s) => s.name)).toHaveLength(5);
    // The lock went with the leader's run: the next daemon leads, and finds nothing to change.
    const next = await platform.run("run", env);
    expect(next.code).toBe(0);
    expect(next.stdout).not.toContain("standing by");
    const after = await platform.records((r) => r.recentRuns(20), database.url);
    expect(after.map((r) => [r.trigger, r.outcome])).toEqual([
      ["schedule", "ok"],
      ["schedule", "ok"],
    ]);
    expect(after.find((r) => r.id !== runs[0]!.id)?.summary).toEqual({ create: 0, update: 0, delete: 0 });
  }, 90_000);
});
