import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { syncInventoryTexts } from "../../reconciler/inventory/sync.ts";
import { cli } from "../helpers/cli.ts";
import { BASE_INVENTORY, inventoryWith } from "../helpers/inventory.ts";

const outputs = {
  servers: { engine: { ipv4: "198.51.100.10" }, mailwizz: { ipv4: "5.75.0.2" }, pmta: { ipv4: "5.75.0.3" } },
  sendingIps: [
    { vmta: "pmta-vmta0", address: "5.75.1.10" },
    { vmta: "pmta-vmta1", address: "203.0.113.11" },
    { vmta: "pmta-vmta5", address: "5.75.1.15" },
    { vmta: "pmta-vmta9", address: "5.75.1.19" },
  ],
};

async function texts(dir = BASE_INVENTORY, files = ["ips.yaml", "servers.yaml", "late-ips.yaml"]) {
  const out: { file: string; text: string }[] = [];
  for (const file of files) {
    const text = await readFile(join(dir, file), "utf8").catch(() => undefined);
    if (text !== undefined) out.push({ file, text });
  }
  return out;
}

const LATE =
  "# added for the second wave\nips:\n  - slot: floating-6 # allocated by pulumi up\n    hostname: mail2.sos-mail.com\n    domain: sos-mail.com\n    vmta: pmta-vmta5\n    server: pmta\n    warmup: { start: 2026-12-14 }\n";

describe("inventory sync (pure)", () => {
  it("replaces placeholders and slots, keeps comments, reports what it cannot place", async () => {
    const dir = await inventoryWith([{ file: "late-ips.yaml", content: LATE }]);
    const result = syncInventoryTexts(await texts(dir), outputs);
    expect(result.changes).toEqual([
      "ips.yaml: pmta-vmta0 address 203.0.113.10 → 5.75.1.10",
      "servers.yaml: server mailwizz address (none) → 5.75.0.2",
      "servers.yaml: server pmta address (none) → 5.75.0.3",
      "late-ips.yaml: pmta-vmta5 address (slot floating-6) → 5.75.1.15",
    ]);
    expect(result.unmatched).toEqual(["sending IP pmta-vmta9"]);
    const ips = result.files.find((f) => f.file === "ips.yaml")!.text;
    expect(ips).toContain("# 203.0.113.0/24 is a documentation range");
    expect(ips).toContain("  - address: 5.75.1.10\n    hostname: mail1.sos-mail.com");
    expect(ips).toContain("  - address: 203.0.113.11\n");
    const late = result.files.find((f) => f.file === "late-ips.yaml")!.text;
    expect(late).toContain("# added for the second wave");
    expect(late).not.toContain("slot:");
    expect(late).toContain("address: 5.75.1.15");
  });

  it("changes nothing the second time", async () => {
    const dir = await inventoryWith([{ file: "late-ips.yaml", content: LATE }]);
    const first = syncInventoryTexts(await texts(dir), outputs);
    const updated = (await texts(dir)).map((t) => first.files.find((f) => f.file === t.file) ?? t);
    expect(syncInventoryTexts(updated, outputs).changes).toEqual([]);
  });
});

describe("email-engine inventory sync (integration)", () => {
  it("--dry-run writes nothing; a real run writes files that still validate", async () => {
    const dir = await inventoryWith([]);
    const outFile = join(dir, "..", `outputs-${Date.now()}.json`);
    await writeFile(outFile, JSON.stringify(outputs));
    const before = await readFile(join(dir, "ips.yaml"), "utf8");
    const dry = await cli(["inventory", "sync", "--inventory", dir, "--outputs", outFile, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("3 changes (dry run: nothing written)");
    expect(await readFile(join(dir, "ips.yaml"), "utf8")).toBe(before);
    const real = await cli(["inventory", "sync", "--inventory", dir, "--outputs", outFile]);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain("3 changes written to 2 files");
    expect(real.stderr).toContain(
      "warning: sending IP pmta-vmta5 is in the stack outputs but not in the inventory",
    );
    expect(await readFile(join(dir, "ips.yaml"), "utf8")).toContain("address: 5.75.1.10");
    expect((await cli(["validate", "--inventory", dir])).code).toBe(0);
  });

  it("refuses a file that is not stack outputs, with the command that makes one", async () => {
    const dir = await inventoryWith([]);
    const bad = join(dir, "content", "not-json.txt");
    await writeFile(bad, "Current stack outputs (2):");
    const r = await cli(["inventory", "sync", "--inventory", dir, "--outputs", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: .*not-json\.txt is not JSON: .*\n {4}fix: write it with `pulumi stack output --json > outputs.json`\n$/,
    );
  });
});
