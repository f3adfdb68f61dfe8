// One reconcile (the daemon's tick, and `plan`/`apply`): source → validate → ingest and close past
// days → desired → observe → plan → apply → record. The only place that calls IO in order; every
// decision in between is made by pure functions. Config problems stall the target (the last good
// inventory stays in force); transient ones are thrown for the loop to retry with backoff.
import type { WarmupRow } from "../derive/warmup-table.ts";
import type { DayLifecycle } from "../gates/close-day.ts";
import { dayLifecycles, recordGateEvents, recordMarkers } from "../lifecycle/advance.ts";
import { TransientError } from "../errors.ts";
import { closeDay } from "../gates/close-day.ts";
import { readDaySignals } from "../monitor/signals.ts";
import { ingestAccounting } from "../ingest/ingest.ts";
import { accountingForwarder } from "../siblings/feedback/accounting.ts";
import { formatProblem } from "../inventory/problem.ts";
import { referencedFilesOf } from "../validate/rules/index.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import { buildPlan, observedDigest } from "../plan/build.ts";
import { planMailwizz } from "../plan/mailwizz.ts";
import type { Plan } from "../plan/model.ts";
import type { InventorySource } from "../source/index.ts";
import { validateSnapshot } from "../source/index.ts";
import type { Store } from "../store/index.ts";
import { addDays, localDate } from "../warmup/dates.ts";
import type { MailwizzPort, PmtaPort, StepReport } from "./ports.ts";

export interface TargetStatus {
  readonly state: "ready" | "stalled" | "progressing";
  readonly reason: string;
  readonly message: string;
  readonly lastAttemptedRevision: string | undefined;
  readonly lastAppliedRevision: string | undefined;
  readonly errors?: readonly string[];
}

/** What a tick needs to remember between runs (kept by the daemon, persisted by the recorder). */
export interface ReconcilerMemory {
  lastGood:
    | {
        readonly revision: string;
        readonly inventory: Inventory;
        /** Template HTML of that revision, by inventory-relative path. */
        readonly templates: ReadonlyMap<string, string>;
      }
    | undefined;
  lastAppliedRevision: string | undefined;
  /** Names of objects email-engine created, per system (only these are ever disabled or deleted). */
  owned: Set<string>;
}

export interface TickResult {
  readonly status: TargetStatus;
  readonly plan: Plan | undefined;
  readonly applied: readonly StepReport[];
  readonly rows: readonly WarmupRow[];
  readonly date: string | undefined;
}

export interface TickDeps {
  readonly source: InventorySource;
  readonly store: Store;
  /** The ports of the systems the inventory names, opened from the first good inventory. */
  readonly ports: (
    inventory: Inventory,
  ) => Promise<{ pmta: readonly PmtaPort[]; mailwizz: readonly MailwizzPort[] }>;
  readonly now: () => Date;
  readonly memory: ReconcilerMemory;
  /** false: plan only (`email-engine plan`). */
  readonly apply: boolean;
}

/** Reads new accounting records of every host, then judges every finished day not yet judged. */
async function advanceLedger(
  deps: TickDeps,
  pmta: readonly PmtaPort[],
  inventory: Inventory,
  today: string,
  lifecycle: ReadonlyMap<string, DayLifecycle>,
): Promise<void> {
  for (const port of pmta) {
    const forward = accountingForwarder(deps.store, inventory, port.host);
    for (let batch = 0; batch < 100; batch++) {
      const result = await ingestAccounting({
        store: deps.store,
        host: port.host,
        inventory,
        now: deps.now(),
        read: (c) => port.readAccounting(inventory, c),
        ...(forward ? { forward } : {}),
      });
      if (!result.more) break;
    }
  }
  // Days are closed in order, from the earliest start date still open, up to yesterday.
  const startOf = (ip: Inventory["ips"][number]) => lifecycle.get(ip.address ?? "")?.start ?? ip.warmup.start;
  const starts = inventory.ips.map(startOf).sort();
  const first = starts[0];
  if (first === undefined) return;
  const ledger = await deps.store.ledger.list();
  const judged = new Set(ledger.filter((r) => r.verdict !== null).map((r) => `${r.ip}|${r.day}`));
  for (let day = first; day < today; day = addDays(day, 1)) {
    if (
      inventory.ips.every(
        (ip) => ip.address === undefined || startOf(ip) > day || judged.has(`${ip.address}|${day}`),
      )
    )
      continue;
    const signals = await readDaySignals(deps.store.sql, inventory, day);
    for (const v of closeDay(inventory, await deps.store.ledger.list(), day, signals, lifecycle)) {
      await deps.store.ledger.judge(v.ip, v.day, v.verdict, v.reason, v.quota);
    }
  }
}

