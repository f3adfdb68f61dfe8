// email-engine contacts validate, run in-process: table and JSON lines, the summary on stderr, deep mode
// from flags or from the inventory's contacts.verification, and clear errors for bad usage.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../../helpers/cli.ts";
import { inventoryWith } from "../../helpers/inventory.ts";
import type { TestDnsServer } from "../../peers/dns-server.ts";
import { ScriptedSmtpServer } from "../../peers/smtp-server.ts";
import { startContactDns } from "./dns-fixture.ts";

const ADDRESSES = [
  "# a comment, then a blank line",
  "",
  "alice@example.com",
  "info@example.com",
  "bob@gmial.com",
  "alice@nowhere.example",
  "not an address",
  "  carol@EXAMPLE.com  ",
].join("\r\n");

describe("cli: contacts validate", () => {
  let dns: TestDnsServer;
  let smtp: ScriptedSmtpServer;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dns = await startContactDns();
    dns.set("mx.example.com", "A", ["127.0.0.1"]);
    smtp = await ScriptedSmtpServer.start();
    dir = await mkdtemp(join(tmpdir(), "ee-validate-"));
    file = join(dir, "addresses.txt");
    await writeFile(file, ADDRESSES);
  });
  afterAll(async () => {
    await smtp.close();
    await dns.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("prints one JSON object per address and the summary on stderr", async () => {
    const run = await cli(["contacts", "validate", file, "--resolver", dns.address, "--json"]);
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.email, r.status, r.reason])).toEqual([
      ["alice@example.com", "safe", "ok"],
      ["info@example.com", "risky", "role"],
      ["bob@gmial.com", "risky", "typo"],
      ["alice@nowhere.example", "invalid", "nxdomain"],
      ["not an address", "invalid", "syntax"],
      ["carol@example.com", "safe", "ok"],
    ]);
    expect(rows.every((r) => typeof r.confidence === "number")).toBe(true);
    expect(rows[2]).toMatchObject({ details: { suggestion: "bob@gmail.com" } });
    expect(JSON.parse(run.stderr)).toEqual({
      summary: {
        total: 6,
        status: { safe: 2, risky: 2, invalid: 2, unknown: 0 },
        reason: { nxdomain: 1, ok: 2, role: 1, syntax: 1, typo: 1 },
      },
    });
  });

  it("prints a table with the suggestion column", async () => {
    const run = await cli(["contacts", "validate", file, "--resolver", dns.address]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^EMAIL\s+STATUS\s+REASON\s+CONF\s+SUGGESTION$/);
    expect(lines).toHaveLength(7);
    expect(lines[3]).toMatch(/^bob@gmial\.com\s+risky\s+typo\s+0\.60\s+bob@gmail\.com$/);
    expect(run.stderr).toBe(
      "6 addresses: safe 2, risky 2, invalid 2, unknown 0; reasons: nxdomain 1, ok 2, role 1, syntax 1, typo 1\n",
    );
  });

  it("probes mailboxes with --deep, the identity from the flags", async () => {
    smtp.reset().set("alice@example.com", "accept").set("carol@example.com", "greylist");
    const run = await cli([
      "contacts",
      "validate",
      file,
      "--json",
      "--deep",
      "--resolver",
      dns.address,
      "--smtp-port",
      String(smtp.port),
      "--allow-private",
      "--helo-name",
      "verify.engine-test.example",
      "--mail-from",
      "bounce@engine-test.example",
    ]);
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.email, r.reason])).toEqual([
      ["alice@example.com", "ok"],
      ["info@example.com", "mailbox_unknown"],
      ["bob@gmial.com", "typo"],
      ["alice@nowhere.example", "nxdomain"],
      ["not an address", "syntax"],
      ["carol@example.com", "greylisted"],
    ]);
    expect(rows[5]).toMatchObject({ status: "unknown", details: { retryAt: "2026-11-24T10:15:00.000Z" } });
    expect(smtp.heloNames.every((h) => h === "verify.engine-test.example")).toBe(true);
  });

  it("takes the identity from the inventory's contacts.verification", async () => {
    smtp.reset().set("alice@example.com", "accept");
    const inventory = await inventoryWith([
      {
        file: "contacts.yaml",
        content: `contacts:\n  verification:\n    heloName: verify.engine-test.example\n    mailFrom: probe@engine-test.example\n    port: ${smtp.port}\n    commandTimeoutSeconds: 2\n`,
      },
    ]);
    const one = join(dir, "one.txt");
    await writeFile(one, "alice@example.com\n");
    const run = await cli([
      "contacts",
      "validate",
      one,
      "--json",
      "--deep",
      "--inventory",
      inventory,
      "--resolver",
      dns.address,
      "--allow-private",
    ]);
    expect(run.stderr).toContain('"total":1');
    expect(JSON.parse(run.stdout)).toMatchObject({ status: "safe", reason: "ok" });
    expect(smtp.mailFrom).toEqual(["probe@engine-test.example"]);
  });

  it("refuses a HELO name that is a sending IP's hostname", async () => {
    const run = await cli([
      "contacts",
      "validate",
      file,
      "--deep",
      "--resolver",
      dns.address,
      "--inventory",
      await inventoryWith([]),
      "--helo-name",
      "mail1.sos-mail.com",
      "--mail-from",
      "bounce@sos-mail.com",
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/mail1\.sos-mail\.com is the hostname of sending IP/);
  });

  it("asks for an identity when --deep has none", async () => {
    const run = await cli([
      "contacts",
      "validate",
      file,
      "--deep",
      "--resolver",
      dns.address,
      "--inventory",
      await inventoryWith([]),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/deep validation needs the verification host's identity/);
    expect(run.stderr).toMatch(/--helo-name/);
  });

  it("says what is wrong with a missing file, a bad resolver or a bad port", async () => {
    const missing = await cli(["contacts", "validate", join(dir, "nope.txt"), "--resolver", dns.address]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.txt.*one per line/);
    const resolver = await cli(["contacts", "validate", file, "--resolver", "dns.google"]);
    expect(resolver.code).toBe(1);
    expect(resolver.stderr).toMatch(/invalid resolver "dns\.google"/);
    const port = await cli([
      "contacts",
      "validate",
      file,
      "--deep",
      "--resolver",
      dns.address,
      "--smtp-port",
      "99999",
      "--helo-name",
      "verify.engine-test.example",
      "--mail-from",
      "bounce@engine-test.example",
    ]);
    expect(port.code).toBe(1);
    expect(port.stderr).toMatch(/--smtp-port "99999" is not a port/);
    expect(`${missing.stderr}${resolver.stderr}${port.stderr}`).not.toMatch(/\n\s+at /);
  });
});
