// `email-engine render pmta [--inventory DIR] [--host NAME] [--date YYYY-MM-DD] [--no-ledger]`:
// prints the PowerMTA config a host would get today, after linting it. Without a ledger (or with
// --no-ledger) every IP is judged on an empty ledger: day 1 from its start date.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { warmupTable } from "../derive/warmup-table.ts";
import { ConfigError } from "../errors.ts";
import { entries } from "../inventory/model.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import { lintPmtaConfig, loadPmtaTemplates, renderPmtaConfig } from "../pmta/config/index.ts";
import type { JudgedDay } from "../warmup/calendar.ts";
import { localDate, parseLocalDate } from "../warmup/dates.ts";
import { DkimVault } from "../dkim/index.ts";
import { pmtaSettingsOf } from "../pmta/target/settings.ts";
import type { CliEnvironment } from "./context.ts";
import { defaultVaultDir } from "./dkim.ts";
import { judgedDaysFromStore } from "./context.ts";
import type { Output } from "./output.ts";
import { loadValidInventory } from "./validate.ts";

export interface RenderPmtaOptions {
  readonly inventory: string;
  readonly host?: string;
  readonly date?: string;
  readonly dataDir?: string;
  /** false (commander's --no-ledger): do not open the store, use an empty ledger. */
  readonly ledger?: boolean;
  /** Printed in the header; default: the last commit of the inventory directory (inventoryRevision). */
  readonly revision?: string;
  /** DKIM key vault whose active selectors sign (default .email-engine/dkim). */
  readonly vault?: string;
  /** templates/pmta directory (tests point it elsewhere). */
  readonly templates?: string;
}

const run = promisify(execFile);

/**
 * The last commit that touched the inventory directory (not the repository's HEAD: a code-only commit
 * must not change the rendered header), marked when the directory has uncommitted changes.
 */
export async function inventoryRevision(dir: string): Promise<string> {
  const git = (args: string[]) =>
    run("git", ["-C", dir, ...args], { timeout: 5_000, maxBuffer: 1_048_576 }).then((r) => r.stdout.trim());
  try {
    const commit = await git(["log", "-1", "--format=%h", "--abbrev=12", "--", "."]);
    const dirty = await git(["status", "--porcelain", "--", "."]);
    if (commit === "") return "uncommitted";
    return `${commit}${dirty === "" ? "" : "+uncommitted"}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}

export function pmtaHostOf(inventory: Inventory, host: string | undefined): string {
  const hosts = entries(inventory.servers)
    .filter(([, s]) => s.role === "pmta")
    .map(([name]) => name);
  if (host !== undefined) return host;
  if (hosts.length === 1) return hosts[0]!;
  throw new ConfigError(`--host is required: the inventory has ${hosts.length} PowerMTA servers`, [
    `    allowed values: ${hosts.join(", ") || "(none)"}`,
  ]);
}

export async function renderPmtaCommand(
  options: RenderPmtaOptions,
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  const date = options.date !== undefined ? parseLocalDate(options.date) : undefined;
  const { inventory } = await loadValidInventory(options.inventory);
  const host = pmtaHostOf(inventory, options.host);
  const today = date ?? localDate(env.now(), inventory.platform.timezone);
  const ledger =
    options.ledger === false
      ? new Map<string, JudgedDay[]>()
      : await judgedDaysFromStore(env, options.dataDir, today);
  // The same settings and signing selectors `deploy pmta` uses, so both show the same config.
  const text = renderPmtaConfig({
    inventory,
    host,
    quotas: warmupTable(inventory, ledger, today),
    revision: options.revision ?? (await inventoryRevision(options.inventory)),
    templates: await loadPmtaTemplates(options.templates),
    date: today,
    settings: pmtaSettingsOf(inventory.servers[host]!),
    dkimSelectors: await new DkimVault(options.vault ?? defaultVaultDir(env)).activeSelectors(),
  });
  const problems = lintPmtaConfig(text);
  const errors = problems.filter((p) => p.severity === "error");
  for (const p of problems) output.err(`config:${p.line}: ${p.severity}: ${p.message}`);
  if (errors.length > 0) {
    output.err(
      `the rendered config for ${host} has ${errors.length} lint error${errors.length === 1 ? "" : "s"}: fix the templates`,
    );
    return 1;
  }
  output.out(text);
  return 0;
}
