import { entries } from "../../inventory/model.ts";
import type { Rule } from "./context.ts";

const LEVELS = ["hold", "stepBack", "pause"] as const;

export const gateThresholdsOrdered: Rule = ({ inventory, error }) => {
  for (const [name, gates] of entries(inventory.gates)) {
    for (const signal of ["hardBounce", "complaint", "deferral"] as const) {
      const threshold = gates[signal];
      if (!threshold) continue;
      const set = LEVELS.filter((l) => threshold[l] !== undefined);
      if (set.length === 0) {
        error(["gates", name, signal], `no threshold set for ${signal}`, {
          expected: "at least one of hold, stepBack, pause (percent)",
          fix: "e.g. `{ hold: 2, pause: 5 }`",
        });
      }
      for (let i = 1; i < set.length; i++) {
        const lower = set[i - 1]!;
        const upper = set[i]!;
        if (threshold[upper]! <= threshold[lower]!) {
          error(
            ["gates", name, signal, upper],
            `${upper} (${threshold[upper]} %) is not above ${lower} (${threshold[lower]} %)`,
            {
              expected: "hold < stepBack < pause: a worse rate triggers a stronger action",
              fix: `raise ${upper} above ${threshold[lower]}`,
            },
          );
        }
      }
    }
  }
};
