// `email-engine check dns` and `check blocklists`: the deliverability monitors run once against the
// resolver given on the command line (or, once the schema holds it, in the inventory's `monitoring`).
// Exit 0 when nothing fails or is listed, 1 otherwise; "could not check" is reported, not fatal.
// Each run stores the day's verdicts per IP and domain for the warm-up gates and updates the ledger's
// `listed` flags (reconciler/monitor/), in one transaction with the blocklist history.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { BlocklistHistory } from "../blocklists/history.ts";
import type { BlocklistSettings } from "../blocklists/lists.ts";
import { activeBlocklists } from "../blocklists/lists.ts";
import { checkBlocklists } from "../blocklists/query.ts";
import { dkimKeyName, dnsExitCode, runDnsChecks } from "../dns/checks.ts";
import { createDnsClient, DEFAULT_TIMEOUT_MS, DEFAULT_TRIES } from "../dns/resolver.ts";
import { DkimVault } from "../dkim/index.ts";
import { defaultVaultDir } from "./dkim.ts";
import { ConfigError } from "../errors.ts";
import type { Secrets } from "../inventory/secrets.ts";
import { readSecret } from "../inventory/secrets.ts";
import type { Inventory, Monitoring } from "../inventory/types.gen.ts";
import type { VerdictEntry } from "../monitor/repository.ts";
import { lockMonitorRuns, recordMonitorRun } from "../monitor/record.ts";
import type { MonitorSignals } from "../monitor/signals.ts";
import { blocklistVerdicts, dnsVerdicts } from "../monitor/verdicts.ts";
import { localDate } from "../warmup/dates.ts";
import type { CliEnvironment } from "./context.ts";
import { openCommandStore } from "./context.ts";
import type { Output } from "./output.ts";
import { table } from "./output.ts";
import { loadValidInventory } from "./validate.ts";

export const DEFAULT_CONCURRENCY_PER_ZONE = 8;

export interface CheckOptions {
  readonly inventory: string;
  /** HOST:PORT, repeatable; replaces the inventory's resolvers. */
  readonly resolver?: string | readonly string[];
  readonly json?: boolean;
  /** Per-try DNS timeout in milliseconds. */
  readonly timeout?: string | number;
  /** Directory of DKIM keys held by email-engine: `<selector>._domainkey.<domain>.pem` (public or private). */
  readonly dkimKeys?: string;
  /** Embedded store directory for the monitors' history and verdicts (env EMAIL_ENGINE_DATA_DIR). */
  readonly dataDir?: string;
  /** Programmatic only (tests, benchmark): blocklist settings until the inventory holds them. */
  readonly blocklists?: BlocklistSettings;
}

/** The inventory's `monitoring` section (resolvers, timeouts, blocklists and their keys). */
export type MonitoringSettings = Monitoring;

function definedOnly(record: { [k: string]: string | undefined } | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

export { readSecret } from "../inventory/secrets.ts";
export type { Secrets } from "../inventory/secrets.ts";

/** Blocklist settings from the inventory's monitoring section (keys read from secrets), then overrides. */
export async function blocklistSettingsOf(
  monitoring: MonitoringSettings,
  secrets: Secrets,
  overrides: BlocklistSettings = {},
): Promise<BlocklistSettings> {
  const keys: Record<string, string> = {};
  for (const [id, ref] of Object.entries(monitoring.blocklists?.keys ?? {})) {
    if (ref) keys[id] = await readSecret(ref, secrets, `monitoring.blocklists.keys.${id}`);
  }
  return {
    ...overrides,
    disabled: [...(monitoring.blocklists?.disabled ?? []), ...(overrides.disabled ?? [])],
    keys: { ...keys, ...overrides.keys },
    zones: { ...definedOnly(monitoring.blocklists?.zones), ...overrides.zones },
  };
}

function monitoringOf(inventory: Inventory): MonitoringSettings {
  return inventory.monitoring ?? {};
}

function dnsClientFor(options: CheckOptions, inventory: Inventory) {
  const monitoring = monitoringOf(inventory);
  const given = options.resolver === undefined ? [] : [options.resolver].flat();
  const timeoutMs =
    options.timeout === undefined ? (monitoring.timeoutMs ?? DEFAULT_TIMEOUT_MS) : Number(options.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 50 || timeoutMs > 60_000) {
    throw new ConfigError(
      `invalid DNS timeout ${String(options.timeout)}: give milliseconds between 50 and 60000`,
    );
  }
  return createDnsClient({
    servers: given.length > 0 ? given : (monitoring.resolvers ?? []),
    timeoutMs,
    tries: monitoring.tries ?? DEFAULT_TRIES,
  });
}

/**
 * The DKIM keys email-engine holds: from --dkim-keys DIR of PEM files when given, else the public
 * halves in the key vault (no master key needed), retired selectors left out.
 */
async function readDkimKeys(dir: string | undefined, env: CliEnvironment): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  if (dir === undefined) {
    for (const key of await new DkimVault(defaultVaultDir(env)).list()) {
      if (key.status !== "retired") keys.set(dkimKeyName(key.selector, key.domain), key.publicKey);
    }
    return keys;
  }
  let files: string[];
  try {
    files = await readdir(dir);
  } catch {
    throw new ConfigError(`cannot read the DKIM key directory ${dir}`);
  }
  for (const file of files.filter((f) => f.endsWith(".pem")).sort()) {
    keys.set(file.slice(0, -".pem".length).toLowerCase(), await readFile(join(dir, file), "utf8"));
  }
  return keys;
}

