// `email-engine run`: the daemon. Ticks on a jittered interval (and right after the operators' local
// midnight, when the warm-up day rolls over), serves its HTTP API, and stops cleanly on SIGINT/SIGTERM
// after the tick in flight.
import { alwaysLeader, postgresLeader } from "../daemon/leader.ts";
import type { Leader } from "../daemon/leader.ts";
import { daemonServices } from "../daemon/services.ts";
import { dirname, resolve } from "node:path";
import type { LoopEvent } from "../daemon/loop.ts";
import { realClock, ReconcileLoop } from "../daemon/loop.ts";
import { ConfigError } from "../errors.ts";
import { EngineMetrics, parseListen, pingStore, startHttpServer } from "../http/index.ts";
import type { WarmupRow } from "../derive/warmup-table.ts";
import type { Plan } from "../plan/model.ts";
import { printPlan } from "../plan/print.ts";
import type { RecordedTick } from "../reconcile/run.ts";
import { recordedTick } from "../reconcile/run.ts";
import { INTERRUPTED } from "../reconcile/engine.ts";
import { addDays, localDate, startOfLocalDay } from "../warmup/dates.ts";
import type { CliEnvironment } from "./context.ts";
import type { Output } from "./output.ts";
import type { ReconcileOptions } from "./reconcile.ts";
import { asError, engineFor, printReport } from "./reconcile.ts";

export interface RunOptions extends ReconcileOptions {
  readonly listen: string;
  /** Seconds between ticks. */
  readonly interval: string;
  /** One tick, then exit (cron, tests). */
  readonly once?: boolean;
}

/** Milliseconds from `now` until the next local midnight in `timeZone` (plus a minute of margin). */
export function msUntilLocalMidnight(now: Date, timeZone: string): number {
  const tomorrow = addDays(localDate(now, timeZone), 1);
  return Math.max(60_000, startOfLocalDay(tomorrow, timeZone).getTime() - now.getTime() + 60_000);
}

export async function runCommand(
  options: RunOptions,
  env: CliEnvironment,
  output: Output,
  stopSignal: Promise<unknown> = waitForSignal(),
): Promise<number> {
  const intervalMs = Number(options.interval) * 1000;
  if (!Number.isFinite(intervalMs) || intervalMs < 1000) {
    throw new ConfigError(`--interval ${options.interval}: give seconds, at least 1`);
  }
  const listen = parseListen(options.listen);
  const engine = await engineFor(options, env);
  const leader: Leader = env.databaseUrl ? postgresLeader(env.databaseUrl, "email_engine") : alwaysLeader;
  const metrics = new EngineMetrics({ processMetrics: true });
  let lastPlan: Plan | null = null;
  let lastRows: readonly WarmupRow[] = [];
  let lastTick: Date | null = null;
  let printedFirst = false;
  let leading = false;

  const tick = async () => {
    if (!(await leader.acquire())) {
      output.out("another daemon holds the reconcile lock: standing by");
      leading = false;
      lastTick = env.now();
      return { outcome: "ok" as const };
    }
    if (!leading && env.databaseUrl) {
      // Just took the lead: the runs still open belong to a daemon that died (the lock went with it).
      await engine.records.closeInterrupted(env.now(), INTERRUPTED);
    }
    leading = true;
    const t: RecordedTick = await recordedTick(engine, { apply: true, trigger: "schedule", now: env.now });
    lastTick = env.now();
    const result = t.result;
    if (result?.plan) {
      lastPlan = result.plan;
      metrics.recordPlan(result.plan);
    }
    if (result) {
      lastRows = result.rows;
      metrics.setWarmup([...result.rows]);
    }
    metrics.recordTick({
      outcome: t.outcome,
      durationSeconds: t.durationMs / 1000,
      plan: result?.plan ?? null,
      at: lastTick,
    });
    metrics.setInfo({
      version: "0.1.0",
      lastAppliedRevision: engine.memory.lastAppliedRevision ?? null,
      lastAttemptedRevision: result?.status.lastAttemptedRevision ?? null,
    });
    if (result?.plan && (!printedFirst || result.plan.steps.length > 0)) {
      if (!printedFirst) for (const line of engine.standIns()) output.out(`  ${line}`);
      output.out(printPlan(result.plan));
      printReport(t, output);
      printedFirst = true;
    }
    if (result?.status.state === "stalled") {
      output.err(`stalled: ${result.status.message}`);
      for (const line of result.status.errors ?? []) output.err(line);
      return { outcome: "stalled" as const, message: result.status.message };
    }
    if (t.error !== undefined) throw asError(t.error);
    return { outcome: "ok" as const };
  };

  const services = options.once
    ? []
    : daemonServices({
        store: engine.store,
        inventory: () => engine.memory.lastGood?.inventory,
        secrets: () => engine.secrets(),
        mailwizz: (inventory) => engine.mailwizzTargets(inventory),
        ipRows: () => lastRows,
        now: env.now,
        home: resolve(options.home ?? env.home ?? dirname(env.dataDir)),
        log: (line) => output.err(line),
      });
  for (const service of services) await service.start?.();
  const server = options.once
    ? undefined
    : await startHttpServer({
        listen,
        modules: services.flatMap((s) => (s.http ? [s.http] : [])),
        deps: {
          status: () => engine.records.listStatus(),
          ips: () => lastRows,
          plan: () => lastPlan,
          ready: async () => ({
            store: await pingStore(engine.store.sql),
            lastTick,
            maxAgeMs: 3 * intervalMs + 300_000,
          }),
          metrics: metrics.registry,
        },
        onError: (error, route) =>
          output.err(`http ${route}: ${error instanceof Error ? error.message : String(error)}`),
      });
  try {
    if (options.once) {
      const result = await tick();
      return result.outcome === "ok" ? 0 : 1;
    }
    output.out(
      `email-engine: reconciling every ${intervalMs / 1000}s; HTTP API on ${server!.url} (/healthz /readyz /metrics /api/v1/status /api/v1/plan)`,
    );
    const onEvent = (e: LoopEvent) => {
      if (e.type === "tick-end" && e.outcome !== "ok") {
        output.err(`tick ${e.outcome}: ${e.message ?? ""}; next in ${Math.round((e.nextInMs ?? 0) / 1000)}s`);
      }
    };
    const loop = new ReconcileLoop({
      intervalMs,
      jitter: 0.1,
      backoff: { baseMs: 5_000, maxMs: 300_000 },
      tick,
      clock: realClock,
      random: Math.random,
      onEvent,
    });
    loop.start();
    // The warm-up day rolls over at the operators' midnight: tick right after it, whatever the interval.
    let midnight: NodeJS.Timeout | undefined;
    const scheduleMidnight = () => {
      const tz = engine.memory.lastGood?.inventory.platform.timezone ?? "UTC";
      midnight = setTimeout(
        () => {
          void loop.tickNow();
          scheduleMidnight();
        },
        msUntilLocalMidnight(env.now(), tz),
      );
      midnight.unref();
    };
    scheduleMidnight();
    await stopSignal;
    output.out("stopping after the tick in flight…");
    clearTimeout(midnight);
    await loop.stop();
    output.out("stopped");
    return 0;
  } finally {
    await server?.close();
    for (const service of [...services].reverse()) await service.stop?.();
    await leader.release();
    await engine.close();
  }
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (signal: string) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      resolve(signal);
    };
    const onInt = () => done("SIGINT");
    const onTerm = () => done("SIGTERM");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
  });
}
