// `email-engine render pmta` as a command function: the example inventory, with and without the
// embedded ledger (PGlite in a temp directory).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CliEnvironment } from "../../reconciler/cli/context.ts";
import { inventoryRevision, renderPmtaCommand } from "../../reconciler/cli/render.ts";
import { ConfigError } from "../../reconciler/errors.ts";
import { summarize, parsePmtaConfig } from "../../reconciler/pmta/config/index.ts";
import { openStore } from "../../reconciler/store/index.ts";
import { EXAMPLE_INVENTORY, inventoryWith } from "../helpers/inventory.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

const env = (dataDir: string): CliEnvironment => ({
  now: () => new Date("2026-11-24T12:00:00Z"),
  databaseUrl: undefined,
  dataDir,
});

describe("renderPmtaCommand (integration)", () => {
  it("prints the config for the only PowerMTA host on an empty ledger", async () => {
    const { out, err, output } = capture();
    const code = await renderPmtaCommand(
      { inventory: EXAMPLE_INVENTORY, date: "2026-11-23", ledger: false, revision: "test-rev" },
      env("/nonexistent"),
      output,
    );
    expect([code, err]).toEqual([0, []]);
    expect(out).toHaveLength(1);
    // Same bytes as the pure renderer's snapshot for that day, but for the revision line.
    const snapshot = await readFile(
      new URL("./__snapshots__/example-2026-11-23.conf", import.meta.url),
      "utf8",
    );
    expect(out[0]).toBe(
      snapshot.replace("# inventory revision: 0123456789ab", "# inventory revision: test-rev"),
    );
  });

  it("reads the ledger from the embedded store: a paused IP leaves the pool", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "ee-render-"));
    dirs.push(dataDir);
    const store = await openStore({ dataDir });
    try {
      await store.ledger.judge("203.0.113.10", "2026-11-23", "advance", "healthy");
      await store.ledger.judge("203.0.113.11", "2026-11-23", "pause", "complaints 0.5%");
    } finally {
      await store.close();
    }
    const { out, output } = capture();
    expect(
      await renderPmtaCommand({ inventory: EXAMPLE_INVENTORY, revision: "r" }, env(dataDir), output),
    ).toBe(0);
    const summary = summarize(parsePmtaConfig(out[0]!).config);
    expect(summary.vmtas.map((v) => [v.name, v.maxSmtpMsgRate])).toEqual([
      ["pmta-vmta0", "50/d"],
      ["pmta-vmta1", "1/d"],
      ["pmta-vmta2", "50/d"],
    ]);
    expect(summary.pools["pmta-pool"]).toEqual(["pmta-vmta0", "pmta-vmta2"]);
    expect(out[0]).toContain("# warm-up date: 2026-11-24\n");
  });

  it("refuses an unknown host and a malformed date", async () => {
    const { output } = capture();
    await expect(
      renderPmtaCommand(
        { inventory: EXAMPLE_INVENTORY, host: "mailwizz", ledger: false, revision: "r" },
        env("/x"),
        output,
      ),
    ).rejects.toThrow(
      new ConfigError("mailwizz is not a PowerMTA server of the inventory", ["    allowed values: pmta"]),
    );
    await expect(
      renderPmtaCommand(
        { inventory: EXAMPLE_INVENTORY, date: "2026-13-01", ledger: false },
        env("/x"),
        output,
      ),
    ).rejects.toThrow('--date: "2026-13-01" is not a calendar date');
  });

  it("asks for --host when the inventory has two PowerMTA servers", async () => {
    const dir = await inventoryWith([
      {
        file: "servers.yaml",
        replace: "  pmta:\n",
        with: "  pmta2:\n    role: pmta\n    type: ccx23\n    location: fsn1\n    hostname: pmta2.sos-mail.com\n  pmta:\n",
      },
    ]);
    const { output } = capture();
    await expect(
      renderPmtaCommand({ inventory: dir, ledger: false, revision: "r" }, env("/x"), output),
    ).rejects.toThrow("--host is required: the inventory has 2 PowerMTA servers");
  });

  it("marks a directory outside git", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ee-nogit-"));
    dirs.push(dir);
    expect(await inventoryRevision(dir)).toBe("unknown (not a git checkout)");
  });
});
