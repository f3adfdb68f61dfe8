// What the daemon records about its work (migration 0003): runs, their steps, each target's status,
// and the objects it created. Plain data, shared by the store repository, the HTTP API and metrics.
import type { Action, PlanSummary } from "../plan/model.ts";

export const RUN_OUTCOMES = ["ok", "stalled", "transient", "internal", "skipped"] as const;
/** How a run ended: the loop's tick outcomes plus `skipped` (suspended, or another daemon leads). */
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export const STEP_STATUSES = ["Success", "Error", "NotExecuted"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const TARGET_STATES = ["ready", "stalled", "suspended", "progressing"] as const;
export type TargetState = (typeof TARGET_STATES)[number];

export interface RunStart {
  /** What is reconciled (e.g. "inventory", or a host name when targets are split). */
  readonly target: string;
  /** Why the run happened: "schedule", "manual", "retry", "startup"… (free text, short). */
  readonly trigger: string;
  /** The revision (commit) this run tries to apply; null when it could not be read. */
  readonly attemptedRevision: string | null;
  readonly at: Date;
}

export interface RunEnd {
  readonly outcome: RunOutcome;
  /** A sentence a person can act on; never a secret. */
  readonly message?: string;
  /** The plan's counts; omitted or null when the run ended before planning. */
  readonly summary?: PlanSummary | null;
  readonly at: Date;
}

export interface RunRecord {
  readonly id: number;
  readonly target: string;
  readonly trigger: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly attemptedRevision: string | null;
  /** null while the run is in flight (or was cut short by a crash, until closeInterrupted). */
  readonly outcome: RunOutcome | null;
  readonly message: string;
  readonly summary: PlanSummary | null;
}

export interface StepRecord {
  /** The plan step's id (`<system>:<kind>:<name>`). */
  readonly stepId: string;
  readonly system: string;
  readonly action: Action;
  /** The object's name on its system. */
  readonly target: string;
  readonly status: StepStatus;
  readonly durationMs: number;
  /** What happened, in words (an error's message, "skipped: an earlier step failed"…). */
  readonly detail: string;
}

export interface TargetStatus {
  readonly target: string;
  readonly state: TargetState;
  /** Machine-readable, Flux style: ReconciliationSucceeded, InvalidInventory, Suspended… */
  readonly reason: string;
  readonly message: string;
  readonly lastAttemptedRevision: string | null;
  readonly lastAppliedRevision: string | null;
  readonly lastAttemptAt: Date | null;
  readonly lastSuccessAt: Date | null;
  readonly nextRunAt: Date | null;
  /** Validation errors of the last attempted revision (FILE:LINE messages); [] when it validated. */
  readonly validationErrors: readonly string[];
  readonly updatedAt: Date;
}

/**
 * A status write: target, state and reason are always given; every other field left undefined keeps
 * its stored value (so a stalled run does not erase the last applied revision), and null clears it.
 */
export type TargetStatusUpdate = Pick<TargetStatus, "target" | "state" | "reason"> &
  Partial<Omit<TargetStatus, "target" | "state" | "reason" | "updatedAt">> & { readonly at: Date };

export interface OwnedObject {
  readonly system: string;
  readonly kind: string;
  readonly name: string;
  readonly createdByRun: number | null;
  readonly createdAt: Date;
  readonly deletedAt: Date | null;
}

export interface ObjectKey {
  readonly system: string;
  readonly kind: string;
  readonly name: string;
}
