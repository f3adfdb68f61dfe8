// The daemon's Prometheus metrics (prom-client). The daemon feeds them after each tick; GET /metrics
// renders the registry. Every labelled family that has a closed set of values (outcomes, systems,
// warm-up states) exports all of them, at 0 when absent, so alerts and rates see a series from the
// start instead of a gap (kube-state-metrics style for the per-IP state).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { WarmupRow } from "../derive/warmup-table.ts";
import type { Plan } from "../plan/model.ts";
import { SYSTEMS } from "../plan/model.ts";
import type { RunOutcome, StepRecord } from "../record/types.ts";
import { RUN_OUTCOMES } from "../record/types.ts";
import { LIFECYCLE_STATES } from "../lifecycle/state.ts";
import { WARMUP_STATES } from "../warmup/calendar.ts";

export interface TickReport {
  readonly outcome: RunOutcome;
  readonly durationSeconds: number;
  /** The steps the tick ran (or recorded as NotExecuted). */
  readonly steps?: readonly Pick<StepRecord, "system" | "action" | "status">[];
  /** The plan the tick computed: its steps are the drift. Omitted or null keeps the last drift. */
  readonly plan?: Pick<Plan, "steps"> | null;
  /** When the tick ended; on an `ok` tick it becomes the last-success timestamp. */
  readonly at?: Date;
}

export type WarmupMetricRow = Pick<WarmupRow, "ip" | "vmta" | "domain" | "day" | "quota" | "state"> & {
  readonly reason?: string;
  /** The lifecycle state (email_engine_ip_lifecycle_state), when the row carries it. */
  readonly lifecycle?: { readonly state: string };
};

/** Why an IP is held, stepped back or paused, as a bounded label (the full text is in /api/v1/status). */
export const CAUSES = [
  "hard_bounce",
  "complaint",
  "deferral",
  "blocklist",
  "too_few",
  "operator",
  "other",
] as const;
export type Cause = (typeof CAUSES)[number];

export function causeOf(reason: string): Cause {
  if (/hard bounces/.test(reason)) return "hard_bounce";
  if (/complaints/.test(reason)) return "complaint";
  if (/deferrals/.test(reason)) return "deferral";
  if (/blocklist|authentication|DKIM|SPF|DMARC|PTR/i.test(reason)) return "blocklist";
  if (/too few messages/.test(reason)) return "too_few";
  if (/in the inventory/.test(reason)) return "operator";
  return "other";
}

export interface EngineInfo {
  readonly version: string;
  readonly lastAppliedRevision: string | null;
  readonly lastAttemptedRevision: string | null;
}

