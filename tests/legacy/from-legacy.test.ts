// email-engine migrate from-legacy against a real PostgreSQL holding the old engine's tables: the
// inventory it writes validates and keeps its comments, the warm-up continues at the old day and quota,
// a dry run and a re-run change nothing, the old database is never written, the password never shows.
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { warmupTable } from "../../reconciler/derive/warmup-table.ts";
import type { WarmupRow } from "../../reconciler/derive/warmup-table.ts";
import { migrateFromLegacy } from "../../reconciler/legacy/run.ts";
import { IpEvents } from "../../reconciler/lifecycle/events.ts";
import { openStore } from "../../reconciler/store/index.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import { addDays } from "../../reconciler/warmup/dates.ts";
import { cli, tempDataDir } from "../helpers/cli.ts";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../helpers/postgres.ts";
import type { OldEngineDatabase } from "./old-engine.ts";
import { createOldEngineDatabase, CUTOVER, PASSWORD } from "./old-engine.ts";

const NOW = new Date(`${CUTOVER}T10:00:00Z`);
const REPO_INVENTORY = new URL("../../inventory/", import.meta.url);

let old: OldEngineDatabase;
let inventory: string;
let dataDir: string;
let checksumBefore: string;
const outputs: string[] = [];

async function copyInventory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ee-legacy-inv-"));
  await cp(REPO_INVENTORY, dir, { recursive: true });
  return dir;
}

async function snapshotFiles(dir: string): Promise<Record<string, string>> {
  const names = ["ips.yaml", "domains.yaml", "warmup.yaml", "servers.yaml", "platform.yaml"];
  const entries = await Promise.all(
    names.map(async (n): Promise<[string, string]> => [n, await readFile(join(dir, n), "utf8")]),
  );
  return Object.fromEntries(entries);
}

