// One recorded reconcile: the run, its steps, the target's status and what it created, written to the
// store whatever the outcome (an audit trail: when, which commit, what changed, outcome).
import { classify } from "../errors.ts";
import type { RunOutcome } from "../record/index.ts";
import type { Engine } from "./engine.ts";
import { TARGET } from "./engine.ts";
import type { TickResult } from "./tick.ts";
import { reconcileOnce } from "./tick.ts";

export interface RecordedTick {
  readonly outcome: RunOutcome;
  readonly result: TickResult | undefined;
  readonly error: unknown;
  readonly runId: number;
  readonly durationMs: number;
}

export async function recordedTick(
  engine: Engine,
  options: { apply: boolean; trigger: string; now: () => Date },
): Promise<RecordedTick> {
  const started = options.now();
  const runId = await engine.records.startRun({
    target: TARGET,
    trigger: options.trigger,
    attemptedRevision: null,
    at: started,
  });
  // A suspended target is left alone (an operator's `email-engine suspend`), until `resume`.
  const suspended = options.apply ? await engine.suspended() : undefined;
  if (suspended !== undefined) {
    const at = options.now();
    await engine.records.finishRun(runId, { outcome: "skipped", message: `suspended: ${suspended}`, at });
    await engine.records.setStatus({
      target: TARGET,
      state: "suspended",
      reason: "Suspended",
      message: suspended,
      at,
    });
    return { outcome: "skipped", result: undefined, error: undefined, runId, durationMs: 0 };
  }
  const ownedBefore = new Set(engine.memory.owned);
  let result: TickResult | undefined;
  let error: unknown;
  try {
    result = await reconcileOnce({
      source: engine.source,
      store: engine.store,
      ports: engine.ports,
      now: options.now,
      memory: engine.memory,
      apply: options.apply,
    });
  } catch (e) {
    error = e;
    result = (e as { tick?: TickResult }).tick;
  }
  const kind = error === undefined ? undefined : classify(error);
  const outcome: RunOutcome =
    result?.status.state === "stalled"
      ? "stalled"
      : kind === undefined
        ? "ok"
        : kind === "config"
          ? "stalled"
          : kind;
  const finished = options.now();
  if (result?.plan) {
    const reports = new Map(result.applied.map((a) => [a.step, a]));
    await engine.records.recordSteps(
      runId,
      result.plan.steps.map((step) => {
        // Reports name PowerMTA deploy steps, not plan steps: a plan step succeeded when its system's apply did.
        const sameSystem = (result?.applied ?? []).filter(
          (a) => a.step.startsWith(`${step.system} `) || a.step.startsWith(`${step.system}:`),
        );
        const status = !options.apply
          ? "NotExecuted"
          : sameSystem.length === 0
            ? "NotExecuted"
            : sameSystem.every((a) => a.status !== "Error")
              ? "Success"
              : "Error";
        const exact = reports.get(step.id);
        return {
          stepId: step.id,
          system: step.system,
          action: step.action,
          target: step.target,
          status: exact?.status ?? status,
          durationMs: Math.round(exact?.durationMs ?? 0),
          detail: exact?.detail ?? step.reason ?? "",
        };
      }),
    );
  }
  const message = error instanceof Error ? error.message : (result?.status.message ?? "");
  await engine.records.finishRun(runId, {
    outcome,
    message,
    summary: result?.plan ? summarizeSteps(result.plan.steps) : null,
    at: finished,
  });
  if (result) {
    await engine.records.setStatus({
      target: TARGET,
      state: result.status.state,
      reason: result.status.reason,
      message: result.status.message,
      lastAttemptedRevision: result.status.lastAttemptedRevision ?? null,
      lastAppliedRevision: result.status.lastAppliedRevision ?? null,
      lastAttemptAt: started,
      ...(outcome === "ok" && options.apply ? { lastSuccessAt: finished } : {}),
      validationErrors: [...(result.status.errors ?? [])],
      at: finished,
    });
  }
  for (const name of engine.memory.owned) {
    if (!ownedBefore.has(name))
      await engine.records.markOwned({ system: "mailwizz", kind: "delivery-server", name }, runId, finished);
  }
  return { outcome, result, error, runId, durationMs: finished.getTime() - started.getTime() };
}

function summarizeSteps(steps: readonly { action: "create" | "update" | "delete" }[]) {
  return {
    create: steps.filter((s) => s.action === "create").length,
    update: steps.filter((s) => s.action === "update").length,
    delete: steps.filter((s) => s.action === "delete").length,
  };
}
