// The repository of the daemon's records over the store (tables of migration 0003). Every time is a
// parameter (the caller's clock), so a replay or a test records exactly what it is given.
import { InternalError } from "../errors.ts";
import type { SqlQuerier } from "../store/sql.ts";
import type { OwnedRow, RunRow, StatusRow } from "./rows.ts";
import { RUN_COLUMNS, toOwned, toRun, toStatus } from "./rows.ts";
import type {
  ObjectKey,
  OwnedObject,
  RunEnd,
  RunRecord,
  RunStart,
  StepRecord,
  StepStatus,
  TargetStatus,
  TargetStatusUpdate,
} from "./types.ts";

/** The optional status fields and their columns; the only names ever spliced into SQL. */
const STATUS_FIELDS = {
  message: "message",
  lastAttemptedRevision: "last_attempted_revision",
  lastAppliedRevision: "last_applied_revision",
  lastAttemptAt: "last_attempt_at",
  lastSuccessAt: "last_success_at",
  nextRunAt: "next_run_at",
  validationErrors: "validation_errors",
} as const satisfies Partial<Record<keyof TargetStatusUpdate, string>>;

export class ReconcileRecords {
  constructor(private readonly db: SqlQuerier) {}

  /** Opens a run; returns its id. */
  async startRun(run: RunStart): Promise<number> {
    const rows = await this.db.query<{ id: number | string }>(
      `INSERT INTO reconcile_runs (target, trigger, started_at, attempted_revision)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [run.target, run.trigger, run.at, run.attemptedRevision],
    );
    return Number(rows[0]!.id);
  }

  /** Closes an open run with its outcome. A run is finished once: a second finish is a bug. */
  async finishRun(id: number, end: RunEnd): Promise<void> {
    const rows = await this.db.query(
      `UPDATE reconcile_runs SET finished_at = $2, outcome = $3, message = $4,
         plan_create = $5, plan_update = $6, plan_delete = $7
       WHERE id = $1 AND finished_at IS NULL RETURNING id`,
      [
        id,
        end.at,
        end.outcome,
        end.message ?? "",
        end.summary?.create ?? null,
        end.summary?.update ?? null,
        end.summary?.delete ?? null,
      ],
    );
    if (rows.length === 0)
      throw new InternalError(`reconcile run ${id} does not exist or is already finished`);
  }

  /**
   * Closes the runs a crashed daemon left open (call at start-up, before the first tick), as
   * transient: the next run retries. Returns their ids.
   */
  async closeInterrupted(
    at: Date,
    message = "interrupted: the daemon stopped during this run",
  ): Promise<number[]> {
    const rows = await this.db.query<{ id: number | string }>(
      `UPDATE reconcile_runs SET finished_at = GREATEST($1::timestamptz, started_at), outcome = 'transient', message = $2
       WHERE finished_at IS NULL RETURNING id`,
      [at, message],
    );
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  /**
   * Records steps of a run. Writing a step again replaces it, so the daemon can record the whole plan
   * as NotExecuted before applying and then each step's result as it lands (a crash leaves the truth).
   */
  async recordSteps(runId: number, steps: readonly StepRecord[]): Promise<void> {
    for (const step of steps) {
      if (!Number.isInteger(step.durationMs) || step.durationMs < 0) {
        throw new RangeError(`step ${step.stepId}: durationMs must be a non-negative integer`);
      }
      await this.db.query(
        `INSERT INTO reconcile_steps (run_id, step_id, system, action, target, status, duration_ms, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (run_id, step_id) DO UPDATE SET system = EXCLUDED.system, action = EXCLUDED.action,
           target = EXCLUDED.target, status = EXCLUDED.status, duration_ms = EXCLUDED.duration_ms,
           detail = EXCLUDED.detail`,
        [
          runId,
          step.stepId,
          step.system,
          step.action,
          step.target,
          step.status,
          step.durationMs,
          step.detail,
        ],
      );
    }
  }

  /** A run's steps, by step id. */
  async runSteps(runId: number): Promise<StepRecord[]> {
    const rows = await this.db.query<{
      step_id: string;
      system: string;
      action: StepRecord["action"];
      target: string;
      status: StepStatus;
      duration_ms: number;
      detail: string;
    }>(
      `SELECT step_id, system, action, target, status, duration_ms, detail FROM reconcile_steps
       WHERE run_id = $1 ORDER BY step_id`,
      [runId],
    );
    return rows.map((r) => ({
      stepId: r.step_id,
      system: r.system,
      action: r.action,
      target: r.target,
      status: r.status,
      durationMs: r.duration_ms,
      detail: r.detail,
    }));
  }

  /** The latest runs, newest first (optionally of one target). */
  async recentRuns(limit: number, target?: string): Promise<RunRecord[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new RangeError(`recentRuns limit must be an integer in 1..1000, got ${limit}`);
    }
    const rows = await this.db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM reconcile_runs WHERE ($2::text IS NULL OR target = $2)
       ORDER BY started_at DESC, id DESC LIMIT $1`,
      [limit, target ?? null],
    );
    return rows.map(toRun);
  }

  async getRun(id: number): Promise<RunRecord | null> {
    const rows = await this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM reconcile_runs WHERE id = $1`, [id]);
    return rows[0] ? toRun(rows[0]) : null;
  }

  /** Writes a target's status (see TargetStatusUpdate for what undefined and null mean). */
  async setStatus(update: TargetStatusUpdate): Promise<void> {
    const columns = ["target", "state", "reason", "updated_at"];
    const params: unknown[] = [update.target, update.state, update.reason, update.at];
    for (const [field, column] of Object.entries(STATUS_FIELDS)) {
      const value = update[field as keyof typeof STATUS_FIELDS];
      if (value === undefined) continue;
      columns.push(column);
      params.push(field === "validationErrors" ? JSON.stringify(value) : value);
    }
    const placeholders = columns.map((c, i) =>
      c === "validation_errors" ? `$${i + 1}::jsonb` : `$${i + 1}`,
    );
    const updates = columns.filter((c) => c !== "target").map((c) => `${c} = EXCLUDED.${c}`);
    await this.db.query(
      `INSERT INTO target_status (${columns.join(", ")}) VALUES (${placeholders.join(", ")})
       ON CONFLICT (target) DO UPDATE SET ${updates.join(", ")}`,
      params,
    );
  }

  async getStatus(target: string): Promise<TargetStatus | null> {
    const rows = await this.db.query<StatusRow>("SELECT * FROM target_status WHERE target = $1", [target]);
    return rows[0] ? toStatus(rows[0]) : null;
  }

  /** Every target's status, by target name. */
  async listStatus(): Promise<TargetStatus[]> {
    const rows = await this.db.query<StatusRow>("SELECT * FROM target_status ORDER BY target");
    return rows.map(toStatus);
  }

  /**
   * Records that email-engine created an object (call right after the create succeeded). Idempotent:
   * returns false when the object is already owned (a re-run after a crash records nothing twice).
   */
  async markOwned(key: ObjectKey, runId: number | null, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO owned_objects (system, kind, name, created_by_run, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (system, kind, name) WHERE deleted_at IS NULL DO NOTHING RETURNING id`,
      [key.system, key.kind, key.name, runId, at],
    );
    return rows.length === 1;
  }

