// email-engine migrate from-legacy: the old Python engine's PostgreSQL (read-only) → inventory YAML
// for a pull request + the warm-up ledger, blocklist history, lifecycle events and old ids in the store.
import { Option } from "commander";
import { ConfigError } from "../errors.ts";
import { migrateFromLegacy } from "../legacy/run.ts";
import type { MigrateReport } from "../legacy/run.ts";
import { scrubSecret } from "../legacy/source.ts";
import { STORE_TABLES } from "../legacy/store.ts";
import { parseLocalDate } from "../warmup/dates.ts";
import type { CliEnvironment } from "./context.ts";
import type { Output } from "./output.ts";
import { table } from "./output.ts";
import type { RegisterCommands } from "./register.ts";

export interface FromLegacyOptions {
  readonly databaseUrl?: string;
  readonly inventory: string;
  readonly dataDir?: string;
  readonly date?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly server?: readonly string[];
  readonly tenant?: readonly string[];
  readonly defaultTenant?: string;
}

/** `OLD=NEW` pairs of a repeatable option. */
function pairs(values: readonly string[] | undefined, option: string, example: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const value of values ?? []) {
    const m = /^([^=\s]+)=([a-z0-9][a-z0-9-]{0,62})$/.exec(value);
    if (!m) {
      throw new ConfigError(`${option} ${JSON.stringify(value)} is not OLD=NAME`, [
        `    expected: e.g. ${option} ${example}`,
      ]);
    }
    map.set(m[1]!, m[2]!);
  }
  return map;
}

export async function fromLegacyCommand(
  options: FromLegacyOptions,
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  // The URL may carry the old database's password: LEGACY_DATABASE_URL keeps it out of the process list.
  const url = options.databaseUrl ?? env.secrets?.LEGACY_DATABASE_URL;
  if (!url) {
    throw new ConfigError("no old database given", [
      "    expected: --database-url postgres://USER@HOST:5432/DATABASE, or LEGACY_DATABASE_URL in the environment",
      "    fix: use the old engine's DATABASE_URL; put its password in PGPASSWORD or LEGACY_DATABASE_URL, not on the command line",
    ]);
  }
  const date = options.date === undefined ? undefined : parseLocalDate(options.date);
  try {
    const report = await migrateFromLegacy({
      databaseUrl: url,
      inventory: options.inventory,
      store: { databaseUrl: env.databaseUrl, dataDir: options.dataDir ?? env.dataDir },
      now: env.now(),
      ...(date ? { date } : {}),
      dryRun: options.dryRun ?? false,
      servers: pairs(options.server, "--server", "vps2=pmta"),
      tenants: pairs(options.tenant, "--tenant", "client-1=sos-expat"),
      ...(options.defaultTenant ? { defaultTenant: options.defaultTenant } : {}),
    });
    if (options.json) output.out(JSON.stringify(report, null, 2));
    else printReport(report, output);
    return 0;
  } catch (error) {
    // Belt and braces: whatever failed (a driver message included), the password never leaves.
    if (error instanceof Error) {
      error.message = scrubSecret(error.message, url);
      if (error instanceof ConfigError) {
        throw new ConfigError(
          error.message,
          error.details.map((d) => scrubSecret(d, url)),
        );
      }
    }
    throw error;
  }
}

function printReport(r: MigrateReport, output: Output): void {
  output.out(
    `Migration from ${r.source} (read-only), cutover day ${r.cutover} (${r.timezone})${r.dryRun ? ": dry run, nothing written" : ""}`,
  );
  output.out("");
  output.out(`inventory${r.dryRun ? " (would add)" : ""}:`);
  if (r.inventory.changes.length === 0 && r.inventory.present.length === 0) output.out("  nothing to add");
  for (const line of r.inventory.changes) output.out(`  ${line}`);
  for (const line of r.inventory.present) output.out(`  = ${line}`);
  if (r.inventory.changes.length === 0 && r.inventory.present.length > 0) output.out("  nothing to add");
  output.out("");
  output.out(`store (${r.store})${r.dryRun ? ", rolled back" : ""}:`);
  const rows = STORE_TABLES.map((t) => [t, r.storeCounts[t].written, r.storeCounts[t].present] as const);
  output.out(
    table([`table`, r.dryRun ? "would write" : "written", "already present"], rows)
      .split("\n")
      .map((l) => `  ${l}`)
      .join("\n"),
  );
  if (r.missingTables.length > 0) {
    output.out("");
    output.out(`old tables absent (read as empty): ${r.missingTables.join(", ")}`);
  }
  if (r.unmapped.length > 0) {
    output.out("");
    output.out(
      `not migrated (${r.unmapped.length} row${r.unmapped.length === 1 ? "" : "s"}, kept in legacy_unmapped):`,
    );
    for (const u of r.unmapped) output.out(`  ${u.table} ${u.id}: ${u.reason}`);
  }
  if (r.notes.length > 0) {
    output.out("");
    output.out("notes:");
    for (const n of r.notes) output.out(`  ${n}`);
  }
  if (!r.dryRun && r.inventory.files.length > 0) {
    output.out("");
    output.out(
      `next: review the inventory change (git diff), open a pull request; the store already holds the ledger and history`,
    );
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export const registerMigrateCommands: RegisterCommands = (parent, env, output, setExit) => {
  const migrate = parent.command("migrate").description("bring data over from other systems");
  migrate
    .command("from-legacy")
    .description(
      "read the old Python engine's PostgreSQL (read-only) and write its IPs, domains and warm-up plans into the inventory, and its warm-up days and blocklist history into the store",
    )
    .option(
      "--database-url <url>",
      "the old engine's PostgreSQL URL (or env LEGACY_DATABASE_URL; password via PGPASSWORD)",
    )
    .addOption(new Option("--inventory <dir>", "inventory directory").default("inventory"))
    .option("--data-dir <dir>", "embedded store directory (env EMAIL_ENGINE_DATA_DIR)")
    .option("--date <YYYY-MM-DD>", "cutover day: the first day this engine runs the IPs (default: today)")
    .option("--server <node=name>", "old pmta_node_id → inventory PowerMTA server (repeatable)", collect)
    .option("--tenant <slug=name>", "old tenant slug → inventory tenant (repeatable)", collect)
    .option("--default-tenant <name>", "tenant for old domains that have none")
    .option("--dry-run", "show what would be written; write nothing")
    .option("--json", "the report as JSON")
    .action(async (opts: FromLegacyOptions) => setExit(await fromLegacyCommand(opts, env, output)));
};
