// `email-engine deploy pmta [--inventory DIR] [--host NAME] [--date YYYY-MM-DD] [--dry-run] …`: render
// the host's config for the day's warm-up quotas, show its drift against the live host like a plan
// (+ added, - removed, ~ changed, per VMTA), and unless --dry-run deploy it (lint, lock, back up, DKIM
// keys and smtp-users first, upload, atomic move, test, reload, verify, roll back on failure), printing
// every step. Exit codes: 0 in sync or deployed; 2 drift found by --dry-run; 1 failure.
import { dirname, join } from "node:path";
import { warmupTable } from "../derive/warmup-table.ts";
import { DkimVault } from "../dkim/index.ts";
import { TransientError } from "../errors.ts";
import { loadPmtaTemplates } from "../pmta/config/index.ts";
import { Redactor } from "../pmta/host/log.ts";
import type { DeployReport } from "../pmta/host/report.ts";
import { LocalHost } from "../pmta/local/index.ts";
import type { TargetObservation } from "../pmta/target/index.ts";
import {
  buildPmtaTarget,
  deployTarget,
  formatDrift,
  observeTarget,
  parseHostPort,
} from "../pmta/target/index.ts";
import type { JudgedDay } from "../warmup/calendar.ts";
import { localDate, parseLocalDate } from "../warmup/dates.ts";
import type { Secrets } from "./check.ts";
import type { CliEnvironment } from "./context.ts";
import { judgedDaysFromStore } from "./context.ts";
import { defaultVaultDir } from "./dkim.ts";
import type { Output } from "./output.ts";
import { table } from "./output.ts";
import { inventoryRevision, pmtaHostOf } from "./render.ts";
import { loadValidInventory } from "./validate.ts";

export interface DeployPmtaOptions {
  readonly inventory: string;
  readonly host?: string;
  readonly date?: string;
  readonly dataDir?: string;
  /** DKIM vault directory (default: .email-engine/dkim next to the data directory). */
  readonly vault?: string;
  readonly dryRun?: boolean;
  /** false (commander's --no-ledger): quotas as if every past day was unjudged. */
  readonly ledger?: boolean;
  /**
   * HOST or HOST:PORT to connect to instead of the inventory's address: an SSH tunnel or port forward
   * (`ssh -L 2222:pmta:22 bastion` → `--ssh-host 127.0.0.1:2222`), and the tests' sshd. The host key
   * is still the pinned one of the inventory.
   */
  readonly sshHost?: string;
  /**
   * A local sandbox directory instead of SSH (embedded default and tests only, never a real host): its
   * etc/ stands for /etc/pmta and a `pmta` stand-in answers.
   */
  readonly local?: string;
  /** chown of the DKIM keys and smtp-users file (default pmta:pmta over SSH); "-" keeps the uploader's. */
  readonly fileOwner?: string;
  readonly revision?: string;
  readonly templates?: string;
}

/** Where the embedded default keeps its local PowerMTA sandbox: next to the data directory. */
export function defaultLocalPmtaDir(env: CliEnvironment): string {
  return join(dirname(env.dataDir), "pmta-local");
}

function planLines(observation: TargetObservation): string[] {
  const files = observation.files
    .filter((f) => f.change !== "equal")
    .map((f) =>
      f.change === "missing"
        ? `+ file ${f.path}`
        : `~ file ${f.path} (${f.change === "content" ? "content differs" : "mode differs"})`,
    );
  if (observation.drift.inSync && files.length === 0) {
    return ["in sync: the live config and files equal the rendered ones (comments aside)"];
  }
  return [...(observation.drift.inSync ? [] : formatDrift(observation.drift)), ...files];
}

function reportLines(report: DeployReport): string[] {
  const rows = report.steps.map((s) => [
    s.step,
    s.status,
    `${Math.round(s.durationMs)} ms`,
    s.detail.replace(/\s+/g, " ").slice(0, 160),
  ]);
  const summary = !report.ok
    ? `FAILED: ${report.error ?? "unknown error"}${report.rolledBack ? " (the previous config was restored)" : ""}`
    : report.applied
      ? "deployed: the new config is live and verified"
      : "no change: nothing written, PowerMTA not reloaded";
  return [table(["STEP", "STATUS", "DURATION", "DETAIL"], rows), summary];
}

export async function deployPmtaCommand(
  options: DeployPmtaOptions,
  env: CliEnvironment,
  output: Output,
  secrets: Secrets = process.env,
): Promise<number> {
  const date = options.date !== undefined ? parseLocalDate(options.date) : undefined;
  const { inventory } = await loadValidInventory(options.inventory);
  const host = pmtaHostOf(inventory, options.host);
  const today = date ?? localDate(env.now(), inventory.platform.timezone);
  const ledger =
    options.ledger === false
      ? new Map<string, JudgedDay[]>()
      : await judgedDaysFromStore(env, options.dataDir, today);
  const target = await buildPmtaTarget({
    inventory,
    host,
    secrets,
    vault: new DkimVault(options.vault ?? defaultVaultDir(env)),
    quotas: warmupTable(inventory, ledger, today),
    date: today,
    revision: options.revision ?? (await inventoryRevision(options.inventory)),
    templates: await loadPmtaTemplates(options.templates),
    ...(options.sshHost !== undefined ? { sshOverride: parseHostPort(options.sshHost) } : {}),
    ...(options.local !== undefined ? { local: await LocalHost.prepare(options.local) } : {}),
    ...(options.fileOwner !== undefined
      ? { fileOwner: options.fileOwner === "-" ? null : options.fileOwner }
      : {}),
  });
  // Nothing below prints a secret, and this makes sure of it (a live config may hold anything).
  const redactor = new Redactor(target.secrets);
  const out = (text: string) => output.out(redactor.redact(text));
  for (const warning of target.warnings) output.err(`warning: ${redactor.redact(warning)}`);

  let observation: TargetObservation;
  try {
    observation = await observeTarget(target);
  } catch (error) {
    if (error instanceof TransientError) throw new TransientError(redactor.redact(error.message));
    throw error;
  }
  out(`PowerMTA ${host} at ${observation.label}, warm-up date ${today}:`);
  for (const line of planLines(observation)) out(line);
  if (options.dryRun) return observation.changes ? 2 : 0;

  const report = await deployTarget(target, { clock: env.now });
  out("");
  for (const line of reportLines(report)) out(line);
  return report.ok ? 0 : 1;
}
