// Deploy a rendered PowerMTA config through a HostTransport: SSH in production, the local sandbox for
// the embedded default and tests (issue 3 part 4; reference/powermta.md §2 "Deploy procedure"). lint → lock → read live → (equal: stop) → backup → extra files → upload → atomic move →
// `pmta test config` (fails: restore, no reload) → `pmta reload` → verify; any failure after the move
// restores the previous files and reloads them. The lock is released on every path.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { ConfigError } from "../../errors.ts";
import {
  lintOrThrow,
  readPlan,
  redactingLogger,
  rollback,
  takeBackups,
  verifyLive,
  type DeployPlan,
  type RollbackState,
} from "./deploy-steps.ts";
import { moveIntoPlace, uploadTemp } from "./files.ts";
import { acquireHostLock, type HostLock } from "./lock.ts";
import { Redactor, silentLogger, type HostLogger } from "./log.ts";
import { sh } from "./quote.ts";
import { parseVmtaNames } from "./status.ts";
import { StepRecorder, type DeployReport } from "./report.ts";
import type { HostSession, HostTransport } from "./session.ts";
import { sshTransport, type HostConnectOptions } from "./ssh.ts";

export interface DeployPaths {
  /** The live config, /etc/pmta/config in production. */
  configPath: string;
  backupDir: string;
  /** A directory path; its atomic creation is the lock. */
  lockPath: string;
}

/** A file written before the config (DKIM keys, the smtp-users secrets file). Its content is secret. */
export interface ExtraFile {
  path: string;
  content: string | Buffer;
  mode: number;
  owner?: string;
}

export interface LintProblem {
  severity?: "error" | "warning";
  message: string;
  line?: number;
}

export interface DeployHooks {
  /** Called after each chunk of an upload (tests use it to drop the connection mid-way). */
  onUploadChunk?: (info: { path: string; sent: number; total: number }, session: HostSession) => void;
}

export interface DeployOptions {
  /** SSH to the host. Give this or `transport`. */
  connection?: HostConnectOptions;
  /** Any other way to reach the host (the local sandbox). Wins over `connection`. */
  transport?: HostTransport;
  paths: DeployPaths;
  configText: string;
  extraFiles?: readonly ExtraFile[];
  lint: (text: string) => readonly LintProblem[];
  /** VMTA names that must be live after the reload. */
  expectedVmtas: readonly string[];
  keepBackups: number;
  /** More secret values to keep out of logs and errors (e.g. the SMTP password). */
  secrets?: readonly string[];
  lockOwner?: string;
  staleLockSeconds?: number;
  maxConfigBytes?: number;
  configMode?: number;
  clock?: () => Date;
  logger?: HostLogger;
  hooks?: DeployHooks;
  /**
   * Live and desired config texts that differ but mean the same (e.g. only comments or the header's
   * revision differ): the config is then left as it is and not reloaded. Default: byte equality only.
   */
  equivalent?: (live: string, desired: string) => boolean;
}

function transportOf(options: DeployOptions): HostTransport {
  if (options.transport) return options.transport;
  if (options.connection) return sshTransport(options.connection);
  throw new ConfigError("deployPmtaConfig needs a connection or a transport");
}

const NO_CHANGE_STEPS = [
  "backup",
  "upload-extra-files",
  "upload-config",
  "move-into-place",
  "test-config",
  "reload",
  "verify",
  "rollback",
] as const;

