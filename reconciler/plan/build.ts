// plan (pure): desired vs observed for every PowerMTA host and MailWizz install → one Plan.
import { createHash } from "node:crypto";
import type { Plan, Step } from "./model.ts";
import { assertNoSecrets, sortSteps } from "./model.ts";
import type { PmtaSide } from "./pmta.ts";
import { planPmta } from "./pmta.ts";

export interface PlanInput {
  readonly revision: string;
  readonly date: string;
  /** Digest of everything observed (observedDigest()), so a saved plan can detect that the world moved. */
  readonly observedDigest: string;
  readonly pmta: readonly PmtaSide[];
  /** MailWizz steps, already in the plan's shape (planMailwizz). */
  readonly mailwizz: readonly Step[];
}

export function buildPlan(input: PlanInput): Plan {
  const steps = sortSteps([...input.pmta.flatMap(planPmta), ...input.mailwizz]);
  const ids = new Set<string>();
  for (const step of steps) {
    if (ids.has(step.id)) throw new Error(`two plan steps share the id ${step.id}`);
    ids.add(step.id);
  }
  const plan: Plan = {
    version: 1,
    revision: input.revision,
    observedDigest: input.observedDigest,
    date: input.date,
    steps,
  };
  assertNoSecrets(plan);
  return plan;
}

/** A stable digest of observed state: keys sorted at every level before hashing. */
export function observedDigest(observed: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash("sha256")
    .update(JSON.stringify(canonical(observed)))
    .digest("hex")
    .slice(0, 32);
}
