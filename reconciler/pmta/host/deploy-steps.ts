// The remote work of each deploy step (deploy.ts orders them and keeps the report).
import { basename, join } from "node:path";
import { ConfigError, TransientError } from "../../errors.ts";
import type { ExtraFile, LintProblem } from "./deploy.ts";
import { readRemoteFile, remoteFileState, removeTempFiles, restoreCopy, sha256Hex } from "./files.ts";
import type { HostLogger, Redactor } from "./log.ts";
import { sh } from "./quote.ts";
import type { HostSession } from "./session.ts";
import { parseStatus, parseVmtaNames } from "./status.ts";

/** What differs between the rendered state and the live host. */
export interface DeployPlan {
  configChanged: boolean;
  /** The bytes differ but `equivalent` judged them the same: the live config is kept. */
  configEquivalent: boolean;
  configExisted: boolean;
  changedFiles: { file: ExtraFile; existed: boolean }[];
}

/** What a rollback must undo; filled in as the deploy goes. */
export interface RollbackState {
  configPath: string;
  token: string;
  backupPath: string | null;
  /** Extra file path → the copy of its previous content. */
  prevCopies: Map<string, string>;
  extraFilesStarted: boolean;
  movedConfig: boolean;
  reloadAttempted: boolean;
}

export function lintOrThrow(text: string, lint: (text: string) => readonly LintProblem[]): string {
  const problems = lint(text);
  const errors = problems.filter((p) => (p.severity ?? "error") === "error");
  const lines = problems.map((p) => `${p.line === undefined ? "" : `line ${p.line}: `}${p.message}`);
  if (errors.length > 0) {
    throw new ConfigError(
      `The rendered config has ${errors.length} lint error(s): ${lines.join("; ")}`,
      lines,
    );
  }
  return `${problems.length} warning(s)`;
}

export async function readPlan(
  session: HostSession,
  configPath: string,
  configText: string,
  extraFiles: readonly ExtraFile[],
  maxConfigBytes: number,
  equivalent?: (live: string, desired: string) => boolean,
): Promise<DeployPlan> {
  // Leftovers of a deploy that lost its connection: safe to remove while we hold the lock.
  await removeTempFiles(session, [configPath, ...extraFiles.map((f) => f.path)]);
  const live = await readRemoteFile(session, configPath, maxConfigBytes);
  const differs = live === null || !live.equals(Buffer.from(configText));
  const same =
    live !== null && differs && equivalent !== undefined && equivalent(live.toString("utf8"), configText);
  const plan: DeployPlan = {
    configChanged: differs && !same,
    configEquivalent: same,
    configExisted: live !== null,
    changedFiles: [],
  };
  for (const file of extraFiles) {
    const state = await remoteFileState(session, file.path);
    const same =
      state.exists && state.sha256 === sha256Hex(file.content) && state.mode === file.mode.toString(8);
    if (!same) plan.changedFiles.push({ file, existed: state.exists });
  }
  return plan;
}

function stampOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(".", "");
}

/** Timestamped copy of the live config (keeping the newest `keep`), and copies of extra files to overwrite. */
export async function takeBackups(
  session: HostSession,
  plan: DeployPlan,
  state: RollbackState,
  backupDir: string,
  keep: number,
  now: Date,
): Promise<string> {
  const { configPath } = state;
  if (plan.configExisted) {
    state.backupPath = join(backupDir, `${basename(configPath)}.${stampOf(now)}`);
    await session.run(
      sh`mkdir -p -- ${backupDir} && cp -p -- ${configPath} ${state.backupPath}`,
      "Backing up the config",
    );
    await pruneBackups(session, backupDir, basename(configPath), keep);
  }
  for (const { file, existed } of plan.changedFiles) {
    if (!existed) continue;
    const copy = `${file.path}.prev-${state.token}`;
    await session.run(sh`cp -p -- ${file.path} ${copy}`, `Keeping the previous ${file.path}`);
    state.prevCopies.set(file.path, copy);
  }
  return state.backupPath ?? "no live config to back up";
}

async function pruneBackups(session: HostSession, dir: string, base: string, keep: number): Promise<void> {
  const listed = await session.run(
    sh`find ${dir} -maxdepth 1 -type f -name ${`${base}.*`}`,
    "Listing backups",
  );
  // Names end in a UTC timestamp, so name order is age order.
  const backups = listed.stdout
    .toString("utf8")
    .split("\n")
    .filter((l) => l !== "")
    .sort();
  const old = backups.slice(0, Math.max(0, backups.length - keep));
  if (old.length > 0) await session.run(sh`rm -f -- ${old}`, "Removing old backups");
}

/** PowerMTA answers its status and runs every expected VMTA. */
export async function verifyLive(session: HostSession, expected: readonly string[]): Promise<string> {
  const statusOut = await session.run(sh`pmta --dom show status`, "pmta show status");
  const status = parseStatus(statusOut.stdout.toString("utf8"));
  if (status.status !== null && status.status !== "running") {
    throw new TransientError(`PowerMTA status is "${status.status}", not "running"`);
  }
  const vmtasOut = await session.run(sh`pmta --dom show vmtas`, "pmta show vmtas");
  const live = parseVmtaNames(vmtasOut.stdout.toString("utf8"));
  const missing = expected.filter((name) => !live.includes(name));
  if (missing.length > 0) {
    throw new TransientError(`VMTA(s) missing after the reload: ${[...missing].sort().join(", ")}`);
  }
  return `status ${status.status ?? "answered"}; ${expected.length} VMTA(s) present`;
}

/** Put back the previous config and files; reload only if the new config may have been loaded. */
export async function rollback(
  session: HostSession,
  plan: DeployPlan,
  state: RollbackState,
): Promise<string> {
  const done: string[] = [];
  const { configPath } = state;
  if (state.movedConfig) {
    if (state.backupPath) await restoreCopy(session, state.backupPath, configPath, state.token);
    else await session.run(sh`rm -f -- ${configPath}`, "Removing the new config (there was none before)");
    done.push(`restored ${configPath}`);
  }
  for (const { file, existed } of plan.changedFiles) {
    const copy = state.prevCopies.get(file.path);
    if (existed && copy) await session.run(sh`mv -f -- ${copy} ${file.path}`, `Restoring ${file.path}`);
    else if (!existed) await session.run(sh`rm -f -- ${file.path}`, `Removing ${file.path}`);
    done.push(`restored ${file.path}`);
  }
  if (state.reloadAttempted) {
    await session.run(sh`pmta reload`, "pmta reload (previous config)");
    done.push("reloaded the previous config");
  } else {
    done.push("not reloaded (the new config was never loaded)");
  }
  return done.join("; ");
}

/** Pass every message and string field through the redactor before the real logger sees it. */
export function redactingLogger(logger: HostLogger, redactor: Redactor): HostLogger {
  const clean = (fields: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, typeof v === "string" ? redactor.redact(v) : v]),
    );
  return {
    debug: (f, m) => logger.debug(clean(f), redactor.redact(m)),
    info: (f, m) => logger.info(clean(f), redactor.redact(m)),
    warn: (f, m) => logger.warn(clean(f), redactor.redact(m)),
    error: (f, m) => logger.error(clean(f), redactor.redact(m)),
  };
}
