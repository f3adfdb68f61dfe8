// The warm-up loop over simulated days: each local day the test writes that day's accounting records
// (one per message, from the IPs' addresses) on the PowerMTA host, and the next day's tick ingests them,
// judges the finished day and moves the quota in PowerMTA's config and MailWizz's delivery servers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { runCommand } from "../../reconciler/cli/run.ts";
import { at, startPlatform } from "./platform.ts";
import { acctRecord, until, vmtaBlock } from "./support.ts";
import type { Platform } from "./platform.ts";

// vmta3 and vmta4 start later: only these three send during the test.
const SENDING = [
  { ip: "203.0.113.10", vmta: "pmta-vmta0" },
  { ip: "203.0.113.11", vmta: "pmta-vmta1" },
  { ip: "203.0.113.12", vmta: "pmta-vmta2" },
] as const;

let platform: Platform;
beforeAll(async () => {
  // The smooth schedule moves every advancing day (six-weeks keeps 50 for a week).
  platform = await startPlatform({
    inventory: [
      { file: "platform.yaml", replace: "schedule: six-weeks", with: "schedule: smooth-six-weeks" },
    ],
  });
}, 60_000);
afterAll(async () => {
  await platform?.close();
});

interface Quotas {
  readonly pmta: Map<string, string>;
  readonly mailwizz: Map<string, { daily: number; status: string }>;
}

async function quotas(): Promise<Quotas> {
  const config = await platform.liveConfig();
  const servers = await platform.deliveryServers();
  return {
    pmta: new Map(
      SENDING.map(({ vmta }) => [
        vmta,
        /^\s*max-smtp-msg-rate (\S+)/m.exec(vmtaBlock(config, vmta))?.[1] ?? "(none)",
      ]),
    ),
    mailwizz: new Map(
      SENDING.map(({ vmta }) => {
        const row = servers.find((s) => s.name === `ee-${vmta}`);
        return [vmta, { daily: row?.daily_quota ?? -1, status: row?.status ?? "(none)" }];
      }),
    ),
  };
}

/** A day of traffic: each sending IP sends its quota; `bounces` of them hard-bounce on vmta0. */
async function sendDay(day: string, q: Quotas, bounces = 0): Promise<void> {
  const rows: string[] = [];
  for (const { ip, vmta } of SENDING) {
    const sent = q.mailwizz.get(vmta)!.daily;
    for (let n = 0; n < sent; n++) {
      const kind = vmta === "pmta-vmta0" && n < bounces ? "b" : "d";
      const time = `${day} ${String(9 + Math.floor(n / 60)).padStart(2, "0")}:${String(n % 60).padStart(2, "0")}:00`;
      rows.push(acctRecord(kind, time, ip, vmta, n));
    }
  }
  await platform.appendAccounting(rows);
}

async function tick(day: string): Promise<void> {
  const run = await platform.run("run", { now: at(day) });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
}

/** One tick of the daemon proper (`run` without --once): its /metrics and /api/v1/status after it. */
async function daemonTick(day: string): Promise<{ metrics: string; status: unknown }> {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let out = "";
  const output = { out: (t: string) => (out += `${t}\n`), err: (t: string) => (out += `${t}\n`) };
  const env = {
    now: at(day),
    databaseUrl: undefined,
    dataDir: join(platform.home, "data"),
    home: platform.home,
    secrets: platform.secrets,
  };
  const daemon = runCommand(
    { ...platform.options, listen: "127.0.0.1:0", interval: "3600" },
    env,
    output,
    stopped,
  );
  try {
    await until(
      () => `the daemon's first tick (${out})`,
      () => Promise.resolve(/Plan: /.test(out)),
    );
    const base = /HTTP API on (http:\/\/\S+?)\/? /.exec(out)?.[1];
    expect(base, out).toBeDefined();
    const metrics = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const status = await (await fetch(`${base}/api/v1/status`, { signal: AbortSignal.timeout(5000) })).json();
    return { metrics, status };
  } finally {
    stop();
    expect(await daemon).toBe(0);
    expect(out).not.toMatch(/tick (stalled|transient|internal)/);
  }
}

