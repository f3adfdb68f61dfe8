// The reconciler on the embedded default (local PowerMTA sandbox, MailWizz emulator, PGlite), through
// the same engine `npm start` runs.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { suspendCommand } from "../../reconciler/cli/reconcile.ts";
import type { Engine } from "../../reconciler/reconcile/engine.ts";
import { openEngine, TARGET } from "../../reconciler/reconcile/engine.ts";
import { recordedTick } from "../../reconciler/reconcile/run.ts";
import { EXAMPLE_INVENTORY } from "../helpers/inventory.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const now = () => new Date("2026-11-24T10:00:00Z");

async function engine(): Promise<{ engine: Engine; home: string; inventory: string }> {
  const home = await mkdtemp(join(tmpdir(), "ee-embedded-"));
  const inventory = join(home, "inventory");
  await cp(EXAMPLE_INVENTORY, inventory, { recursive: true });
  const e = await openEngine({ mode: "embedded", inventory, home, databaseUrl: undefined, env: {}, now });
  cleanups.push(() => rm(home, { recursive: true, force: true }));
  cleanups.push(() => e.close());
  return { engine: e, home, inventory };
}

describe("the embedded reconciler (integration)", () => {
  it("applies everything on the first tick, then plans nothing; the live config is the rendered one", async () => {
    const { engine: e, home } = await engine();
    const first = await recordedTick(e, { apply: true, trigger: "test", now });
    expect(first.outcome).toBe("ok");
    expect(first.result?.plan?.steps.map((s) => `${s.action} ${s.kind}`).sort()).toEqual(
      [
        "create config",
        ...Array<string>(5).fill("create delivery-server"),
        ...Array<string>(6).fill("create file"),
        ...Array<string>(3).fill("create list"),
        ...Array<string>(3).fill("create template"),
      ].sort(),
    );
    expect(first.result?.applied.every((s) => s.status !== "Error")).toBe(true);
    const live = await readFile(join(home, "embedded", "pmta-local", "pmta", "etc", "config"), "utf8");
    expect(live).toContain("<virtual-mta pmta-vmta0>");
    expect(live).toContain("max-smtp-msg-rate 50/d");
    const second = await recordedTick(e, { apply: true, trigger: "test", now });
    expect(second.result?.plan?.steps).toEqual([]);
    expect(await e.records.getStatus(TARGET)).toMatchObject({
      state: "ready",
      reason: "ReconciliationSucceeded",
    });
    const owned = await e.records.listOwned({ system: "mailwizz" });
    expect(owned.map((o) => o.name).sort()).toEqual([
      "ee-pmta-vmta0",
      "ee-pmta-vmta1",
      "ee-pmta-vmta2",
      "ee-pmta-vmta3",
      "ee-pmta-vmta4",
    ]);
  });

  it("a broken inventory stalls with FILE:LINE errors while the last good one stays in force", async () => {
    const { engine: e, inventory } = await engine();
    await recordedTick(e, { apply: true, trigger: "test", now });
    const ips = join(inventory, "ips.yaml");
    const good = await readFile(ips, "utf8");
    await writeFile(ips, good.replace("hostname: mail1.ulixai-mail.com", "hostname: mail1.ulixai.com"));
    const stalled = await recordedTick(e, { apply: true, trigger: "test", now });
    expect(stalled.outcome).toBe("stalled");
    const status = await e.records.getStatus(TARGET);
    expect(status?.state).toBe("stalled");
    expect(status?.validationErrors).toEqual([
      expect.stringMatching(
        /^ips\.yaml:11:15: ips\[1\]\.hostname: hostname mail1\.ulixai\.com is not under its domain ulixai-mail\.com\n/,
      ) as unknown,
    ]);
    expect(status?.lastAppliedRevision).not.toBe(status?.lastAttemptedRevision);
    // The last good inventory is still what the systems are held to: nothing to change.
    expect(stalled.result?.plan?.steps).toEqual([]);
    await writeFile(ips, good);
    const healed = await recordedTick(e, { apply: true, trigger: "test", now });
    expect(healed.outcome).toBe("ok");
    expect((await e.records.getStatus(TARGET))?.state).toBe("ready");
  });

  it("suspend makes ticks skip until resume", async () => {
    const { engine: e, home, inventory } = await engine();
    const env = { now, databaseUrl: undefined, dataDir: join(home, "data"), home, secrets: {} };
    const out = { out: () => undefined, err: () => undefined };
    await suspendCommand({ inventory, embedded: true, reason: "maintenance window" }, env, out);
    const skipped = await recordedTick(e, { apply: true, trigger: "test", now });
    expect(skipped.outcome).toBe("skipped");
    expect((await e.records.recentRuns(1))[0]).toMatchObject({
      outcome: "skipped",
      message: "suspended: maintenance window",
    });
    await suspendCommand({ inventory, embedded: true, resume: true }, env, out);
    expect((await recordedTick(e, { apply: true, trigger: "test", now })).outcome).toBe("ok");
  });

  it("a config on disk that PowerMTA never loaded is planned as a reload and reloaded", async () => {
    const { engine: e, home } = await engine();
    await recordedTick(e, { apply: true, trigger: "test", now });
    // What a deploy killed between its move and its reload leaves: the file is new, PowerMTA runs the old one.
    const running = join(home, "embedded", "pmta-local", "pmta", "state", "running-config");
    const loaded = await readFile(running, "utf8");
    await writeFile(running, loaded.replace(/<virtual-mta pmta-vmta2>[\s\S]*?<\/virtual-mta>\n/, ""));
    const tick = await recordedTick(e, { apply: true, trigger: "test", now });
    expect(tick.result?.plan?.steps.map((s) => [s.action, s.kind, s.target, s.reason])).toEqual([
      ["update", "config", "pmta", "the config on disk was never loaded: reload"],
    ]);
    expect(tick.result?.applied.find((s) => s.step === "pmta pmta: reload")?.status).toBe("Success");
    expect(await readFile(running, "utf8")).toContain("<virtual-mta pmta-vmta2>");
    expect((await recordedTick(e, { apply: true, trigger: "test", now })).result?.plan?.steps).toEqual([]);
  });
});
