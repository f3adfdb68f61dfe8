// plan → apply → plan on a fresh platform, then a commit adding a sixth IP: the plan names the new VMTA
// and delivery server, apply converges, the second plan is empty; each object exists exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIXTH_IP, startPlatform } from "./platform.ts";
import { count } from "./support.ts";
import type { Platform } from "./platform.ts";

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
}, 60_000);
afterAll(async () => {
  await platform?.close();
});

describe("plan → apply → plan, then a sixth IP", () => {
  it("a fresh platform converges and the next plan is empty", async () => {
    const first = await platform.run("plan");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(2);
    expect(first.stdout).toContain("pmta-vmta0");
    const apply = await platform.run("apply");
    expect(apply.stderr).toBe("");
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/Apply complete: \d+ changes?\./);
    const again = await platform.run("plan");
    expect(again.code).toBe(0);
    expect((await platform.deliveryServers()).map((s) => s.name)).toEqual([
      "ee-pmta-vmta0",
      "ee-pmta-vmta1",
      "ee-pmta-vmta2",
      "ee-pmta-vmta3",
      "ee-pmta-vmta4",
    ]);
  }, 60_000);

  it("a commit adding a sixth IP plans its VMTA and delivery server, and applies them once", async () => {
    await platform.commit("a sixth IP", [{ file: "ips.yaml", append: SIXTH_IP }]);
    const plan = await platform.run("plan");
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ pmta vmta "pmta/pmta-vmta5"');
    expect(plan.stdout).toContain('+ mailwizz delivery-server "mailwizz/ee-pmta-vmta5"');
    expect(plan.stdout).toMatch(/Plan: 2 to create, 1 to update, 0 to delete\./);
    const apply = await platform.run("apply");
    expect(apply.stderr).toBe("");
    expect(apply.code).toBe(0);
    const after = await platform.run("plan");
    expect(after.code).toBe(0);

    const live = await platform.liveConfig();
    expect(count(live, "<virtual-mta pmta-vmta5>")).toBe(1);
    expect(count(await platform.runningConfig(), "<virtual-mta pmta-vmta5>")).toBe(1);
    const servers = await platform.deliveryServers();
    expect(servers.filter((s) => s.name === "ee-pmta-vmta5")).toHaveLength(1);
    expect(servers).toHaveLength(6);
  }, 60_000);
});
