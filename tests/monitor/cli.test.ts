// `check dns` and `check blocklists` record the day's verdicts and the ledger's listed flags (embedded
// store in a data directory, fixture inventory, local DNS server).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBlocklistsCommand, checkDnsCommand } from "../../reconciler/cli/check.ts";
import type { CliEnvironment } from "../../reconciler/cli/context.ts";
import type { Output } from "../../reconciler/cli/output.ts";
import { MonitorVerdicts } from "../../reconciler/monitor/repository.ts";
import { openStore } from "../../reconciler/store/index.ts";
import { list, testSettings } from "../blocklists/rbl.ts";
import { dkimTxt, rsaKey } from "../dns/zone.ts";
import { BASE_INVENTORY } from "../helpers/inventory.ts";
import { keys, server, useMonitorHarness } from "./harness.ts";

useMonitorHarness();

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "ee-monitor-cli-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => lines.push(t), err: (t) => lines.push(t) };
}

async function setUp(name: string): Promise<{ env: CliEnvironment; keyDir: string; dataDir: string }> {
  const keyDir = join(work, name, "keys");
  await mkdir(keyDir, { recursive: true });
  for (const [n, pem] of keys) await writeFile(join(keyDir, `${n}.pem`), pem);
  const dataDir = join(work, name, "data");
  // 23:30 UTC is already the 25th in Europe/Paris.
  return {
    env: { now: () => new Date("2026-11-24T23:30:00Z"), databaseUrl: undefined, dataDir },
    keyDir,
    dataDir,
  };
}

async function stored(dataDir: string) {
  const store = await openStore({ dataDir });
  try {
    const rows = await new MonitorVerdicts(store.sql).forDay("2026-11-25");
    const ledger = await store.ledger.list();
    return {
      verdicts: rows.filter((r) => r.verdict !== "clear").map((r) => `${r.subject} ${r.source} ${r.verdict}`),
      clear: rows.filter((r) => r.verdict === "clear").length,
      ledger: ledger.map((r) => `${r.ip} ${r.day} listed=${r.listed}`),
    };
  } finally {
    await store.close();
  }
}

describe("check commands feed the gates", () => {
  it("check dns records the domain's failing authentication for the local day and marks its IP", async () => {
    const { env, keyDir, dataDir } = await setUp("dns");
    const out = capture();
    server.set("ee1._domainkey.ulixai-mail.com", "TXT", [dkimTxt(rsaKey(1024).p)]);
    const code = await checkDnsCommand(
      { inventory: BASE_INVENTORY, resolver: server.address, dkimKeys: keyDir },
      env,
      out,
    );
    expect(code).toBe(1);
    expect(out.lines.filter((l) => /^(ip|domain) /.test(l))).toEqual([
      "domain ulixai-mail.com: pause",
      "ip 203.0.113.11: pause",
    ]);
    expect(await stored(dataDir)).toEqual({
      verdicts: ["ulixai-mail.com dns pause"],
      clear: 9,
      ledger: ["203.0.113.11 2026-11-25 listed=true"],
    });
  });

  it("check blocklists records listings as verdicts and marks the IPs listed", async () => {
    const { env, dataDir } = await setUp("blocklists");
    const out = capture();
    list(server, "spamhaus-zen", "203.0.113.12", "127.0.0.3");
    list(server, "mailspike", "203.0.113.13", "127.0.0.12");
    const code = await checkBlocklistsCommand(
      { inventory: BASE_INVENTORY, resolver: server.address, blocklists: testSettings() },
      env,
      out,
    );
    expect(code).toBe(1);
    expect(out.lines.filter((l) => /^(ip|domain) /.test(l))).toEqual([
      "ip 203.0.113.12: pause",
      "ip 203.0.113.13: hold",
    ]);
    expect(await stored(dataDir)).toEqual({
      verdicts: ["203.0.113.12 blocklists pause", "203.0.113.13 blocklists hold"],
      clear: 8,
      ledger: ["203.0.113.12 2026-11-25 listed=true", "203.0.113.13 2026-11-25 listed=true"],
    });
  });
});
