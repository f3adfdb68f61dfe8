// A commit whose inventory does not validate is never applied: plan and apply report the target stalled
// with FILE:LINE errors and leave PowerMTA and MailWizz as they were; the next good commit converges.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIXTH_IP, startPlatform } from "./platform.ts";
import { count } from "./support.ts";
import type { Platform } from "./platform.ts";

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
  const apply = await platform.run("apply");
  if (apply.code !== 0) throw new Error(`the first apply failed: ${apply.stderr}`);
}, 60_000);
afterAll(async () => {
  await platform?.close();
});

describe("a broken commit", () => {
  it("stalls with FILE:LINE errors and leaves the live systems untouched", async () => {
    const config = await platform.liveConfig();
    const table = await platform.tableChecksum();
    const broken = await platform.commit("a sixth IP on a server that does not exist", [
      { file: "ips.yaml", append: SIXTH_IP.replace("server: pmta", "server: pmta-9") },
    ]);

    const plan = await platform.run("plan");
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(`stalled: revision ${broken.slice(0, 12)} does not validate`);
    expect(plan.stderr).toMatch(/ips\.yaml:\d+/);
    expect(plan.stderr).toContain("pmta-9");
    const apply = await platform.run("apply");
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/ips\.yaml:\d+/);
    const run = await platform.run("run");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ips\.yaml:\d+/);

    expect(await platform.liveConfig()).toBe(config);
    expect(await platform.tableChecksum()).toBe(table);
    const status = await platform.records((r) => r.getStatus("platform"));
    expect(status?.state).toBe("stalled");
    expect(status?.reason).toBe("InvalidInventory");
    expect(status?.lastAttemptedRevision).toBe(broken);
    expect(status?.lastAppliedRevision).not.toBe(broken);
    expect(status?.validationErrors.some((e) => /^.*ips\.yaml:\d+/.test(e))).toBe(true);
  }, 60_000);

  it("the next good commit converges", async () => {
    const good = await platform.commit("the sixth IP on the right server", [
      { file: "ips.yaml", replace: "server: pmta-9", with: "server: pmta" },
    ]);
    const apply = await platform.run("apply");
    expect(apply.stderr).toBe("");
    expect(apply.code).toBe(0);
    expect((await platform.run("plan")).code).toBe(0);
    expect(count(await platform.liveConfig(), "<virtual-mta pmta-vmta5>")).toBe(1);
    expect((await platform.deliveryServers()).map((s) => s.name)).toContain("ee-pmta-vmta5");
    const status = await platform.records((r) => r.getStatus("platform"));
    expect(status).toMatchObject({
      state: "ready",
      lastAttemptedRevision: good,
      lastAppliedRevision: good,
      validationErrors: [],
    });
  }, 60_000);
});
