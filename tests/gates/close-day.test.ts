import { describe, expect, it } from "vitest";
import { closeDay } from "../../reconciler/gates/close-day.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import type { MonitorSignals } from "../../reconciler/monitor/signals.ts";
import type { LedgerRow } from "../../reconciler/store/ledger.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import { EXAMPLE_INVENTORY } from "../helpers/inventory.ts";

const inventory = async (): Promise<Inventory> => (await validateInventoryDir(EXAMPLE_INVENTORY)).inventory!;
const row = (ip: string, day: string, sent: number): LedgerRow => ({
  ip,
  day,
  quota: 50,
  sent,
  bounced: 0,
  complained: 0,
  deferred: 0,
  listed: false,
  verdict: null,
  reason: null,
});
const signal = (over: Partial<MonitorSignals>): MonitorSignals => ({
  listed: false,
  listedPause: false,
  authFail: false,
  authUnproven: false,
  reasons: [],
  ...over,
});

describe("closing a day (pure)", () => {
  it("judges every started IP with an address, skips the pending ones and days already judged", async () => {
    const inv = await inventory();
    const ledger = [
      row("203.0.113.10", "2026-11-24", 45),
      { ...row("203.0.113.11", "2026-11-24", 45), verdict: "advance" as const },
    ];
    const verdicts = closeDay(inv, ledger, "2026-11-24");
    expect(verdicts.map((v) => [v.ip, v.verdict])).toEqual([
      ["203.0.113.10", "advance"],
      ["203.0.113.12", "hold"],
    ]);
  });

  it("monitor signals: a pause-severity listing or failing authentication pauses, with the monitors' reason", async () => {
    const inv = await inventory();
    const ledger = [row("203.0.113.10", "2026-11-24", 45), row("203.0.113.12", "2026-11-24", 45)];
    const signals = new Map([
      [
        "203.0.113.10",
        signal({
          listed: true,
          listedPause: true,
          authFail: true,
          reasons: ["sos-mail.com: DKIM key differs from the key held"],
        }),
      ],
      ["203.0.113.12", signal({ listed: true, reasons: ["listed on psbl"] })],
    ]);
    const verdicts = closeDay(inv, ledger, "2026-11-24", signals);
    expect(verdicts.find((v) => v.ip === "203.0.113.10")).toMatchObject({
      verdict: "pause",
      reason: "listed on a blocklist that stops sending (sos-mail.com: DKIM key differs from the key held)",
    });
    expect(verdicts.find((v) => v.ip === "203.0.113.12")).toMatchObject({
      verdict: "hold",
      reason: "listed on a blocklist (listed on psbl)",
    });
  });
});