export async function reconcileOnce(deps: TickDeps): Promise<TickResult> {
  const { memory } = deps;
  const snapshot = await deps.source.latest();
  const validation = await validateSnapshot(snapshot);
  let stalled: TargetStatus | undefined;
  if (!validation.inventory) {
    const errors = validation.errors.map((e) => formatProblem(e));
    stalled = {
      state: "stalled",
      reason: "InvalidInventory",
      message: `revision ${snapshot.revision.slice(0, 12)} does not validate (${errors.length} error${errors.length === 1 ? "" : "s"}); ${memory.lastGood ? `revision ${memory.lastGood.revision.slice(0, 12)} stays in force` : "nothing has been applied yet"}`,
      lastAttemptedRevision: snapshot.revision,
      lastAppliedRevision: memory.lastAppliedRevision,
      errors,
    };
  } else {
    const templates = new Map<string, string>();
    for (const file of referencedFilesOf(validation.inventory)) {
      const text = await snapshot.readFile(file);
      if (text !== undefined) templates.set(file, text);
    }
    memory.lastGood = { revision: snapshot.revision, inventory: validation.inventory, templates };
  }
  const good = memory.lastGood;
  if (!good) {
    return { status: stalled!, plan: undefined, applied: [], rows: [], date: undefined };
  }
  const { inventory, revision, templates } = good;
  const today = localDate(deps.now(), inventory.platform.timezone);
  const ports = await deps.ports(inventory);
  // The lifecycle first records what changed (inventory states, pauses that ran out, listings), then
  // the ledger closes past days with it, then the gates' windows judge the last closed day.
  const clock = { date: today, now: deps.now(), timeZone: inventory.platform.timezone };
  const events = await recordMarkers(deps.store.sql, inventory, clock);
  await advanceLedger(deps, ports.pmta, inventory, today, dayLifecycles(inventory, events, clock));
  const { rows } = await recordGateEvents(
    deps.store.sql,
    inventory,
    await deps.store.ledger.judgedDays(today),
    clock,
  );

  const pmtaSides = await Promise.all(
    ports.pmta.map(async (port) => {
      const desiredText = await port.render(inventory, rows, today, revision);
      const live = await port.readLive();
      return {
        host: port.host,
        desiredText,
        liveText: live.text,
        files: live.files,
        notLoaded: live.notLoaded,
      };
    }),
  );
  const mwPlans = await Promise.all(
    ports.mailwizz.map(async (port) => ({
      port,
      ...(await port.plan(inventory, rows, memory.owned, templates)),
    })),
  );
  const plan = buildPlan({
    revision,
    date: today,
    observedDigest: observedDigest({
      pmta: pmtaSides.map((s) => [s.host, s.liveText ?? null]),
      mailwizz: mwPlans.map((p) => p.observed),
    }),
    pmta: pmtaSides,
    mailwizz: mwPlans.flatMap((p) => planMailwizz(p.port.server, p.delivery, p.tenants)),
  });

  const applied: StepReport[] = [];
  let ok = true;
  if (deps.apply && plan.steps.length > 0) {
    for (const side of pmtaSides) {
      if (
        !plan.steps.some(
          (s) => s.system === "pmta" && (s.target === side.host || s.target.startsWith(`${side.host}/`)),
        )
      )
        continue;
      const port = ports.pmta.find((p) => p.host === side.host)!;
      const result = await port.deploy(inventory, side.desiredText);
      applied.push(...result.steps.map((s) => ({ ...s, step: `pmta ${side.host}: ${s.step}` })));
      ok &&= result.ok;
    }
    for (const { port } of mwPlans) {
      if (!plan.steps.some((s) => s.system === "mailwizz" && s.target.startsWith(`${port.server}/`)))
        continue;
      const result = await port.apply(inventory, rows, memory.owned, templates);
      for (const name of result.created) memory.owned.add(name);
      applied.push(...result.steps);
      ok &&= result.ok;
    }
  }
  if (deps.apply && ok) memory.lastAppliedRevision = revision;
  const status: TargetStatus =
    stalled ??
    (ok
      ? {
          state: "ready",
          reason: plan.steps.length === 0 || deps.apply ? "ReconciliationSucceeded" : "DriftDetected",
          message: deps.apply
            ? `applied revision ${revision.slice(0, 12)} for ${today}`
            : `${plan.steps.length} change(s) planned`,
          lastAttemptedRevision: snapshot.revision,
          lastAppliedRevision: memory.lastAppliedRevision,
        }
      : {
          state: "progressing",
          reason: "ApplyFailed",
          message:
            "some steps failed; the live systems were left as they were (see the step report); retrying",
          lastAttemptedRevision: snapshot.revision,
          lastAppliedRevision: memory.lastAppliedRevision,
        });
  if (!ok) {
    // Each executor left its system as it was (rollback); the loop retries with backoff.
    const failed = applied.filter((s) => s.status === "Error").map((s) => `${s.step}: ${s.detail ?? ""}`);
    throw Object.assign(new TransientError(`${status.message}: ${failed.join("; ")}`), {
      tick: { status, plan, applied, rows, date: today },
    });
  }
  return { status, plan, applied, rows, date: today };
}
