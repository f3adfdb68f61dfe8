// `check dns` and `check blocklists` end to end: fixture inventory, local DNS server, embedded store.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { blocklistSettingsOf, checkBlocklistsCommand, checkDnsCommand } from "../../reconciler/cli/check.ts";
import { activeBlocklists } from "../../reconciler/blocklists/lists.ts";
import type { CliEnvironment } from "../../reconciler/cli/context.ts";
import type { Output } from "../../reconciler/cli/output.ts";
import { BlocklistHistory } from "../../reconciler/blocklists/history.ts";
import { ConfigError } from "../../reconciler/errors.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import { openStore } from "../../reconciler/store/index.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import { BASE_INVENTORY } from "../helpers/inventory.ts";
import { TestDnsServer } from "../peers/dns-server.ts";
import { list, publishTestEntries, testSettings } from "../blocklists/rbl.ts";
import { publishInventory, rsaKey } from "./zone.ts";

let server: TestDnsServer;
let inventory: Inventory;
let work: string;
let keyDir: string;
const key = rsaKey(2048);

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

function env(): CliEnvironment {
  return { now: () => new Date("2026-11-24T10:00:00Z"), databaseUrl: undefined, dataDir: join(work, "data") };
}

beforeAll(async () => {
  server = await TestDnsServer.start();
  const result = await validateInventoryDir(BASE_INVENTORY);
  if (!result.inventory) throw new Error("fixture inventory invalid");
  inventory = result.inventory;
  work = await mkdtemp(join(tmpdir(), "ee-check-"));
  keyDir = join(work, "keys");
  await mkdir(keyDir);
  for (const [name, pem] of publishInventory(server, inventory, key))
    await writeFile(join(keyDir, `${name}.pem`), pem);
});
afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});
beforeEach(() => {
  server.clear();
  publishInventory(server, inventory, key);
  publishTestEntries(server);
});

describe("email-engine check dns", () => {
  it("all good: exit 0, JSON has one object per finding with subject, check, status, detail", async () => {
    const out = capture();
    const code = await checkDnsCommand(
      { inventory: BASE_INVENTORY, resolver: server.address, json: true, dkimKeys: keyDir },
      env(),
      out,
    );
    expect(code).toBe(0);
    const findings = JSON.parse(out.stdout.join("\n")) as {
      subject: string;
      check: string;
      status: string;
      detail: string;
    }[];
    expect(findings).toHaveLength(70);
    expect(findings.every((f) => f.status === "ok")).toBe(true);
    expect(Object.keys(findings[0]!).sort()).toEqual([
      "check",
      "detail",
      "domain",
      "expected",
      "fix",
      "seen",
      "severity",
      "status",
      "subject",
    ]);
  });

  it("a failing check: exit 1 and a table with the fix", async () => {
    server.set("sos-mail.com", "TXT", [["v=spf1 ip4:203.0.113.99 -all"]]);
    const out = capture();
    const code = await checkDnsCommand(
      { inventory: BASE_INVENTORY, resolver: server.address, dkimKeys: keyDir },
      env(),
      out,
    );
    expect(code).toBe(1);
    const text = out.stdout.join("\n");
    expect(text).toContain(`DNS checks against ${server.address}`);
    expect(text).toContain(
      "fix 203.0.113.10 spf.authorizes: add ip4:203.0.113.10 to the SPF record of sos-mail.com",
    );
    expect(out.stdout.at(-1)).toBe("70 checks: 69 ok, 0 warn, 1 fail, 0 could not check");
  });

  it("no resolver anywhere is a configuration error; so is a resolver name", async () => {
    await expect(checkDnsCommand({ inventory: BASE_INVENTORY }, env(), capture())).rejects.toThrow(
      new ConfigError(
        "no DNS resolver configured: give --resolver HOST:PORT or set monitoring.resolvers in the inventory",
      ),
    );
    await expect(
      checkDnsCommand({ inventory: BASE_INVENTORY, resolver: "dns.google:53" }, env(), capture()),
    ).rejects.toThrow(/invalid resolver "dns.google:53"/);
  });
});

describe("email-engine check blocklists", () => {
  it("nothing listed: exit 0; a listing: exit 1, JSON per finding, stored with history", async () => {
    const clean = capture();
    const options = { inventory: BASE_INVENTORY, resolver: server.address, blocklists: testSettings() };
    expect(await checkBlocklistsCommand(options, env(), clean)).toBe(0);
    expect(clean.stdout.at(-1)).toBe("65 checks: 0 listed, 0 could not check");

    list(server, "spamhaus-zen", "203.0.113.10", "127.0.0.4");
    list(server, "spamhaus-dbl", "sos-mail.com", "127.0.1.2");
    list(server, "spamhaus-zen", "203.0.113.11", "127.255.255.254");
    const out = capture();
    expect(await checkBlocklistsCommand({ ...options, json: true }, env(), out)).toBe(1);
    const findings = JSON.parse(out.stdout.join("\n")) as {
      subject: string;
      check: string;
      status: string;
    }[];
    expect(
      findings.filter((f) => f.status !== "ok").map((f) => `${f.subject} ${f.check} ${f.status}`),
    ).toEqual([
      "sos-mail.com blocklist.spamhaus-dbl listed",
      "203.0.113.10 blocklist.spamhaus-zen listed",
      "203.0.113.11 blocklist.spamhaus-zen error",
    ]);

    const store = await openStore({ dataDir: join(work, "data") });
    try {
      const open = await new BlocklistHistory(store.sql).open();
      expect(open.map((e) => `${e.subject} ${e.list} ${e.startedAt.toISOString()}`)).toEqual([
        "203.0.113.10 spamhaus-zen 2026-11-24T10:00:00.000Z",
        "sos-mail.com spamhaus-dbl 2026-11-24T10:00:00.000Z",
      ]);
    } finally {
      await store.close();
    }
  });

  it("table output names the verdicts for the gates", async () => {
    list(server, "uceprotect-1", "203.0.113.12", "127.0.0.2");
    const out = capture();
    const code = await checkBlocklistsCommand(
      {
        inventory: BASE_INVENTORY,
        resolver: server.address,
        blocklists: testSettings(),
      },
      env(),
      out,
    );
    expect(code).toBe(1);
    expect(out.stdout).toContain("ip 203.0.113.12: hold");
  });

  it("DQS keys come from secret references; a missing secret names its variable, not a value", async () => {
    const file = join(work, "abusix.key");
    await writeFile(file, "abcdef0123456789\n");
    const settings = await blocklistSettingsOf(
      {
        blocklists: {
          disabled: ["barracuda"],
          keys: { "spamhaus-zen": { env: "DQS_KEY" }, abusix: { file } },
        },
      },
      { DQS_KEY: "0123456789abcdef" },
    );
    expect(settings).toEqual({
      disabled: ["barracuda"],
      keys: { "spamhaus-zen": "0123456789abcdef", abusix: "abcdef0123456789" },
      zones: {},
    });
    const zones = activeBlocklists(settings).map((l) => l.zone);
    expect(zones).toContain("0123456789abcdef.zen.dq.spamhaus.net");
    expect(zones).toContain("abcdef0123456789.combined.mail.abusix.zone");
    await expect(
      blocklistSettingsOf({ blocklists: { keys: { "spamhaus-zen": { env: "DQS_KEY" } } } }, {}),
    ).rejects.toThrow(
      new ConfigError("monitoring.blocklists.keys.spamhaus-zen: environment variable DQS_KEY is not set"),
    );
  });
});
