import { entries } from "../../inventory/model.ts";
import type { Rule } from "./context.ts";

export const scheduleHasOneShape: Rule = ({ inventory, error }) => {
  for (const [name, schedule] of entries(inventory.schedules)) {
    const kinds = (["steps", "curve", "daily"] as const).filter((k) => schedule[k] !== undefined);
    if (kinds.length !== 1) {
      error(
        ["schedules", name],
        kinds.length === 0 ? "the schedule has no quotas" : `the schedule has both ${kinds.join(" and ")}`,
        {
          expected: "exactly one of `steps`, `curve` or `daily`",
          fix:
            kinds.length === 0
              ? "add `steps: [{ days: 7, quota: 50 }, …]`"
              : `keep one of ${kinds.join(", ")}`,
          key: true,
        },
      );
    }
  }
};

export const scheduleIncreases: Rule = ({ inventory, error }) => {
  for (const [name, schedule] of entries(inventory.schedules)) {
    schedule.steps?.forEach((step, i) => {
      const previous = schedule.steps?.[i - 1];
      if (previous && step.quota <= previous.quota) {
        error(
          ["schedules", name, "steps", i, "quota"],
          `step ${i + 1} (${step.quota}/day) does not increase on step ${i} (${previous.quota}/day)`,
          {
            expected: "each step's quota larger than the one before",
            fix: "reorder the steps or raise this quota",
          },
        );
      }
    });
    schedule.daily?.forEach((quota, i) => {
      const previous = schedule.daily?.[i - 1];
      if (previous !== undefined && quota < previous) {
        error(
          ["schedules", name, "daily", i],
          `day ${i + 1} (${quota}) is lower than day ${i} (${previous})`,
          {
            expected: "daily quotas that never decrease",
            fix: "raise this day's quota or lower the one before",
          },
        );
      }
    });
    const curve = schedule.curve;
    if (curve && curve.to <= curve.from) {
      error(
        ["schedules", name, "curve", "to"],
        `the curve ends at ${curve.to}, not above its start ${curve.from}`,
        {
          expected: "`to` greater than `from`",
          fix: "swap the two values",
        },
      );
    }
  }
};