async function storeRowCounts(dir: string): Promise<Record<string, number>> {
  const store = await openStore({ dataDir: dir });
  try {
    const out: Record<string, number> = {};
    for (const t of [
      "warmup_ledger",
      "blocklist_listings",
      "ip_events",
      "legacy_ids",
      "legacy_unmapped",
      "legacy_migrations",
    ]) {
      const rows = await store.sql.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${t}`);
      out[t] = Number(rows[0]?.n);
    }
    return out;
  } finally {
    await store.close();
  }
}

async function migrate(...extra: string[]) {
  const run = await cli(
    ["migrate", "from-legacy", "--database-url", old.url, "--inventory", inventory, ...extra],
    { now: () => NOW, dataDir },
  );
  outputs.push(run.stdout, run.stderr);
  return run;
}

async function tableOn(date: string): Promise<Map<string, WarmupRow>> {
  const { inventory: inv } = await validateInventoryDir(inventory);
  const store = await openStore({ dataDir });
  try {
    const events = await new IpEvents(store.sql).list();
    const rows = warmupTable(inv!, await store.ledger.judgedDays(date), date, {
      events,
      now: new Date(`${date}T10:00:00Z`),
    });
    return new Map(rows.map((r) => [r.ip, r]));
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  old = await createOldEngineDatabase();
  checksumBefore = await old.checksum();
  inventory = await copyInventory();
  dataDir = await tempDataDir();
});

afterAll(async () => {
  await old?.drop();
  if (inventory) await rm(inventory, { recursive: true, force: true });
});

// Each CLI run starts an embedded store (PGlite): generous bounds for a loaded two-core machine.
const SLOW = { timeout: 120_000 };

describe("migrate from-legacy", SLOW, () => {
  it("a dry run lists what it would do and writes nothing", async () => {
    const before = await snapshotFiles(inventory);
    const run = await migrate("--dry-run");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("dry run, nothing written");
    expect(run.stdout).toContain("+ ip 203.0.113.20 (mail.hub-travelers.com");
    expect(run.stdout).toMatch(/warmup_ledger\s+\d+\s+0/);
    expect(await snapshotFiles(inventory)).toEqual(before);
    const counts = await storeRowCounts(dataDir);
    expect(counts).toEqual({
      warmup_ledger: 0,
      blocklist_listings: 0,
      ip_events: 0,
      legacy_ids: 0,
      legacy_unmapped: 0,
      legacy_migrations: 0,
    });
  });

  it("writes a valid inventory that keeps its comments, and reports what it could not map", async () => {
    const before = await snapshotFiles(inventory);
    const run = await migrate();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    const result = await validateInventoryDir(inventory);
    expect(result.errors).toEqual([]);
    const inv = result.inventory!;

    const after = await snapshotFiles(inventory);
    // Appended, never rewritten: every original line (comments included) is still there, in order.
    expect(after["ips.yaml"]!.startsWith(before["ips.yaml"]!.trimEnd())).toBe(true);
    expect(after["domains.yaml"]!.startsWith(before["domains.yaml"]!.trimEnd())).toBe(true);
    expect(after["ips.yaml"]).toContain(
      "# Migrated from the old engine by `email-engine migrate from-legacy`",
    );
    expect(after["warmup.yaml"]).toBe(before["warmup.yaml"]);

    const ip = (address: string) => inv.ips.find((i) => i.address === address);
    expect(ip("203.0.113.20")).toMatchObject({
      hostname: "mail.hub-travelers.com",
      domain: "hub-travelers.com",
      vmta: "vmta-hub-travelers",
      server: "pmta",
      warmup: { start: addDays(CUTOVER, -22), schedule: "legacy-70-days" },
    });
    expect(ip("203.0.113.21")?.warmup.start).toBe(addDays(CUTOVER, -70));
    expect(ip("203.0.113.22")?.paused).toBe(true);
    expect(ip("203.0.113.24")?.warmup.start).toBe("2026-12-20");
    expect(ip("203.0.113.25")).toMatchObject({ state: "standby" });
    expect(ip("203.0.113.26")).toMatchObject({ state: "resting", until: "2026-12-01" });
    expect(ip("203.0.113.27")).toMatchObject({ state: "retiring" });
    expect(ip("10.0.0.5")).toBeUndefined();
    // Already in the inventory: left exactly as it was.
    expect(inv.ips.filter((i) => i.address === "203.0.113.10")).toHaveLength(1);
    const original = (await validateInventoryDir(fileURLToPath(REPO_INVENTORY))).inventory!;
    expect(ip("203.0.113.10")).toEqual(original.ips.find((i) => i.address === "203.0.113.10"));
    expect(inv.domains["hub-travelers.com"]).toMatchObject({
      tenant: "sos-expat",
      dkim: { selector: "default" },
    });
    expect(inv.domains["client-site.com"]).toBeUndefined();

    // Every row left behind is named with its table, id and reason.
    expect(run.stdout).toMatch(/ips 10: 10\.0\.0\.5: a private address/);
    expect(run.stdout).toMatch(/domains 3: domain client-site\.com: its tenant `client-2`/);
    expect(run.stdout).toMatch(/warmup_plans 7: its IP id 10 was not carried over/);
    expect(run.stdout).toMatch(/warmup_daily_stats \d+: its plan 7 was not carried over/);
    expect(run.stdout).toMatch(/warmup_daily_stats \d+: dated 2026-11-24, on or after the cutover day/);
    expect(run.stdout).toMatch(/blacklist_events 3: 203\.0\.113\.28 open on dnsbl\.sorbs\.net/);
    expect(run.stdout).toContain("= ip 203.0.113.10 (old id 11) is already in the inventory");

    const store = await openStore({ dataDir });
    try {
      const unmapped = await store.sql.query<{ source_table: string; source_id: string }>(
        "SELECT source_table, source_id FROM legacy_unmapped ORDER BY source_table, source_id",
      );
      expect(unmapped.map((u) => `${u.source_table} ${u.source_id}`)).toEqual(
        expect.arrayContaining(["ips 10", "domains 3", "warmup_plans 7", "blacklist_events 3"]),
      );
      const ids = await store.sql.query<{ kind: string; key: string; id: number }>(
        "SELECT kind, key, id FROM legacy_ids ORDER BY kind, id",
      );
      expect(ids).toEqual(
        expect.arrayContaining([
          { kind: "ip", key: "203.0.113.20", id: 1 },
          { kind: "plan", key: "203.0.113.20", id: 1 },
          { kind: "domain", key: "hub-travelers.com", id: 1 },
          { kind: "ip", key: "203.0.113.10", id: 11 },
        ]),
      );
      const listings = await store.sql.query<{ subject: string; list: string; ended_at: unknown }>(
        "SELECT subject, list, ended_at FROM blocklist_listings ORDER BY subject, list",
      );
      expect(
        listings.map((l) => `${l.subject} ${l.list} ${l.ended_at === null ? "open" : "closed"}`),
      ).toEqual([
        "203.0.113.20 barracuda closed",
        "203.0.113.28 spamcop closed",
        "203.0.113.28 spamhaus-zen open",
      ]);
      const events = await new IpEvents(store.sql).list();
      expect(events.map((e) => `${e.ip} ${e.kind} ${e.actor}`)).toEqual(
        expect.arrayContaining([
          "203.0.113.23 pause migration",
          "203.0.113.24 quarantine migration",
          "203.0.113.28 listed migration",
        ]),
      );
      const quarantine = events.find((e) => e.kind === "quarantine");
      expect(quarantine?.until?.toISOString()).toBe("2026-12-20T00:00:00.000Z");
      // An IP already in the inventory with another start keeps its own warm-up: no days written.
      expect(await store.ledger.list({ ip: "203.0.113.10" })).toEqual([]);
      // The old stats keep their dates and counts.
      const ledger = await store.ledger.list({ ip: "203.0.113.20" });
      expect(ledger).toHaveLength(22);
      expect(ledger[0]).toMatchObject({
        day: addDays(CUTOVER, -22),
        sent: 101,
        bounced: 2,
        verdict: "advance",
        quota: 5,
      });
      expect(ledger.at(-1)).toMatchObject({
        day: addDays(CUTOVER, -1),
        sent: 122,
        verdict: "advance",
        quota: 125,
      });
    } finally {
      await store.close();
    }
  });

  it("continues each warm-up at the old day and quota", async () => {
    const today = await tableOn(CUTOVER);
    expect(today.get("203.0.113.20")).toMatchObject({ day: 23, quota: 140, state: "warming" });
    expect(today.get("203.0.113.21")).toMatchObject({ day: 71, quota: 20000, state: "warmed" });
    expect(today.get("203.0.113.22")).toMatchObject({ day: 10, quota: 0, state: "paused" });
    expect(today.get("203.0.113.23")).toMatchObject({ day: 15, quota: 0 });
    expect(today.get("203.0.113.23")?.lifecycle.state).toBe("paused");
    expect(today.get("203.0.113.24")?.lifecycle.state).toBe("quarantined");
    expect(today.get("203.0.113.24")?.quota).toBe(0);
    expect(today.get("203.0.113.25")?.lifecycle.state).toBe("standby");
    expect(today.get("203.0.113.26")?.lifecycle.state).toBe("resting");

    // Tomorrow: one more day once today is judged healthy, the same day otherwise (the old engine also
    // advanced only on days it counted).
    const tomorrow = addDays(CUTOVER, 1);
    expect((await tableOn(tomorrow)).get("203.0.113.20")).toMatchObject({ day: 23, quota: 140 });
    const store = await openStore({ dataDir });
    try {
      await store.ledger.judge("203.0.113.20", CUTOVER, "advance", "healthy", 140);
    } finally {
      await store.close();
    }
    expect((await tableOn(tomorrow)).get("203.0.113.20")).toMatchObject({ day: 24, quota: 160 });
    // The gates' pause ends at its time: two days later the IP sends its day-15 quota again.
    expect((await tableOn(addDays(CUTOVER, 3))).get("203.0.113.23")).toMatchObject({ day: 15, quota: 55 });
  });

  it("changes nothing when run again", async () => {
    const files = await snapshotFiles(inventory);
    const counts = await storeRowCounts(dataDir);
    // A later day: the cutover day recorded by the first run is kept.
    const run = await cli(
      ["migrate", "from-legacy", "--database-url", old.url, "--inventory", inventory, "--json"],
      { now: () => new Date("2026-11-27T10:00:00Z"), dataDir },
    );
    outputs.push(run.stdout, run.stderr);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      cutover: string;
      inventory: { changes: string[]; files: string[] };
      storeCounts: Record<string, { written: number; present: number }>;
    };
    expect(report.cutover).toBe(CUTOVER);
    expect(report.inventory.changes).toEqual([]);
    expect(report.inventory.files).toEqual([]);
    for (const [table, c] of Object.entries(report.storeCounts)) {
      expect({ table, written: c.written }).toEqual({ table, written: 0 });
    }
    expect(report.storeCounts.warmup_ledger!.present).toBeGreaterThan(0);
    expect(await snapshotFiles(inventory)).toEqual(files);
    expect(await storeRowCounts(dataDir)).toEqual(counts);
  });

  it("never wrote to the old database and never showed its password", async () => {
    expect(await old.checksum()).toBe(checksumBefore);
    expect(outputs.join("\n")).not.toContain(PASSWORD);
    expect(outputs.join("\n")).toContain("postgres://127.0.0.1:5432/ee_legacy_");
  });
});

describe("migrate from-legacy refusals", SLOW, () => {
  it("refuses to write an inventory that would not validate, and writes nothing", async () => {
    const dir = await copyInventory();
    const data = await tempDataDir();
    try {
      const before = await snapshotFiles(dir);
      const run = await cli(
        [
          "migrate",
          "from-legacy",
          "--database-url",
          old.url,
          "--inventory",
          dir,
          "--default-tenant",
          "nobody",
        ],
        { now: () => NOW, dataDir: data },
      );
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("the migrated inventory would be invalid");
      expect(run.stderr).toContain("no tenant named `nobody`");
      expect(await snapshotFiles(dir)).toEqual(before);
      expect((await storeRowCounts(data)).warmup_ledger).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names an unreachable old database without its password", async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.port = "1";
    url.password = PASSWORD;
    const dir = await copyInventory();
    try {
      const run = await cli(
        ["migrate", "from-legacy", "--database-url", url.toString(), "--inventory", dir],
        {
          now: () => NOW,
        },
      );
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("cannot reach the old database");
      expect(run.stderr + run.stdout).not.toContain(PASSWORD);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("migrate from-legacy into a PostgreSQL store", SLOW, () => {
  it("writes the same rows, idempotently", async () => {
    const dir = await copyInventory();
    const schema = uniqueSchema();
    try {
      const options = {
        databaseUrl: old.url,
        inventory: dir,
        store: { databaseUrl: TEST_DATABASE_URL, schema },
        now: NOW,
      };
      const first = await migrateFromLegacy(options);
      expect(first.store).toBe("postgres");
      expect(first.storeCounts.warmup_ledger.written).toBeGreaterThan(22);
      const second = await migrateFromLegacy({ ...options, now: new Date("2026-12-01T10:00:00Z") });
      expect(second.cutover).toBe(CUTOVER);
      expect(Object.values(second.storeCounts).every((c) => c.written === 0)).toBe(true);
      expect(second.storeCounts.warmup_ledger.present).toBe(first.storeCounts.warmup_ledger.written);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await dropSchema(schema);
    }
  });
});
