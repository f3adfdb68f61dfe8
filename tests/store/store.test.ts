// The store's suite runs on both backends: PGlite in-process and the machine's PostgreSQL.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../reconciler/store/index.ts";
import { migrate, readMigrations } from "../../reconciler/store/migrate.ts";
import { afterThisTest, BACKENDS } from "../helpers/backends.ts";
import { uniqueSchema } from "../helpers/postgres.ts";

describe.each(BACKENDS)("state store on $name (integration)", (backend) => {
  it("applies every migration once and records it", async () => {
    const store = await backend.open();
    const rows = await store.sql.query<{ version: number }>(
      "SELECT version FROM schema_migrations ORDER BY version",
    );
    expect(rows.map((r) => r.version)).toEqual((await readMigrations()).map((m) => m.version));
    expect(await migrate(store.sql)).toEqual([]);
  });

  it("puts and lists ledger rows, ordered by IP and day, with `to` exclusive", async () => {
    const { ledger } = await backend.open();
    const base = { quota: 50, sent: 48, bounced: 1, complained: 0, deferred: 2, listed: false };
    await ledger.put({
      ...base,
      ip: "203.0.113.11",
      day: "2026-11-03",
      verdict: "advance",
      reason: "healthy",
    });
    await ledger.put({ ...base, ip: "203.0.113.10", day: "2026-11-04", verdict: "hold", reason: "bounces" });
    await ledger.put({ ...base, ip: "203.0.113.10", day: "2026-11-03", verdict: null, reason: null });
    expect((await ledger.list()).map((r) => `${r.ip} ${r.day} ${r.verdict}`)).toEqual([
      "203.0.113.10 2026-11-03 null",
      "203.0.113.10 2026-11-04 hold",
      "203.0.113.11 2026-11-03 advance",
    ]);
    expect(await ledger.list({ ip: "203.0.113.10", to: "2026-11-04" })).toEqual([
      { ...base, ip: "203.0.113.10", day: "2026-11-03", verdict: null, reason: null },
    ]);
    expect((await ledger.list({ from: "2026-11-04" })).map((r) => r.day)).toEqual(["2026-11-04"]);
  });

  it("replaces a row on a second put (one row per IP per day)", async () => {
    const { ledger } = await backend.open();
    const row = {
      ip: "203.0.113.10",
      day: "2026-11-03",
      quota: 50,
      sent: 10,
      bounced: 0,
      complained: 0,
      deferred: 0,
      listed: false,
      verdict: null,
      reason: null,
    };
    await ledger.put(row);
    await ledger.put({ ...row, sent: 50, listed: true });
    expect(await ledger.list()).toEqual([{ ...row, sent: 50, listed: true }]);
  });

  it("adds counts from several batches, concurrently, without losing any", async () => {
    const { ledger } = await backend.open();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        ledger.addCounts("203.0.113.12", "2026-11-05", { sent: 5, bounced: 1, deferred: 2 }),
      ),
    );
    const [row] = await ledger.list();
    expect(row).toMatchObject({ sent: 100, bounced: 20, complained: 0, deferred: 40, verdict: null });
  });

  it("records a verdict without touching the counters", async () => {
    const { ledger } = await backend.open();
    await ledger.addCounts("203.0.113.13", "2026-11-05", { sent: 300, bounced: 20 });
    await ledger.judge("203.0.113.13", "2026-11-05", "pause", "hard bounces 6.7 % ≥ 5 %", 500);
    const [row] = await ledger.list();
    expect(row).toMatchObject({
      sent: 300,
      bounced: 20,
      quota: 500,
      verdict: "pause",
      reason: "hard bounces 6.7 % ≥ 5 %",
    });
  });

  it("refuses negative counts and unknown verdicts", async () => {
    const { ledger } = await backend.open();
    await expect(ledger.addCounts("203.0.113.13", "2026-11-05", { sent: -1 })).rejects.toThrow(
      "ledger sent must be a non-negative integer, got -1",
    );
    await expect(ledger.judge("203.0.113.13", "2026-11-05", "explode" as never, "x")).rejects.toThrow(
      /check constraint/,
    );
    expect(await ledger.list()).toEqual([]);
  });

  it("rolls a failed transaction back entirely", async () => {
    const store = await backend.open();
    await expect(
      store.sql.transaction(async (tx) => {
        await tx.query("INSERT INTO warmup_ledger (ip, day) VALUES ('203.0.113.10', '2026-11-06')");
        await tx.query("INSERT INTO warmup_ledger (ip, day) VALUES ('203.0.113.10', '2026-11-06')");
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await store.ledger.list()).toEqual([]);
  });
});

describe("embedded store persistence (integration)", () => {
  it("keeps the ledger in its data directory across restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ee-pglite-"));
    afterThisTest(() => rm(dir, { recursive: true, force: true }));
    const first = await openStore({ dataDir: dir });
    await first.ledger.judge("203.0.113.10", "2026-11-03", "advance", "healthy", 50);
    await first.close();
    const second = await openStore({ dataDir: dir });
    afterThisTest(() => second.close());
    expect((await second.ledger.list()).map((r) => r.verdict)).toEqual(["advance"]);
  });
});

describe("PostgreSQL connection errors", () => {
  it("says which server could not be reached, without the password", async () => {
    await expect(
      openStore({ databaseUrl: "postgres://ee:s3cret-pw@127.0.0.1:1/nowhere", schema: uniqueSchema() }),
    ).rejects.toThrow(/^cannot reach PostgreSQL at postgres:\/\/ee:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    await expect(
      openStore({ databaseUrl: "postgres://ee:s3cret-pw@127.0.0.1:1/nowhere", schema: uniqueSchema() }),
    ).rejects.not.toThrow(/s3cret-pw/);
  });
});
