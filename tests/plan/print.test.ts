import { describe, expect, it } from "vitest";
import type { Plan } from "../../reconciler/plan/model.ts";
import { assertNoSecrets, planExitCode, summarize } from "../../reconciler/plan/model.ts";
import { printPlan } from "../../reconciler/plan/print.ts";

const base = {
  version: 1 as const,
  revision: "0123456789abcdef0123",
  observedDigest: "d1",
  date: "2026-11-30",
};

const plan: Plan = {
  ...base,
  steps: [
    {
      id: "mailwizz:delivery-server:ee-pmta-vmta5",
      system: "mailwizz",
      action: "create",
      kind: "delivery-server",
      target: "ee-pmta-vmta5",
      changes: [
        { field: "daily_quota", new: 50 },
        { field: "password", sensitive: true },
      ],
      reason: "new sending IP",
    },
    {
      id: "pmta:vmta:pmta-vmta0",
      system: "pmta",
      action: "update",
      kind: "vmta",
      target: "pmta-vmta0",
      changes: [{ field: "max-smtp-msg-rate", old: "50/d", new: "200/d" }],
      reason: "warm-up day 8",
    },
    {
      id: "mailwizz:delivery-server:ee-old",
      system: "mailwizz",
      action: "delete",
      kind: "delivery-server",
      target: "ee-old",
      changes: [{ field: "status", old: "active" }],
    },
  ],
};

describe("plans (pure)", () => {
  it("print like terraform plan, sorted, with old → new and (sensitive)", () => {
    expect(printPlan(plan)).toBe(
      [
        "Plan for 2026-11-30, inventory 0123456789ab:",
        "",
        '  - mailwizz delivery-server "ee-old"',
        '      - status: "active"',
        '  + mailwizz delivery-server "ee-pmta-vmta5"  # new sending IP',
        "      + daily_quota: 50",
        "      + password   : (sensitive)",
        '  ~ pmta vmta "pmta-vmta0"  # warm-up day 8',
        '      ~ max-smtp-msg-rate: "50/d" → "200/d"',
        "",
        "Plan: 1 to create, 1 to update, 1 to delete.",
      ].join("\n"),
    );
  });

  it("say so when nothing changes, and exit 0 instead of 2", () => {
    const empty: Plan = { ...base, steps: [] };
    expect(printPlan(empty)).toBe(
      "Plan for 2026-11-30, inventory 0123456789ab:\n\nNo changes. PowerMTA and MailWizz match the inventory.",
    );
    expect([planExitCode(empty), planExitCode(plan)]).toEqual([0, 2]);
    expect(summarize(plan)).toEqual({ create: 1, update: 1, delete: 1 });
  });

  it("survive a JSON round trip unchanged (a saved plan is the plan)", () => {
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it("refuse a sensitive field that carries a value", () => {
    const leaky: Plan = {
      ...base,
      steps: [
        {
          id: "x",
          system: "pmta",
          action: "update",
          kind: "smtp-user",
          target: "mailwizz",
          changes: [{ field: "password", sensitive: true, new: "hunter2" }],
        },
      ],
    };
    expect(() => assertNoSecrets(leaky)).toThrow("plan step x carries the value of sensitive field password");
    expect(() => assertNoSecrets(plan)).not.toThrow();
  });
});