describe("warm-up over simulated days", () => {
  it("healthy days advance the quota in both systems; 6 % hard bounces pause only that IP", async () => {
    const days = ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"];
    await tick(days[0]!);
    const seen: Quotas[] = [await quotas()];
    for (const { vmta } of SENDING) {
      expect(seen[0]!.pmta.get(vmta)).toBe(`${seen[0]!.mailwizz.get(vmta)!.daily}/d`);
      expect(seen[0]!.mailwizz.get(vmta)!.status).toBe("active");
    }
    // Three healthy days: each next day's quota is higher, the same in PowerMTA and MailWizz.
    for (let d = 1; d <= 3; d++) {
      await sendDay(days[d - 1]!, seen[d - 1]!);
      await tick(days[d]!);
      seen.push(await quotas());
      for (const { vmta } of SENDING) {
        const before = seen[d - 1]!.mailwizz.get(vmta)!.daily;
        const now = seen[d]!.mailwizz.get(vmta)!.daily;
        expect(now, `${vmta} on ${days[d]}`).toBeGreaterThan(before);
        expect(seen[d]!.pmta.get(vmta)).toBe(`${now}/d`);
      }
    }
    // A day with 6 % hard bounces on vmta0.
    const q3 = seen[3]!;
    const sent = q3.mailwizz.get("pmta-vmta0")!.daily;
    const bounces = Math.ceil(0.06 * sent);
    await sendDay(days[3]!, q3, bounces);
    const served = await daemonTick(days[4]!);
    const q4 = await quotas();
    expect(q4.mailwizz.get("pmta-vmta0")).toEqual({ daily: 0, status: "inactive" });
    expect(vmtaBlock(await platform.liveConfig(), "pmta-vmta0")).toMatch(/max-smtp-msg-rate 1\/d.*paused/);
    for (const vmta of ["pmta-vmta1", "pmta-vmta2"]) {
      expect(q4.mailwizz.get(vmta)!.daily).toBeGreaterThan(q3.mailwizz.get(vmta)!.daily);
      expect(q4.mailwizz.get(vmta)!.status).toBe("active");
      expect(q4.pmta.get(vmta)).toBe(`${q4.mailwizz.get(vmta)!.daily}/d`);
    }

    const ledger = await platform.records((_, store) => store.ledger.list({ from: days[0], to: days[4] }));
    const verdicts = ledger.map((r) => [r.ip, r.day, r.sent, r.bounced, r.verdict]);
    expect(verdicts).toContainEqual(["203.0.113.10", days[3], sent, bounces, "pause"]);
    const paused = ledger.find((r) => r.ip === "203.0.113.10" && r.day === days[3]);
    expect(paused?.reason).toMatch(/^hard bounces \d+(\.\d+)? % ≥ 5 %$/);
    expect(ledger.filter((r) => r.verdict === "pause")).toHaveLength(1);
    expect(ledger.filter((r) => r.verdict === "advance")).toHaveLength(3 * 3 + 2);
    const status = await platform.records((r) => r.getStatus("platform"));
    expect(status).toMatchObject({ state: "ready", reason: "ReconciliationSucceeded" });

    // The daemon's HTTP API says the same: only vmta0 paused, at quota 0.
    const state = (ip: string, vmta: string, s: string) =>
      `email_engine_ip_state{ip="${ip}",vmta="${vmta}",state="${s}"} 1`;
    expect(served.metrics).toContain(state("203.0.113.10", "pmta-vmta0", "paused"));
    expect(served.metrics).toContain(
      'email_engine_ip_daily_quota{ip="203.0.113.10",vmta="pmta-vmta0",domain="sos-mail.com"} 0',
    );
    expect(served.metrics.match(/^email_engine_ip_state\{[^}]*state="paused"} 1$/gm)).toHaveLength(1);
    // The lifecycle state says the same (a day's pause verdict, no gates' window crossed).
    expect(served.metrics).toContain(
      'email_engine_ip_lifecycle_state{ip="203.0.113.10",vmta="pmta-vmta0",state="paused"} 1',
    );
    expect(served.metrics.match(/^email_engine_ip_lifecycle_state\{[^}]*state="paused"} 1$/gm)).toHaveLength(
      1,
    );
    expect(served.metrics).not.toContain(state("203.0.113.11", "pmta-vmta1", "paused"));
    expect(served.status).toMatchObject({ targets: [{ target: "platform", state: "ready", ready: true }] });
  }, 120_000);
});
