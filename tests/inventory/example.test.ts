import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { renderInventoryTypes, TYPES_PATH } from "../../bin/gen-types-lib.js";
import { formatProblem } from "../../reconciler/inventory/problem.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import { EXAMPLE_INVENTORY, inventoryWith } from "../helpers/inventory.ts";

describe("the example inventory (integration)", () => {
  it("is valid, with warnings only for documentation addresses", async () => {
    const result = await validateInventoryDir(EXAMPLE_INVENTORY);
    expect(result.errors).toEqual([]);
    expect(result.inventory?.ips.map((ip) => ip.vmta)).toEqual([
      "pmta-vmta0",
      "pmta-vmta1",
      "pmta-vmta2",
      "pmta-vmta3",
      "pmta-vmta4",
    ]);
    expect(Object.keys(result.inventory?.domains ?? {}).sort()).toEqual([
      "expat-connect.com",
      "expat-services.com",
      "global-expat.com",
      "sos-mail.com",
      "ulixai-mail.com",
    ]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      "203.0.113.10 is a documentation address: replace before deploying",
      "203.0.113.11 is a documentation address: replace before deploying",
      "203.0.113.12 is a documentation address: replace before deploying",
      "203.0.113.13 is a documentation address: replace before deploying",
      "203.0.113.14 is a documentation address: replace before deploying",
      "198.51.100.10 is a documentation address: replace before deploying",
      "host key placeholder: replace before deploying",
      "host key placeholder: replace before deploying",
    ]);
  });

  it("returns a frozen inventory", async () => {
    const result = await validateInventoryDir(EXAMPLE_INVENTORY);
    expect(Object.isFrozen(result.inventory?.ips[0])).toBe(true);
  });
});

describe("schema and generated types", () => {
  it("types.gen.ts matches the schema (run `npm run gen:types` when this fails)", async () => {
    const committed = await readFile(TYPES_PATH, "utf8");
    expect(committed).toBe(await renderInventoryTypes());
  });
});

describe("error reports", () => {
  it("prints location, path, message, expected and fix, with a suggestion for misspelt keys", async () => {
    const dir = await inventoryWith([
      { file: "ips.yaml", replace: "    domain: sos-mail.com", with: "    domian: sos-mail.com" },
    ]);
    const result = await validateInventoryDir(dir);
    const unknown = result.errors.find((e) => e.message === "unknown key `domian`");
    expect(unknown && formatProblem(unknown)).toBe(
      [
        "ips.yaml:6:5: ips[0].domian: unknown key `domian`",
        "    expected: one of: address, domain, hostname, paused, pool, server, slot, state, until, vmta, warmup",
        "    fix: did you mean `domain`?",
      ].join("\n"),
    );
  });

  it("collects every error of every file in one run, sorted by file and line", async () => {
    const dir = await inventoryWith([
      { file: "ips.yaml", replace: "address: 203.0.113.11", with: "address: 10.1.1.1" },
      { file: "ips.yaml", replace: "vmta: pmta-vmta3", with: "vmta: pmta-vmta0" },
      { file: "platform.yaml", replace: "timezone: Europe/Paris", with: "timezone: Mars/Olympus" },
      { file: "warmup.yaml", replace: "{ days: 7, quota: 5000 }", with: "{ days: 7, quota: 1000 }" },
    ]);
    const result = await validateInventoryDir(dir);
    expect(result.errors.map((e) => `${e.location?.file}:${e.location?.line}`)).toEqual([
      "ips.yaml:10",
      "ips.yaml:25",
      "platform.yaml:4",
      "warmup.yaml:10",
    ]);
  });

  it("reports YAML errors of several files at once and skips the schema until they parse", async () => {
    const dir = await inventoryWith([
      { file: "ips.yaml", replace: "    vmta: pmta-vmta0", with: "   vmta: pmta-vmta0" },
      { file: "servers.yaml", replace: "  engine:", with: "  engine: [" },
    ]);
    const result = await validateInventoryDir(dir);
    expect(new Set(result.errors.map((e) => e.location?.file))).toEqual(
      new Set(["ips.yaml", "servers.yaml"]),
    );
    expect(result.errors.every((e) => e.path === "(yaml)")).toBe(true);
  });

  it("accepts a slot instead of an address, and an IP added in a file of its own", async () => {
    const dir = await inventoryWith([
      {
        file: "late-ips.yaml",
        content:
          "ips:\n  - slot: floating-6\n    hostname: mail2.sos-mail.com\n    domain: sos-mail.com\n    vmta: pmta-vmta5\n    server: pmta\n    warmup: { start: 2026-12-14 }\n",
      },
    ]);
    const result = await validateInventoryDir(dir);
    expect(result.errors).toEqual([]);
    expect(result.inventory?.ips.at(-1)?.slot).toBe("floating-6");
  });

  it("points a problem in a later file's list item at that file", async () => {
    const dir = await inventoryWith([
      {
        file: "late-ips.yaml",
        content:
          "ips:\n  - address: 192.168.1.20\n    hostname: mail2.sos-mail.com\n    domain: sos-mail.com\n    vmta: pmta-vmta5\n    server: pmta\n    warmup: { start: 2026-12-14 }\n",
      },
    ]);
    const result = await validateInventoryDir(dir);
    expect(result.errors.map((e) => formatProblem(e).split("\n")[0])).toEqual([
      "late-ips.yaml:2:14: ips[5].address: 192.168.1.20 is a private address, which cannot send mail to the Internet",
    ]);
  });
});