export async function deployPmtaConfig(options: DeployOptions): Promise<DeployReport> {
  if (!Number.isInteger(options.keepBackups) || options.keepBackups < 1) {
    throw new ConfigError(`keepBackups must be an integer >= 1, got ${options.keepBackups}`);
  }
  const extraFiles = options.extraFiles ?? [];
  const { configPath, backupDir, lockPath } = options.paths;
  const transport = transportOf(options);
  const redactor = new Redactor([
    ...extraFiles.map((f) => Buffer.from(f.content).toString("utf8")),
    ...(options.secrets ?? []),
    ...transport.secrets,
  ]);
  const logger = redactingLogger(options.logger ?? options.connection?.logger ?? silentLogger, redactor);
  const rec = new StepRecorder(redactor, () => performance.now());
  const token = randomBytes(8).toString("hex");
  const state: RollbackState = {
    configPath,
    token,
    backupPath: null,
    prevCopies: new Map(),
    extraFilesStarted: false,
    movedConfig: false,
    reloadAttempted: false,
  };
  const report: DeployReport = {
    ok: false,
    changed: false,
    applied: false,
    rolledBack: false,
    backupPath: null,
    error: null,
    steps: [],
  };
  let session: HostSession | undefined;
  let lock: HostLock | undefined;
  let plan: DeployPlan | undefined;
  const onChunk = (path: string) => (sent: number, total: number) =>
    session && options.hooks?.onUploadChunk?.({ path, sent, total }, session);

  try {
    await rec.run("lint", () =>
      Promise.resolve({ value: undefined, detail: lintOrThrow(options.configText, options.lint) }),
    );
    const s = await rec.run("connect", async () => {
      session = await transport.open(logger);
      // The local sandbox refuses anything outside its directory, before a single command runs.
      session.confine([configPath, backupDir, lockPath, ...extraFiles.map((f) => f.path)]);
      return { value: session, detail: session.label };
    });
    lock = await rec.run("lock", async () => {
      const owner = options.lockOwner ?? `email-engine deploy on ${hostname()} pid ${process.pid}`;
      const staleAfterSeconds = options.staleLockSeconds ?? 900;
      const l = await acquireHostLock(s, { lockPath, owner, token, staleAfterSeconds });
      return {
        value: l,
        detail: l.brokeStaleLock ? `took it after breaking a stale lock of ${l.brokeStaleLock}` : lockPath,
      };
    });
    const p = await rec.run("read-live", async () => {
      plan = await readPlan(
        s,
        configPath,
        options.configText,
        extraFiles,
        options.maxConfigBytes ?? 8 * 1024 * 1024,
        options.equivalent,
      );
      const config = plan.configChanged
        ? "config differs"
        : plan.configEquivalent
          ? "config equivalent (only comments differ; left as it is)"
          : "config equal";
      return {
        value: plan,
        detail: `${config}, ${plan.changedFiles.length} of ${extraFiles.length} extra file(s) differ`,
      };
    });
    if (!p.configChanged && p.changedFiles.length === 0) {
      // Equal files do not prove PowerMTA runs them: a deploy that died between its move and its
      // reload left the new config on disk, not loaded. Reload when a VMTA is missing from what runs.
      const notLoaded = await rec.run("check-loaded", async () => {
        const out = await s.run(sh`pmta --dom show vmtas`, "pmta show vmtas");
        const running = parseVmtaNames(out.stdout.toString("utf8"));
        const missing = options.expectedVmtas.filter((name) => !running.includes(name));
        return {
          value: missing,
          detail:
            missing.length > 0
              ? `on disk but not loaded: ${missing.join(", ")}`
              : "the loaded config is the one on disk",
        };
      });
      if (notLoaded.length > 0) {
        report.changed = true;
        for (const step of ["backup", "upload-extra-files", "upload-config", "move-into-place"] as const) {
          rec.skip(step, "the files on disk are already the rendered ones");
        }
        await rec.run("test-config", async () => {
          const r = await s.run(sh`pmta test config`, "pmta test config");
          return { value: undefined, detail: r.stdout.toString("utf8").trim() };
        });
        await rec.run("reload", async () => {
          const r = await s.run(sh`pmta reload`, "pmta reload");
          return { value: undefined, detail: r.stdout.toString("utf8").trim() };
        });
        await rec.run("verify", async () => ({
          value: undefined,
          detail: await verifyLive(s, options.expectedVmtas),
        }));
        rec.skip("rollback", "not needed");
        report.ok = true;
        report.applied = true;
        return report;
      }
      for (const step of NO_CHANGE_STEPS)
        rec.skip(
          step,
          p.configEquivalent
            ? "no change: the live config differs from the rendered one in comments only, files are equal"
            : "no change: the live config and files equal the rendered ones",
        );
      report.ok = true;
      return report;
    }
    report.changed = true;
    rec.skip("check-loaded", "the config changes: it is reloaded anyway");
    await rec.run("backup", async () => {
      const detail = await takeBackups(
        s,
        p,
        state,
        backupDir,
        options.keepBackups,
        (options.clock ?? (() => new Date()))(),
      );
      return { value: undefined, detail };
    });
    await rec.run("upload-extra-files", async () => {
      state.extraFilesStarted = p.changedFiles.length > 0;
      for (const { file } of p.changedFiles) {
        await moveIntoPlace(s, await uploadTemp(s, { ...file, token, onChunk: onChunk(file.path) }));
      }
      return {
        value: undefined,
        detail: p.changedFiles.map((f) => f.file.path).join(", ") || "none changed",
      };
    });
    if (p.configChanged) {
      const content = options.configText;
      const upload = await rec.run("upload-config", async () => {
        const mode = options.configMode ?? 0o644;
        const u = await uploadTemp(s, {
          path: configPath,
          content,
          mode,
          token,
          onChunk: onChunk(configPath),
        });
        return { value: u, detail: `${Buffer.byteLength(content)} bytes to ${u.tmp}` };
      });
      await rec.run("move-into-place", async () => {
        await moveIntoPlace(s, upload);
        state.movedConfig = true;
        return { value: undefined, detail: configPath };
      });
    } else {
      rec.skip("upload-config", "config unchanged (only extra files changed)");
      rec.skip("move-into-place", "config unchanged (only extra files changed)");
    }
    await rec.run("test-config", async () => {
      const r = await s.run(sh`pmta test config`, "pmta test config");
      return { value: undefined, detail: r.stdout.toString("utf8").trim() };
    });
    state.reloadAttempted = true;
    await rec.run("reload", async () => {
      const r = await s.run(sh`pmta reload`, "pmta reload");
      return { value: undefined, detail: r.stdout.toString("utf8").trim() };
    });
    await rec.run("verify", async () => ({
      value: undefined,
      detail: await verifyLive(s, options.expectedVmtas),
    }));
    rec.skip("rollback", "not needed");
    report.ok = true;
    report.applied = true;
    return report;
  } catch (error) {
    report.error = rec.message(error);
    logger.error({ host: session?.label ?? transport.label, error: report.error }, "PowerMTA deploy failed");
    const wroteSomething = state.movedConfig || state.extraFilesStarted;
    if (wroteSomething && session && !session.closed && plan) {
      const [s, p] = [session, plan];
      try {
        await rec.run("rollback", async () => ({ value: undefined, detail: await rollback(s, p, state) }));
        report.rolledBack = true;
      } catch (e) {
        report.error = `${report.error}; ROLLBACK FAILED, the host may run the new config: ${rec.message(e)}`;
      }
    } else if (wroteSomething) {
      rec.skip("rollback", "impossible: the connection is gone");
    }
    return report;
  } finally {
    report.backupPath = state.backupPath;
    if (lock && session && !session.closed) {
      const l = lock;
      await rec
        .run("unlock", async () => ({ value: await l.release(), detail: lockPath }))
        .catch(() => undefined);
    } else if (lock) {
      rec.skip("unlock", "connection lost: the lock stays until it is stale");
    }
    if (session && !session.closed) {
      for (const copy of state.prevCopies.values())
        await session.exec(sh`rm -f -- ${copy}`).catch(() => undefined);
      session.close();
    }
    report.steps = rec.steps();
  }
}