export interface MetricsOptions {
  readonly registry?: Registry;
  /** Also export process_* and nodejs_* metrics (memory, CPU, event loop): on in the daemon. */
  readonly processMetrics?: boolean;
}

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export class EngineMetrics {
  readonly registry: Registry;
  readonly #duration: Histogram<"outcome">;
  readonly #total: Counter<"outcome">;
  readonly #steps: Counter<"system" | "action" | "status">;
  readonly #drift: Gauge<"system">;
  readonly #lastSuccess: Gauge;
  readonly #quota: Gauge<"ip" | "vmta" | "domain">;
  readonly #warmupDay: Gauge<"ip" | "vmta">;
  readonly #ipState: Gauge<"ip" | "vmta" | "state">;
  readonly #ipCause: Gauge<"ip" | "vmta" | "state" | "cause">;
  readonly #ipLifecycle: Gauge<"ip" | "vmta" | "state">;
  readonly #info: Gauge<"version" | "last_applied_revision" | "last_attempted_revision">;

  constructor(options: MetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.#duration = new Histogram({
      name: "email_engine_reconcile_duration_seconds",
      help: "Duration of reconcile ticks, by outcome.",
      labelNames: ["outcome"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#total = new Counter({
      name: "email_engine_reconcile_total",
      help: "Reconcile ticks, by outcome (ok, stalled, transient, internal, skipped).",
      labelNames: ["outcome"],
      registers,
    });
    this.#steps = new Counter({
      name: "email_engine_steps_applied_total",
      help: "Plan steps run by the daemon, by system, action and status (Success, Error, NotExecuted).",
      labelNames: ["system", "action", "status"],
      registers,
    });
    this.#drift = new Gauge({
      name: "email_engine_drift_detected",
      help: "Objects whose live state differs from the desired state at the last plan (plan steps), by system.",
      labelNames: ["system"],
      registers,
    });
    this.#lastSuccess = new Gauge({
      name: "email_engine_last_success_timestamp_seconds",
      help: "Unix time of the last reconcile tick that ended ok (0 before the first).",
      registers,
    });
    this.#quota = new Gauge({
      name: "email_engine_ip_daily_quota",
      help: "Today's daily message quota per sending IP (the PowerMTA cap and the MailWizz quota).",
      labelNames: ["ip", "vmta", "domain"],
      registers,
    });
    this.#warmupDay = new Gauge({
      name: "email_engine_ip_warmup_day",
      help: "Warm-up day per sending IP (position on its schedule; 0 while pending).",
      labelNames: ["ip", "vmta"],
      registers,
    });
    this.#ipState = new Gauge({
      name: "email_engine_ip_state",
      help: "Warm-up state per sending IP: 1 for the current state, 0 for the others.",
      labelNames: ["ip", "vmta", "state"],
      registers,
    });
    this.#ipLifecycle = new Gauge({
      name: "email_engine_ip_lifecycle_state",
      help: "Lifecycle state per sending IP (pending, warming, active, standby, resting, retiring, retired, paused, quarantined, listed): 1 for the current state, 0 for the others.",
      labelNames: ["ip", "vmta", "state"],
      registers,
    });
    this.#ipCause = new Gauge({
      name: "email_engine_ip_state_cause",
      help: "1 per sending IP that is held, stepped back or paused, labelled with the cause (hard_bounce, complaint, deferral, blocklist, too_few, operator, other).",
      labelNames: ["ip", "vmta", "state", "cause"],
      registers,
    });
    this.#info = new Gauge({
      name: "email_engine_info",
      help: "Always 1; labels carry the version and the last attempted and applied inventory revisions.",
      labelNames: ["version", "last_applied_revision", "last_attempted_revision"],
      registers,
    });
    for (const outcome of RUN_OUTCOMES) {
      this.#duration.zero({ outcome });
      this.#total.inc({ outcome }, 0);
    }
    for (const system of SYSTEMS) this.#drift.set({ system }, 0);
    this.#lastSuccess.set(0);
  }

  /** Feeds one tick's result (call once per tick, whatever its outcome). */
  recordTick(report: TickReport): void {
    if (!Number.isFinite(report.durationSeconds) || report.durationSeconds < 0) {
      throw new RangeError(
        `tick duration must be a non-negative number of seconds, got ${report.durationSeconds}`,
      );
    }
    this.#duration.observe({ outcome: report.outcome }, report.durationSeconds);
    this.#total.inc({ outcome: report.outcome });
    for (const step of report.steps ?? []) {
      this.#steps.inc({ system: step.system, action: step.action, status: step.status });
    }
    if (report.plan) this.recordPlan(report.plan);
    if (report.outcome === "ok" && report.at) this.#lastSuccess.set(report.at.getTime() / 1000);
  }

  /** Drift from a plan: its step count per system (0 for a system with nothing to change). */
  recordPlan(plan: Pick<Plan, "steps">): void {
    const counts = new Map<string, number>(SYSTEMS.map((s) => [s, 0]));
    for (const step of plan.steps) counts.set(step.system, (counts.get(step.system) ?? 0) + 1);
    this.#drift.reset();
    for (const [system, count] of counts) this.#drift.set({ system }, count);
  }

  /** Replaces the per-IP series with today's warm-up table (IPs removed from the inventory vanish). */
  setWarmup(rows: readonly WarmupMetricRow[]): void {
    this.#quota.reset();
    this.#warmupDay.reset();
    this.#ipState.reset();
    this.#ipCause.reset();
    this.#ipLifecycle.reset();
    for (const row of rows) {
      if (row.lifecycle) {
        for (const state of LIFECYCLE_STATES) {
          this.#ipLifecycle.set({ ip: row.ip, vmta: row.vmta, state }, state === row.lifecycle.state ? 1 : 0);
        }
      }
      if ((row.state === "held" || row.state === "paused") && row.reason !== undefined) {
        this.#ipCause.set({ ip: row.ip, vmta: row.vmta, state: row.state, cause: causeOf(row.reason) }, 1);
      }
      this.#quota.set({ ip: row.ip, vmta: row.vmta, domain: row.domain }, row.quota);
      this.#warmupDay.set({ ip: row.ip, vmta: row.vmta }, row.day);
      for (const state of WARMUP_STATES) {
        this.#ipState.set({ ip: row.ip, vmta: row.vmta, state }, state === row.state ? 1 : 0);
      }
    }
  }

  setInfo(info: EngineInfo): void {
    this.#info.reset();
    this.#info.set(
      {
        version: info.version,
        last_applied_revision: info.lastAppliedRevision ?? "",
        last_attempted_revision: info.lastAttemptedRevision ?? "",
      },
      1,
    );
  }
}