  /** Whether email-engine created this object and has not deleted it: the guard before any delete. */
  async isOwned(key: ObjectKey): Promise<boolean> {
    const rows = await this.db.query(
      "SELECT 1 FROM owned_objects WHERE system = $1 AND kind = $2 AND name = $3 AND deleted_at IS NULL",
      [key.system, key.kind, key.name],
    );
    return rows.length > 0;
  }

  /** Records a confirmed deletion; returns false when the object was not owned (nothing recorded). */
  async markDeleted(key: ObjectKey, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE owned_objects SET deleted_at = GREATEST($4::timestamptz, created_at)
       WHERE system = $1 AND kind = $2 AND name = $3 AND deleted_at IS NULL RETURNING id`,
      [key.system, key.kind, key.name, at],
    );
    return rows.length === 1;
  }

  /** Owned objects by system, kind, name (and creation for history); live ones only unless asked. */
  async listOwned(
    filter: { system?: string; kind?: string; includeDeleted?: boolean } = {},
  ): Promise<OwnedObject[]> {
    const rows = await this.db.query<OwnedRow>(
      `SELECT system, kind, name, created_by_run, created_at, deleted_at FROM owned_objects
       WHERE ($1::text IS NULL OR system = $1) AND ($2::text IS NULL OR kind = $2)
         AND ($3::boolean OR deleted_at IS NULL)
       ORDER BY system, kind, name, created_at, id`,
      [filter.system ?? null, filter.kind ?? null, filter.includeDeleted ?? false],
    );
    return rows.map(toOwned);
  }
}
