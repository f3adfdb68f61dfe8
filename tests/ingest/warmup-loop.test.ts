// Accounting records → ledger → day verdicts → tomorrow's quota, on the embedded store.
import { afterEach, describe, expect, it } from "vitest";
import { warmupTable } from "../../reconciler/derive/warmup-table.ts";
import { closeDay } from "../../reconciler/gates/close-day.ts";
import { aggregateEvents } from "../../reconciler/ingest/aggregate.ts";
import { isSuppressed } from "../../reconciler/contacts/store/suppression.ts";
import { ingestAccounting, readCursor } from "../../reconciler/ingest/ingest.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import type { AcctEvent } from "../../reconciler/pmta/host/accounting.ts";
import type { AcctCursor, AcctReadResult } from "../../reconciler/pmta/host/observe.ts";
import type { Store } from "../../reconciler/store/index.ts";
import { openStore } from "../../reconciler/store/index.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import type { JudgedDay } from "../../reconciler/warmup/calendar.ts";
import { addDays } from "../../reconciler/warmup/dates.ts";
import { EXAMPLE_INVENTORY } from "../helpers/inventory.ts";

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function inventory(): Promise<Inventory> {
  const r = await validateInventoryDir(EXAMPLE_INVENTORY);
  return r.inventory!;
}

/** n records of one kind for one IP at a given instant. */
function events(
  n: number,
  kind: "d" | "hard" | "soft" | "f" | "t",
  sourceIp: string,
  time: string,
): AcctEvent[] {
  const base = {
    recordType: kind === "hard" || kind === "soft" ? "b" : kind,
    time,
    vmta: null,
    sourceIp,
    recipient: "x@example.com",
    recipientDomain: "example.com",
    messageId: null,
    feedbackId: null,
  };
  return Array.from({ length: n }, (): AcctEvent => {
    switch (kind) {
      case "d":
        return { ...base, kind: "delivered", dsnStatus: "2.0.0" } as AcctEvent;
      case "hard":
        return {
          ...base,
          kind: "bounced",
          remote: false,
          category: "bad-mailbox",
          bounceClass: "hard",
          dsnStatus: "5.1.1",
          dsnDiag: null,
        } as AcctEvent;
      case "soft":
        return {
          ...base,
          kind: "bounced",
          remote: false,
          category: "quota-issues",
          bounceClass: "soft",
          dsnStatus: "4.2.2",
          dsnDiag: null,
        } as AcctEvent;
      case "f":
        return { ...base, kind: "complaint", feedbackType: "abuse" } as AcctEvent;
      case "t":
        return { ...base, kind: "deferred", dsnStatus: "4.7.0" } as unknown as AcctEvent;
    }
  });
}

/** A reader that serves batches in order, each advancing a fake cursor, like readAccountingSince. */
function reader(batches: AcctEvent[][]) {
  let i = 0;
  return (cursor: AcctCursor | null): Promise<AcctReadResult> => {
    const expectedOffset = i === 0 ? null : i * 100;
    if ((cursor?.offset ?? null) !== expectedOffset) {
      return Promise.reject(new Error(`reader called with cursor ${JSON.stringify(cursor)}`));
    }
    const batch = batches[i] ?? [];
    i++;
    return Promise.resolve({
      events: batch,
      skipped: 0,
      cursor: { file: "acct.csv", inode: 1, offset: i * 100 },
      bytesRead: 100,
      more: i < batches.length,
      lostCursor: false,
    });
  };
}

describe("accounting aggregation (pure)", () => {
  it("counts per IP per operator-local day: hard bounces as bounces, soft as deferrals", async () => {
    const inv = await inventory();
    const agg = aggregateEvents(
      inv,
      [
        ...events(3, "d", "203.0.113.10", "2026-11-24T10:00:00Z"),
        ...events(1, "hard", "203.0.113.10", "2026-11-24T10:00:00Z"),
        ...events(1, "soft", "203.0.113.10", "2026-11-24T10:00:00Z"),
        ...events(2, "d", "203.0.113.10", "2026-11-24T23:30:00Z"), // 00:30 on the 25th in Paris
        ...events(1, "f", "203.0.113.11", "2026-11-24T12:00:00Z"),
        ...events(4, "d", "192.0.2.99", "2026-11-24T12:00:00Z"),
      ],
      new Date("2026-11-24T12:00:00Z"),
    );
    expect(agg.counts).toEqual([
      { ip: "203.0.113.10", day: "2026-11-24", sent: 5, bounced: 1, complained: 0, deferred: 1 },
      { ip: "203.0.113.10", day: "2026-11-25", sent: 2, bounced: 0, complained: 0, deferred: 0 },
      { ip: "203.0.113.11", day: "2026-11-24", sent: 0, bounced: 0, complained: 1, deferred: 0 },
    ]);
    expect(agg.unmatched).toBe(4);
  });
});

