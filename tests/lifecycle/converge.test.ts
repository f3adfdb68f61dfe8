// Each lifecycle transition converges through plan → apply into the PowerMTA fixture host (over real
// sshd) and the MailWizz emulator's delivery servers: a gates' quarantine takes the IP out of the pool
// and MailWizz, a resting IP comes back on day 1, a standby IP takes traffic only once an operator
// promotes it, and the quarantine's release brings the IP back through a new warm-up from day 1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ipDecisionCommand } from "../../reconciler/cli/ip.ts";
import { IpEvents } from "../../reconciler/lifecycle/events.ts";
import { at, startPlatform } from "../e2e/platform.ts";
import type { Platform } from "../e2e/platform.ts";
import { acctRecord, vmtaBlock } from "../e2e/support.ts";
import { join } from "node:path";

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform({
    inventory: [
      // A small minimum sample so one day of 50 messages is judged.
      { file: "warmup.yaml", replace: "minSample: 200", with: "minSample: 20" },
      {
        file: "ips.yaml",
        replace: "    vmta: pmta-vmta2\n    server: pmta\n",
        with: "    vmta: pmta-vmta2\n    server: pmta\n    state: resting\n    until: 2026-11-26\n",
      },
      {
        file: "ips.yaml",
        replace: "    vmta: pmta-vmta3\n    server: pmta\n    warmup: { start: 2026-11-30 }",
        with: "    vmta: pmta-vmta3\n    server: pmta\n    state: standby\n    warmup: { start: 2026-11-23 }",
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  await platform?.close();
});

async function tick(day: string): Promise<void> {
  const run = await platform.run("run", { now: at(day) });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
}

async function seen(vmta: string): Promise<{ pmta: string; inPool: boolean; mailwizz: string }> {
  const config = await platform.liveConfig();
  const pool = /<virtual-mta-pool pmta-pool>([\s\S]*?)<\/virtual-mta-pool>/.exec(config)?.[1] ?? "";
  const server = (await platform.deliveryServers()).find((s) => s.name === `ee-${vmta}`);
  return {
    pmta: /^\s*max-smtp-msg-rate (\S+)/m.exec(vmtaBlock(config, vmta))?.[1] ?? "(none)",
    inPool: new RegExp(`virtual-mta ${vmta}\\b`).test(pool),
    mailwizz: server ? `${server.daily_quota} ${server.status}` : "(none)",
  };
}

describe("lifecycle transitions converge into PowerMTA and MailWizz", () => {
  it("quarantine, rest, standby promotion and release", async () => {
    await tick("2026-11-24");
    expect(await seen("pmta-vmta0")).toEqual({ pmta: "50/d", inPool: true, mailwizz: "50 active" });
    // Resting and standby: out of the pool, capped, MailWizz inactive.
    expect(await seen("pmta-vmta2")).toEqual({ pmta: "1/d", inPool: false, mailwizz: "0 inactive" });
    expect(await seen("pmta-vmta3")).toEqual({ pmta: "1/d", inPool: false, mailwizz: "0 inactive" });

    // A day with 12 % hard bounces on vmta0: the legacy emergency (24 h > 5 %) quarantines it.
    const rows: string[] = [];
    for (let n = 0; n < 50; n++) {
      const time = `2026-11-24 09:${String(n).padStart(2, "0")}:00`;
      rows.push(acctRecord(n < 6 ? "b" : "d", time, "203.0.113.10", "pmta-vmta0", n));
      rows.push(acctRecord("d", time, "203.0.113.11", "pmta-vmta1", n));
    }
    await platform.appendAccounting(rows);
    await tick("2026-11-25");
    expect(await seen("pmta-vmta0")).toEqual({ pmta: "1/d", inPool: false, mailwizz: "0 inactive" });
    expect(await seen("pmta-vmta1")).toEqual({ pmta: "50/d", inPool: true, mailwizz: "50 active" });
    const events = await platform.records((_, store) => new IpEvents(store.sql).list("203.0.113.10"));
    const quarantine = events.find((e) => e.kind === "quarantine");
    expect(quarantine).toMatchObject({ actor: "gates", day: "2026-11-24" });
    expect(quarantine?.reason).toMatch(/^emergency: hard bounces 12 % > 5 % on 2026-11-24 \(6 of 50\)/);
    expect(quarantine?.until?.toISOString()).toBe("2026-12-25T10:00:00.000Z");

    // The standby IP takes traffic only after an operator's promote, recorded with who and why.
    await tick("2026-11-25");
    expect((await seen("pmta-vmta3")).inPool).toBe(false);
    let out = "";
    const output = { out: (t: string) => (out += `${t}\n`), err: (t: string) => (out += `${t}\n`) };
    const env = { now: at("2026-11-25"), databaseUrl: undefined, dataDir: join(platform.home, "data") };
    // The operator's checkout of the inventory (the platform's working clone).
    const inventory = join(platform.origin, "..", "work", "inventory");
    const code = await ipDecisionCommand(
      "promote",
      "203.0.113.13",
      { inventory, by: "alice", reason: "vmta0 quarantined", dataDir: env.dataDir },
      env,
      output,
    );
    expect(code, out).toBe(0);
    await tick("2026-11-25");
    expect(await seen("pmta-vmta3")).toEqual({ pmta: "50/d", inPool: true, mailwizz: "50 active" });
    const promote = await platform.records((_, store) => new IpEvents(store.sql).list("203.0.113.13"));
    expect(promote.find((e) => e.kind === "promote")).toMatchObject({
      actor: "operator:alice",
      reason: "vmta0 quarantined",
    });

    // The rest ends on 2026-11-26: back in the pool on day 1 of a new warm-up.
    await tick("2026-11-26");
    expect(await seen("pmta-vmta2")).toEqual({ pmta: "50/d", inPool: true, mailwizz: "50 active" });

    // The quarantine runs out on 2026-12-25: a release is recorded and vmta0 restarts from day 1.
    await tick("2026-12-26");
    expect(await seen("pmta-vmta0")).toEqual({ pmta: "50/d", inPool: true, mailwizz: "50 active" });
    const after = await platform.records((_, store) => new IpEvents(store.sql).list("203.0.113.10"));
    expect(after.find((e) => e.kind === "release")).toMatchObject({
      actor: "gates",
      at: new Date("2026-12-25T10:00:00Z"),
    });
  }, 120_000);
});
