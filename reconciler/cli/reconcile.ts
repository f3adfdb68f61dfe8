// `plan` and `apply`: one reconcile of the platform against the inventory, printed like terraform.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import { alwaysLeader, postgresLeader } from "../daemon/leader.ts";
import type { Plan } from "../plan/model.ts";
import { planExitCode } from "../plan/model.ts";
import { printPlan } from "../plan/print.ts";
import { parseHostPort } from "../pmta/target/settings.ts";
import type { Engine } from "../reconcile/engine.ts";
import { openEngine, suspendFile, TARGET } from "../reconcile/engine.ts";
import { ReconcileRecords } from "../record/index.ts";
import { openStore } from "../store/index.ts";
import type { RecordedTick } from "../reconcile/run.ts";
import { recordedTick } from "../reconcile/run.ts";
import type { CliEnvironment } from "./context.ts";
import type { Output } from "./output.ts";
import { table } from "./output.ts";

export interface ReconcileOptions {
  readonly inventory: string;
  readonly repo?: string;
  readonly branch?: string;
  readonly path?: string;
  readonly embedded?: boolean;
  readonly sshHost?: string;
  readonly home?: string;
  /** chown of the key files uploaded to PowerMTA (user:group, "-" keeps the SSH user's); default pmta:pmta. */
  readonly fileOwner?: string;
}

export function engineFor(options: ReconcileOptions, env: CliEnvironment): Promise<Engine> {
  return openEngine({
    mode: options.embedded ? "embedded" : "production",
    inventory: options.inventory,
    repo: options.repo
      ? { url: options.repo, branch: options.branch ?? "main", path: options.path ?? "inventory" }
      : undefined,
    home: resolve(options.home ?? env.home ?? dirname(env.dataDir)),
    databaseUrl: env.databaseUrl,
    env: env.secrets ?? {},
    now: env.now,
    sshOverride: options.sshHost ? parseHostPort(options.sshHost) : undefined,
    ...(options.fileOwner !== undefined
      ? { fileOwner: options.fileOwner === "-" ? null : options.fileOwner }
      : {}),
  });
}

/** Prints why a reconcile could not plan (stalled) or failed; returns the exit code. */
export function reportProblem(tick: RecordedTick, output: Output): number | undefined {
  const status = tick.result?.status;
  if (status?.state === "stalled") {
    output.err(`stalled: ${status.message}`);
    for (const line of status.errors ?? []) output.err(line);
  }
  if (tick.error !== undefined && status?.state !== "stalled") throw asError(tick.error);
  return status?.state === "stalled" && !tick.result?.plan ? 1 : undefined;
}

/** What a tick threw, as an Error (anything else is a bug: keep its text). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(JSON.stringify(error));
}

export function printReport(tick: RecordedTick, output: Output): void {
  const applied = tick.result?.applied ?? [];
  if (applied.length === 0) return;
  const short = (text: string) => (text.length > 90 ? `${text.slice(0, 87)}...` : text);
  output.out(
    table(
      ["STEP", "STATUS", "MS", "DETAIL"],
      applied.map((s) => [s.step, s.status, Math.round(s.durationMs), short(s.detail ?? "")]),
    ),
  );
}

export async function planCommand(
  options: ReconcileOptions & { json?: boolean; out?: string },
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  const engine = await engineFor(options, env);
  try {
    const tick = await recordedTick(engine, { apply: false, trigger: "plan", now: env.now });
    const stop = reportProblem(tick, output);
    if (stop !== undefined) return stop;
    const plan = tick.result!.plan!;
    if (options.out) await writeFile(options.out, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
    output.out(options.json ? JSON.stringify(plan, null, 2) : printPlan(plan));
    if (tick.result?.status.state === "stalled") return 1;
    return planExitCode(plan);
  } finally {
    await engine.close();
  }
}

export async function applyCommand(
  options: ReconcileOptions & { plan?: string; yes?: boolean },
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  let saved: Plan | undefined;
  if (options.plan) {
    try {
      saved = JSON.parse(await readFile(options.plan, "utf8")) as Plan;
    } catch (error) {
      throw new ConfigError(`cannot read the saved plan ${options.plan}: ${(error as Error).message}`, [
        "    fix: save one with `email-engine plan --out FILE`",
      ]);
    }
  } else if (!options.yes) {
    throw new ConfigError(
      "apply needs --yes, or a plan saved with `email-engine plan --out FILE` given as --plan FILE",
      ["    (run `email-engine plan` first to see what would change)"],
    );
  }
  const engine = await engineFor(options, env);
  try {
    const fresh = await recordedTick(engine, { apply: false, trigger: "apply-check", now: env.now });
    const stop = reportProblem(fresh, output);
    if (stop !== undefined) return stop;
    const plan = fresh.result!.plan!;
    if (saved && (saved.observedDigest !== plan.observedDigest || saved.revision !== plan.revision)) {
      throw new ConfigError(
        "the saved plan no longer matches the live systems or the inventory: nothing was applied",
        [
          `    plan made for revision ${saved.revision.slice(0, 12)}, live state ${saved.observedDigest}`,
          `    now: revision ${plan.revision.slice(0, 12)}, live state ${plan.observedDigest}`,
          "    fix: run `email-engine plan --out FILE` again and review it",
        ],
      );
    }
    output.out(printPlan(plan));
    if (plan.steps.length === 0) return 0;
    // The same lock the daemons take: an apply never runs beside a reconciling daemon.
    const leader = env.databaseUrl ? postgresLeader(env.databaseUrl, "email_engine") : alwaysLeader;
    if (!(await leader.acquire())) {
      await leader.release();
      throw new ConfigError("a daemon is reconciling this platform right now: nothing was applied", [
        "    fix: let the daemon converge, or `email-engine suspend` it first",
      ]);
    }
    let tick: RecordedTick;
    try {
      tick = await recordedTick(engine, { apply: true, trigger: "apply", now: env.now });
    } finally {
      await leader.release();
    }
    printReport(tick, output);
    if (tick.error !== undefined) {
      output.err(`apply failed: ${asError(tick.error).message}`);
      return 1;
    }
    output.out(`Apply complete: ${plan.steps.length} change${plan.steps.length === 1 ? "" : "s"}.`);
    return 0;
  } finally {
    await engine.close();
  }
}

/**
 * `suspend` / `resume`: the daemon stops changing anything (it still answers, and records skipped
 * runs). With PostgreSQL the mark is in the store (every daemon sees it); with the embedded PGlite,
 * which only the daemon may open, it is a file in the engine's home.
 */
export async function suspendCommand(
  options: ReconcileOptions & { reason?: string; resume?: boolean },
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  const home = resolve(options.home ?? env.home ?? dirname(env.dataDir));
  const file = suspendFile(home);
  const reason = options.reason ?? "suspended by an operator";
  const at = env.now();
  if (env.databaseUrl) {
    const store = await openStore({ databaseUrl: env.databaseUrl });
    try {
      await new ReconcileRecords(store.sql).setStatus(
        options.resume
          ? { target: TARGET, state: "progressing", reason: "Resumed", message: "resumed by an operator", at }
          : { target: TARGET, state: "suspended", reason: "Suspended", message: reason, at },
      );
    } finally {
      await store.close();
    }
  }
  if (options.resume) await rm(file, { force: true });
  else if (!env.databaseUrl) {
    await mkdir(home, { recursive: true });
    await writeFile(file, `${reason}\n`);
  }
  output.out(
    options.resume
      ? "resumed: the next tick reconciles"
      : `suspended (${reason}): ticks are skipped until \`email-engine resume\``,
  );
  return 0;
}