describe("the warm-up loop on the embedded store (integration)", () => {
  it("three healthy days advance the quota; a day with 6 % hard bounces pauses only that IP", async () => {
    const inv = await inventory();
    const store = await openStore({ dataDir: undefined, schema: "ingest_loop" });
    stores.push(store);
    const days = ["2026-11-23", "2026-11-24", "2026-11-25"];
    const quotaOn = async (day: string) => {
      const rows = await store.ledger.list({ to: day });
      const byIp = new Map<string, JudgedDay[]>();
      for (const r of rows)
        byIp.set(r.ip, [...(byIp.get(r.ip) ?? []), { date: r.day, verdict: r.verdict, reason: r.reason }]);
      return Object.fromEntries(warmupTable(inv, byIp, day).map((r) => [r.vmta, [r.day, r.quota, r.state]]));
    };
    const batches = days.map((day, i) => [
      ...events(48, "d", "203.0.113.10", `${day}T09:00:00Z`),
      // Day 3 on .11: 47 delivered and 3 hard bounces, 6 % of 50.
      ...events(i === 2 ? 47 : 48, "d", "203.0.113.11", `${day}T09:00:00Z`),
      ...events(i === 2 ? 3 : 0, "hard", "203.0.113.11", `${day}T10:00:00Z`),
      ...events(48, "d", "203.0.113.12", `${day}T09:00:00Z`),
    ]);
    const read = reader(batches);
    for (const day of days) {
      const result = await ingestAccounting({
        store,
        host: "pmta",
        inventory: inv,
        now: new Date(`${day}T20:00:00Z`),
        read,
      });
      expect(result.unmatched).toBe(0);
      for (const v of closeDay(inv, await store.ledger.list(), day))
        await store.ledger.judge(v.ip, v.day, v.verdict, v.reason, v.quota);
    }
    expect(await readCursor(store, "pmta")).toEqual({ file: "acct.csv", inode: 1, offset: 300 });
    expect(await quotaOn("2026-11-26")).toMatchObject({
      "pmta-vmta0": [4, 50, "warming"],
      "pmta-vmta1": [3, 0, "paused"],
      "pmta-vmta2": [4, 50, "warming"],
    });
    const paused = (await store.ledger.list({ ip: "203.0.113.11", from: "2026-11-25" }))[0];
    expect(paused).toMatchObject({
      verdict: "pause",
      sent: 50,
      bounced: 3,
      reason: "hard bounces 6 % ≥ 5 %",
    });
    // Closing the same day again changes nothing.
    expect(closeDay(inv, await store.ledger.list(), "2026-11-25")).toEqual([]);
  });

  it("after a week of healthy days the daily cap moves to the second step", async () => {
    const inv = await inventory();
    const store = await openStore({ dataDir: undefined, schema: "ingest_week" });
    stores.push(store);
    const batches = Array.from({ length: 7 }, (_, i) =>
      events(45, "d", "203.0.113.10", `${addDays("2026-11-23", i)}T09:00:00Z`),
    );
    const read = reader(batches);
    for (let i = 0; i < 7; i++) {
      const day = addDays("2026-11-23", i);
      await ingestAccounting({
        store,
        host: "pmta",
        inventory: inv,
        now: new Date(`${day}T20:00:00Z`),
        read,
      });
      for (const v of closeDay(inv, await store.ledger.list(), day))
        await store.ledger.judge(v.ip, v.day, v.verdict, v.reason, v.quota);
    }
    const rows = await store.ledger.list({ ip: "203.0.113.10" });
    expect(rows.map((r) => r.verdict)).toEqual(Array(7).fill("advance"));
    const byIp = new Map([["203.0.113.10", rows.map((r) => ({ date: r.day, verdict: r.verdict }))]]);
    expect(warmupTable(inv, byIp, "2026-11-30").find((r) => r.vmta === "pmta-vmta0")).toMatchObject({
      day: 8,
      quota: 200,
    });
    // An IP that sent nothing was held every day, not advanced.
    expect((await store.ledger.list({ ip: "203.0.113.12" })).every((r) => r.verdict === "hold")).toBe(true);
  });
});

describe("suppression from the accounting records (integration)", () => {
  it("suppresses hard-bounced recipients for everyone and complainers for the sending tenant, once", async () => {
    const inv = await inventory();
    const store = await openStore({ dataDir: undefined, schema: "ingest_suppress" });
    stores.push(store);
    const to =
      (email: string) =>
      (e: AcctEvent): AcctEvent => ({ ...e, recipient: email });
    const at = "2026-11-24T10:00:00Z";
    const batch = [
      ...events(1, "hard", "203.0.113.10", at).map(to("gone@acme.test")),
      ...events(1, "soft", "203.0.113.10", at).map(to("full@acme.test")),
      ...events(1, "f", "203.0.113.11", at).map(to("angry@acme.test")),
      ...events(1, "d", "203.0.113.10", at).map(to("fine@acme.test")),
      // The same hard bounce again (a remote DSN after the refusal): still one entry.
      ...events(1, "hard", "203.0.113.12", at).map(to("gone@acme.test")),
    ];
    const result = await ingestAccounting({
      store,
      host: "pmta",
      inventory: inv,
      now: new Date("2026-11-24T20:00:00Z"),
      read: reader([batch]),
    });
    expect(result.suppressed).toBe(3);
    const tenantOf = (ip: string) => inv.domains[inv.ips.find((i) => i.address === ip)!.domain]!.tenant;
    expect(await isSuppressed(store.sql, "gone@acme.test", "ulixai")).toMatchObject({
      scope: "*",
      reason: "hard-bounce",
      source: "pmta-accounting",
    });
    expect(await isSuppressed(store.sql, "angry@acme.test", tenantOf("203.0.113.11"))).toMatchObject({
      scope: tenantOf("203.0.113.11"),
      reason: "complaint",
    });
    const other = tenantOf("203.0.113.11") === "ulixai" ? "sos-expat" : "ulixai";
    expect(await isSuppressed(store.sql, "angry@acme.test", other)).toBeUndefined();
    expect(await isSuppressed(store.sql, "full@acme.test")).toBeUndefined();
    expect(await isSuppressed(store.sql, "fine@acme.test")).toBeUndefined();
    const [count] = await store.sql.query<{ n: string }>("SELECT count(*) AS n FROM suppression");
    expect(Number(count?.n)).toBe(2);
  });
});
