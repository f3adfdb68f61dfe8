import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { openStore } from "../../reconciler/store/index.ts";
import { cli, tempDataDir } from "../helpers/cli.ts";
import { EXAMPLE_INVENTORY, inventoryWith } from "../helpers/inventory.ts";

const run = promisify(execFile);

describe("email-engine validate (integration)", () => {
  it("exits 0 with a one-line summary on the example", async () => {
    const r = await cli(["validate", "--inventory", EXAMPLE_INVENTORY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${EXAMPLE_INVENTORY}: valid (10 files: 3 servers, 5 domains, 5 IPs, 3 schedules, 2 tenants; 8 warnings)\n`,
    );
    expect(r.stderr).toContain(
      "ips.yaml:4:14: ips[0].address: warning: 203.0.113.10 is a documentation address",
    );
  });

  it("exits 1 and prints every error with expected and fix", async () => {
    const dir = await inventoryWith([
      { file: "ips.yaml", replace: "address: 203.0.113.11", with: "address: 10.0.0.11" },
      { file: "ips.yaml", replace: "hostname: mail1.sos-mail.com", with: "hostname: mail1.example.com" },
    ]);
    const r = await cli(["validate", "--inventory", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      "ips.yaml:5:15: ips[0].hostname: hostname mail1.example.com is not under its domain sos-mail.com\n    expected:",
    );
    expect(r.stderr).toContain("ips.yaml:10:14: ips[1].address: 10.0.0.11 is a private address");
    expect(r.stderr).toMatch(/: 2 errors, 5 warnings\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("--json gives the problems as data", async () => {
    const dir = await inventoryWith([
      { file: "ips.yaml", replace: "vmta: pmta-vmta2", with: "vmta: pmta-vmta1" },
    ]);
    const r = await cli(["validate", "--inventory", dir, "--json"]);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as {
      valid: boolean;
      errors: { location: { file: string; line: number }; path: string }[];
    };
    expect(body.valid).toBe(false);
    expect(body.errors.map((e) => [e.location.file, e.location.line, e.path])).toEqual([
      ["ips.yaml", 19, "ips[2].vmta"],
    ]);
  });

  it("a missing directory is a clear error, not a stack trace", async () => {
    const r = await cli(["validate", "--inventory", "/nonexistent/inventory"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: inventory directory not found: /nonexistent/inventory\n    fix: pass --inventory DIR pointing at a directory of YAML files (the example is ./inventory)\n",
    );
  });

  it("an unknown command or option is a usage error (exit 2)", async () => {
    expect((await cli(["frobnicate"])).code).toBe(2);
    const r = await cli(["validate", "--inventroy", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--inventroy'");
  });
});

describe("email-engine warmup (integration)", () => {
  it("prints today's table in the operators' time zone from the embedded store", async () => {
    const r = await cli(["warmup", "--inventory", EXAMPLE_INVENTORY]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("Warm-up on 2026-11-24 (Europe/Paris), ledger: pglite");
    expect(lines[1]).toMatch(/^IP +HOSTNAME +VMTA +DOMAIN +DAY +QUOTA +STATE +LIFECYCLE +REASON$/);
    expect(lines.slice(3, 8).map((l) => l.split(/\s{2,}/).slice(0, 8))).toEqual([
      ["203.0.113.10", "mail1.sos-mail.com", "pmta-vmta0", "sos-mail.com", "1", "50", "warming", "warming"],
      [
        "203.0.113.11",
        "mail1.ulixai-mail.com",
        "pmta-vmta1",
        "ulixai-mail.com",
        "1",
        "50",
        "warming",
        "warming",
      ],
      [
        "203.0.113.12",
        "mail1.expat-services.com",
        "pmta-vmta2",
        "expat-services.com",
        "1",
        "50",
        "warming",
        "warming",
      ],
      [
        "203.0.113.13",
        "mail1.expat-connect.com",
        "pmta-vmta3",
        "expat-connect.com",
        "0",
        "0",
        "pending",
        "pending",
      ],
      [
        "203.0.113.14",
        "mail1.global-expat.com",
        "pmta-vmta4",
        "global-expat.com",
        "0",
        "0",
        "pending",
        "pending",
      ],
    ]);
    expect(lines.at(-1)).toBe("5 IPs, 150 messages/day in all");
  });

  it("--json lists the required fields; the ledger in the store moves the day", async () => {
    const dataDir = await tempDataDir();
    const store = await openStore({ dataDir });
    for (const day of [
      "2026-11-23",
      "2026-11-24",
      "2026-11-25",
      "2026-11-26",
      "2026-11-27",
      "2026-11-28",
      "2026-11-29",
    ]) {
      await store.ledger.judge("203.0.113.10", day, "advance", "healthy", 50);
    }
    await store.ledger.judge("203.0.113.11", "2026-11-29", "pause", "complaints 0.5 % ≥ 0.3 %", 50);
    await store.close();
    const r = await cli(["warmup", "--inventory", EXAMPLE_INVENTORY, "--date", "2026-11-30", "--json"], {
      dataDir,
    });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(
      rows.map((row) => [row.ip, row.hostname, row.vmta, row.domain, row.day, row.quota, row.state]),
    ).toEqual([
      ["203.0.113.10", "mail1.sos-mail.com", "pmta-vmta0", "sos-mail.com", 8, 200, "warming"],
      ["203.0.113.11", "mail1.ulixai-mail.com", "pmta-vmta1", "ulixai-mail.com", 1, 0, "paused"],
      ["203.0.113.12", "mail1.expat-services.com", "pmta-vmta2", "expat-services.com", 1, 50, "warming"],
      ["203.0.113.13", "mail1.expat-connect.com", "pmta-vmta3", "expat-connect.com", 1, 50, "warming"],
      ["203.0.113.14", "mail1.global-expat.com", "pmta-vmta4", "global-expat.com", 1, 50, "warming"],
    ]);
  });

  it("rejects a malformed --date before touching anything", async () => {
    const r = await cli(["warmup", "--inventory", EXAMPLE_INVENTORY, "--date", "2026-13-01"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: --date: "2026-13-01" is not a calendar date\n    expected: YYYY-MM-DD, e.g. 2026-12-01\n',
    );
  });

  it("refuses to print quotas from an invalid inventory", async () => {
    const dir = await inventoryWith([
      { file: "warmup.yaml", replace: "{ days: 7, quota: 1500 }", with: "{ days: 7, quota: 100 }" },
    ]);
    const r = await cli(["warmup", "--inventory", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: inventory .* is invalid: 1 error\nwarmup\.yaml:9:27: /);
  });
});

describe("the installed command (process)", () => {
  it("bin/email-engine.js runs the TypeScript sources and sets the exit code", async () => {
    const bin = new URL("../../bin/email-engine.js", import.meta.url).pathname;
    const ok = await run(process.execPath, [bin, "validate", "--inventory", EXAMPLE_INVENTORY]);
    expect(ok.stdout).toContain(": valid (10 files");
    await expect(
      run(process.execPath, [bin, "validate", "--inventory", "/nonexistent"]),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("error: inventory directory not found") as unknown,
    });
  });
});