/**
 * What the gates will read for the day: this check's domain verdicts that are not clear, then every
 * IP held or stopped by the day's verdicts so far (all monitors, the IP's domain included).
 */
function gateLines(
  verdicts: readonly VerdictEntry[],
  signals: ReadonlyMap<string, MonitorSignals>,
): string[] {
  const domains = verdicts
    .filter((v) => v.kind === "domain" && v.verdict !== "clear")
    .map((v) => `domain ${v.subject}: ${v.verdict}`);
  const ips = [...signals]
    .filter(([, s]) => s.listed)
    .map(([ip, s]) => `ip ${ip}: ${s.listedPause ? "pause" : "hold"}`);
  return [...domains, ...ips];
}

export async function checkDnsCommand(
  options: CheckOptions,
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  const { inventory } = await loadValidInventory(options.inventory);
  const dns = dnsClientFor(options, inventory);
  const at = env.now();
  const findings = await runDnsChecks(inventory, dns, {
    dkimKeys: await readDkimKeys(options.dkimKeys, env),
  });
  // The day's verdicts for the gates, and the ledger's `listed` flags they imply, in one transaction.
  const day = localDate(at, inventory.platform.timezone);
  const verdicts = dnsVerdicts(inventory, findings, day);
  const store = await openCommandStore(env, options.dataDir);
  let signals: Map<string, MonitorSignals>;
  try {
    signals = await store.sql.transaction((tx) => recordMonitorRun(tx, inventory, verdicts, at));
  } finally {
    await store.close();
  }
  if (options.json) {
    output.out(JSON.stringify(findings, null, 2));
    return dnsExitCode(findings);
  }
  output.out(`DNS checks against ${dns.servers.join(", ")}`);
  output.out(
    table(
      ["SUBJECT", "CHECK", "STATUS", "SEVERITY", "DETAIL"],
      findings.map((f) => [f.subject, f.check, f.status, f.severity, f.detail]),
    ),
  );
  for (const f of findings.filter((x) => x.status !== "ok" && x.fix !== "")) {
    output.out(`fix ${f.subject} ${f.check}: ${f.fix}`);
  }
  for (const line of gateLines(verdicts, signals)) output.out(line);
  const count = (s: string) => findings.filter((f) => f.status === s).length;
  output.out(
    `${findings.length} checks: ${count("ok")} ok, ${count("warn")} warn, ${count("fail")} fail, ${count("error")} could not check`,
  );
  return dnsExitCode(findings);
}

export async function checkBlocklistsCommand(
  options: CheckOptions,
  env: CliEnvironment,
  output: Output,
  secrets: Secrets = process.env,
): Promise<number> {
  const { inventory } = await loadValidInventory(options.inventory);
  const dns = dnsClientFor(options, inventory);
  const monitoring = monitoringOf(inventory);
  const lists = activeBlocklists(await blocklistSettingsOf(monitoring, secrets, options.blocklists));
  const concurrencyPerZone = monitoring.blocklists?.concurrencyPerZone ?? DEFAULT_CONCURRENCY_PER_ZONE;
  const ips = [
    ...new Set(inventory.ips.flatMap((ip) => (ip.address === undefined ? [] : [ip.address]))),
  ].sort();
  const domains = Object.keys(inventory.domains).sort();
  const at = env.now();
  const run = await checkBlocklists(dns, lists, { ips, domains }, { concurrencyPerZone });

  const day = localDate(at, inventory.platform.timezone);
  const verdicts = blocklistVerdicts(inventory, run.results, day);
  const store = await openCommandStore(env, options.dataDir);
  let signals: Map<string, MonitorSignals>;
  try {
    // History, the day's verdicts and the ledger's `listed` flags: all or nothing.
    signals = await store.sql.transaction(async (tx) => {
      await lockMonitorRuns(tx);
      await new BlocklistHistory(tx).record(run.results, at);
      return recordMonitorRun(tx, inventory, verdicts, at);
    });
  } finally {
    await store.close();
  }

  const listed = run.results.filter((r) => r.status === "listed");
  if (options.json) {
    output.out(
      JSON.stringify(
        run.results.map((r) => ({
          subject: r.subject,
          check: `blocklist.${r.list}`,
          status: r.status,
          severity: r.severity,
          codes: r.codes,
          detail: r.detail,
        })),
        null,
        2,
      ),
    );
    return listed.length > 0 ? 1 : 0;
  }
  output.out(
    `Blocklists on ${day} against ${dns.servers.join(", ")}: ${lists.length} lists, ${ips.length} IPs, ${domains.length} domains`,
  );
  for (const probe of run.probes.filter((p) => !p.trusted))
    output.out(`list ${probe.list} not trusted: ${probe.detail}`);
  output.out(
    table(
      ["SUBJECT", "LIST", "STATUS", "SEVERITY", "DETAIL"],
      run.results
        .filter((r) => r.status !== "ok")
        .map((r) => [r.subject, r.list, r.status, r.severity ?? "", r.detail]),
    ),
  );
  for (const line of gateLines(verdicts, signals)) output.out(line);
  const errors = run.results.filter((r) => r.status === "error").length;
  output.out(`${run.results.length} checks: ${listed.length} listed, ${errors} could not check`);
  return listed.length > 0 ? 1 : 0;
}
