// The planner over real rendered PowerMTA configs of the example inventory (pure: text in, plan out).
import { describe, expect, it } from "vitest";
import { warmupTable } from "../../reconciler/derive/warmup-table.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import { loadPmtaTemplates, renderPmtaConfig } from "../../reconciler/pmta/config/index.ts";
import { buildPlan, observedDigest } from "../../reconciler/plan/build.ts";
import { planExitCode } from "../../reconciler/plan/model.ts";
import { planMailwizz } from "../../reconciler/plan/mailwizz.ts";
import { printPlan } from "../../reconciler/plan/print.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import type { JudgedDay } from "../../reconciler/warmup/calendar.ts";
import { addDays } from "../../reconciler/warmup/dates.ts";
import { EXAMPLE_INVENTORY, inventoryWith } from "../helpers/inventory.ts";

async function inventory(dir = EXAMPLE_INVENTORY): Promise<Inventory> {
  const r = await validateInventoryDir(dir);
  if (!r.inventory) throw new Error(r.errors.map((e) => e.message).join("; "));
  return r.inventory;
}

function healthy(ip: string, from: string, days: number): [string, JudgedDay[]] {
  return [
    ip,
    Array.from({ length: days }, (_, i) => ({ date: addDays(from, i), verdict: "advance" as const })),
  ];
}

async function render(
  inv: Inventory,
  date: string,
  ledger: Map<string, JudgedDay[]> = new Map(),
): Promise<string> {
  return renderPmtaConfig({
    inventory: inv,
    host: "pmta",
    quotas: warmupTable(inv, ledger, date),
    revision: "test",
    templates: await loadPmtaTemplates(),
    date,
  });
}

const plan = (desiredText: string, liveText: string | undefined) =>
  buildPlan({
    revision: "r1",
    date: "2026-12-01",
    observedDigest: "d",
    pmta: [{ host: "pmta", desiredText, liveText }],
    mailwizz: [],
  });

describe("planner, PowerMTA part (pure)", () => {
  it("plans nothing when the live config is the rendered one, even with other comments and header", async () => {
    const inv = await inventory();
    const text = await render(inv, "2026-12-01");
    expect(plan(text, text).steps).toEqual([]);
    const relabeled = text
      .replace("# inventory revision: test", "# inventory revision: other")
      .replace(/\n/, "\n# a comment an operator added\n");
    expect(plan(text, relabeled).steps).toEqual([]);
    expect(planExitCode(plan(text, text))).toBe(0);
  });

  it("a healthy week raises the daily cap of the advanced IP only", async () => {
    const inv = await inventory();
    const before = await render(inv, "2026-11-30");
    const ledger = new Map([healthy("203.0.113.10", "2026-11-23", 7)]);
    const after = await render(inv, "2026-11-30", ledger);
    const steps = plan(after, before).steps;
    expect(steps.map((s) => `${s.action} ${s.kind} ${s.target}`)).toEqual(["update vmta pmta/pmta-vmta0"]);
    expect(steps[0]?.changes.find((c) => c.field === "max-smtp-msg-rate")).toEqual({
      field: "max-smtp-msg-rate",
      old: "50/d",
      new: "200/d",
    });
    expect(printPlan(plan(after, before))).toMatch(/~ max-smtp-msg-rate +: "50\/d" → "200\/d"/);
  });

  it("a sixth IP creates its VMTA and changes the pool", async () => {
    const base = await inventory();
    const withSixth = await inventory(
      await inventoryWith([
        {
          file: "late-ips.yaml",
          content:
            "ips:\n  - address: 203.0.113.15\n    hostname: mail2.sos-mail.com\n    domain: sos-mail.com\n    vmta: pmta-vmta5\n    server: pmta\n    warmup: { start: 2026-11-23 }\n",
        },
      ]),
    );
    const steps = plan(await render(withSixth, "2026-12-01"), await render(base, "2026-12-01")).steps;
    expect(steps.map((s) => `${s.action} ${s.kind} ${s.target}`)).toEqual([
      "update pool pmta/pmta-pool",
      "create vmta pmta/pmta-vmta5",
    ]);
    expect(steps[1]?.changes.find((c) => c.field === "smtp-source-host")).toEqual({
      field: "smtp-source-host",
      new: "203.0.113.15 mail2.sos-mail.com",
    });
  });

  it("a VMTA removed from the inventory is deleted from the config", async () => {
    const live = await render(await inventory(), "2026-12-01");
    const desired = live.replace(/<virtual-mta pmta-vmta4>[\s\S]*?<\/virtual-mta>\n/, "");
    const steps = plan(desired, live).steps;
    expect(steps.map((s) => `${s.action} ${s.kind} ${s.target}`)).toContain("delete vmta pmta/pmta-vmta4");
  });

  it("a host without a config gets one", async () => {
    const text = await render(await inventory(), "2026-12-01");
    expect(plan(text, undefined).steps.map((s) => `${s.action} ${s.kind} ${s.target}`)).toEqual([
      "create config pmta",
    ]);
  });

  it("other global differences are one config step", async () => {
    const text = await render(await inventory(), "2026-12-01");
    const changed = text.replace("http-mgmt-port 8080", "http-mgmt-port 8081");
    expect(plan(text, changed).steps.map((s) => `${s.action} ${s.kind} ${s.target}`)).toEqual([
      "update config pmta",
    ]);
  });
});

describe("planner, MailWizz part and the whole plan (pure)", () => {
  it("turns delivery-server steps into plan steps with secrets blinded", () => {
    const steps = planMailwizz(
      "mailwizz",
      {
        steps: [
          {
            kind: "create",
            name: "ee-pmta-vmta5",
            changes: [
              { field: "daily_quota", old: null, new: 50, sensitive: false },
              { field: "password", old: null, new: "(sensitive)", sensitive: true },
            ],
          },
          {
            kind: "disable",
            name: "ee-pmta-vmta9",
            changes: [{ field: "status", old: "active", new: "inactive", sensitive: false }],
          },
        ],
        skipped: [],
      },
      [],
    );
    const whole = buildPlan({
      revision: "r",
      date: "2026-12-01",
      observedDigest: "d",
      pmta: [],
      mailwizz: steps,
    });
    expect(whole.steps.map((s) => `${s.action} ${s.target}`)).toEqual([
      "create mailwizz/ee-pmta-vmta5",
      "update mailwizz/ee-pmta-vmta9",
    ]);
    expect(JSON.stringify(whole)).not.toContain('(sensitive)"');
    expect(whole.steps[0]?.changes).toEqual([
      { field: "daily_quota", new: 50 },
      { field: "password", sensitive: true },
    ]);
  });

  it("the observed digest ignores key order and changes with content", () => {
    expect(observedDigest({ a: 1, b: [{ y: 2, x: 1 }] })).toBe(observedDigest({ b: [{ x: 1, y: 2 }], a: 1 }));
    expect(observedDigest({ a: 1 })).not.toBe(observedDigest({ a: 2 }));
  });
});
