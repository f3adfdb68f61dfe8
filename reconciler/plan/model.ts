// A plan is inert, serializable data: what would change, on which system, from which value to which.
// It is printed like `terraform plan`, saved as JSON, and interpreted by the executors; nothing in it
// runs. Secrets are never in a plan: sensitive fields carry only the fact that they change.

export const SYSTEMS = ["pmta", "mailwizz"] as const;
export type System = (typeof SYSTEMS)[number];

export const ACTIONS = ["create", "update", "delete"] as const;
export type Action = (typeof ACTIONS)[number];

export interface FieldChange {
  readonly field: string;
  /** undefined when the field is new; never a secret's value. */
  readonly old?: string | number | boolean | null;
  readonly new?: string | number | boolean | null;
  /** A secret: printed as (sensitive), its values never stored in the plan. */
  readonly sensitive?: boolean;
}

export interface Step {
  /** Stable id, `<system>:<kind>:<name>`, unique in a plan. */
  readonly id: string;
  readonly system: System;
  readonly action: Action;
  /** What kind of object: vmta, config, delivery-server, list, template… */
  readonly kind: string;
  /** The object's name on that system. */
  readonly target: string;
  readonly changes: readonly FieldChange[];
  /** Why, in words (e.g. "warm-up day 8: quota 50 → 200"). */
  readonly reason?: string;
}

export interface Plan {
  readonly version: 1;
  /** The inventory revision the plan was computed from. */
  readonly revision: string;
  /** Digest of the observed state it was computed against: apply refuses a plan whose base moved. */
  readonly observedDigest: string;
  /** The operators' local date the quotas are for. */
  readonly date: string;
  readonly steps: readonly Step[];
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
}

export function summarize(plan: Pick<Plan, "steps">): PlanSummary {
  const count = (a: Action) => plan.steps.filter((s) => s.action === a).length;
  return { create: count("create"), update: count("update"), delete: count("delete") };
}

/** Steps in a deterministic order: by system, then kind, then target. */
export function sortSteps(steps: readonly Step[]): Step[] {
  return [...steps].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `plan` exits 0 when nothing would change and 2 when something would (terraform's -detailed-exitcode). */
export function planExitCode(plan: Pick<Plan, "steps">): 0 | 2 {
  return plan.steps.length === 0 ? 0 : 2;
}

/** Refuses sensitive values that slipped into a plan (a bug, caught before a plan is printed or saved). */
export function assertNoSecrets(plan: Pick<Plan, "steps">): void {
  for (const step of plan.steps) {
    for (const change of step.changes) {
      if (change.sensitive && (change.old !== undefined || change.new !== undefined)) {
        throw new Error(`plan step ${step.id} carries the value of sensitive field ${change.field}`);
      }
    }
  }
}
