// Rows of the tables of migration 0003 as the drivers return them, and their mapping to records.
// node-postgres returns bigint as a string and PGlite as a number: ids go through Number().
import type { OwnedObject, RunOutcome, RunRecord, TargetState, TargetStatus } from "./types.ts";

export interface RunRow {
  id: number | string;
  target: string;
  trigger: string;
  started_at: Date;
  finished_at: Date | null;
  attempted_revision: string | null;
  outcome: RunOutcome | null;
  message: string;
  plan_create: number | null;
  plan_update: number | null;
  plan_delete: number | null;
}

export interface StatusRow {
  target: string;
  state: TargetState;
  reason: string;
  message: string;
  last_attempted_revision: string | null;
  last_applied_revision: string | null;
  last_attempt_at: Date | null;
  last_success_at: Date | null;
  next_run_at: Date | null;
  validation_errors: string[];
  updated_at: Date;
}

export interface OwnedRow {
  system: string;
  kind: string;
  name: string;
  created_by_run: number | string | null;
  created_at: Date;
  deleted_at: Date | null;
}

export const RUN_COLUMNS =
  "id, target, trigger, started_at, finished_at, attempted_revision, outcome, message, plan_create, plan_update, plan_delete";

export function toRun(r: RunRow): RunRecord {
  const summary =
    r.plan_create === null || r.plan_update === null || r.plan_delete === null
      ? null
      : { create: r.plan_create, update: r.plan_update, delete: r.plan_delete };
  return {
    id: Number(r.id),
    target: r.target,
    trigger: r.trigger,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    attemptedRevision: r.attempted_revision,
    outcome: r.outcome,
    message: r.message,
    summary,
  };
}

export function toStatus(r: StatusRow): TargetStatus {
  return {
    target: r.target,
    state: r.state,
    reason: r.reason,
    message: r.message,
    lastAttemptedRevision: r.last_attempted_revision,
    lastAppliedRevision: r.last_applied_revision,
    lastAttemptAt: r.last_attempt_at,
    lastSuccessAt: r.last_success_at,
    nextRunAt: r.next_run_at,
    validationErrors: r.validation_errors,
    updatedAt: r.updated_at,
  };
}

export function toOwned(r: OwnedRow): OwnedObject {
  return {
    system: r.system,
    kind: r.kind,
    name: r.name,
    createdByRun: r.created_by_run === null ? null : Number(r.created_by_run),
    createdAt: r.created_at,
    deletedAt: r.deleted_at,
  };
}
