// `email-engine migrate from-legacy`: old database (read-only) → inventory YAML + state store.
// Order: read everything, map, edit the YAML in memory and validate the result, then write the store
// in one transaction, then the files. Any refusal happens before anything is written; a dry run runs
// the store writes in a transaction that is rolled back, so its counts are exact and nothing stays.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { formatProblem } from "../inventory/problem.ts";
import { listInventoryFiles, loadInventoryTexts } from "../load/index.ts";
import { openStore } from "../store/index.ts";
import type { StoreOptions } from "../store/index.ts";
import { readReferenced, validateInventoryDir, validateLoaded } from "../validate/index.ts";
import type { LocalDate } from "../warmup/dates.ts";
import { localDate } from "../warmup/dates.ts";
import { LEGACY_SCHEDULE, mapLegacy } from "./map.ts";
import type { MigrationPlan } from "./map.ts";
import type { Unmapped } from "./model.ts";
import { normalizeLegacy } from "./normalize.ts";
import { LEGACY_TABLES, readLegacyDatabase, sourceKey } from "./source.ts";
import { previousRun, writePlan } from "./store.ts";
import type { StoreCounts } from "./store.ts";
import { addToInventory } from "./yaml.ts";

export interface MigrateOptions {
  readonly databaseUrl: string;
  readonly inventory: string;
  readonly store: StoreOptions;
  readonly now: Date;
  readonly date?: LocalDate;
  readonly dryRun?: boolean;
  readonly servers?: ReadonlyMap<string, string>;
  readonly tenants?: ReadonlyMap<string, string>;
  readonly defaultTenant?: string;
}

export interface MigrateReport {
  /** The old database as host:port/name (no user, no password). */
  readonly source: string;
  readonly cutover: LocalDate;
  readonly timezone: string;
  readonly dryRun: boolean;
  readonly store: string;
  readonly inventory: {
    readonly changes: readonly string[];
    readonly files: readonly string[];
    readonly present: readonly string[];
  };
  readonly storeCounts: StoreCounts;
  readonly unmapped: readonly Unmapped[];
  readonly notes: readonly string[];
  readonly missingTables: readonly string[];
}

class DryRunRollback extends Error {}

const SCHEMA_URL = new URL("../../inventory/schema/inventory.schema.json", import.meta.url);

/** The values the inventory schema accepts for an IP's `state:` (none before the lifecycle existed). */
export function ipStatesInSchema(): Set<string> {
  const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as {
    $defs?: { SendingIp?: { properties?: { state?: { enum?: unknown[] } } } };
  };
  const values = schema.$defs?.SendingIp?.properties?.state?.enum ?? [];
  return new Set(values.filter((v): v is string => typeof v === "string"));
}

export async function migrateFromLegacy(options: MigrateOptions): Promise<MigrateReport> {
  const current = await validateInventoryDir(options.inventory);
  if (!current.inventory) {
    throw new ConfigError(
      `inventory ${options.inventory} is invalid: fix it before migrating into it`,
      current.errors.map(formatProblem),
    );
  }
  const inventory = current.inventory;
  if (!inventory.schedules[LEGACY_SCHEDULE]) {
    throw new ConfigError(`inventory ${options.inventory} has no schedule \`${LEGACY_SCHEDULE}\``, [
      "    expected: the old engine's 70-day schedule under `schedules:` (5 → 20,000 a day)",
      `    fix: copy \`${LEGACY_SCHEDULE}\` from the example inventory's warmup.yaml`,
    ]);
  }
  const files = await listInventoryFiles(options.inventory);
  const texts = await Promise.all(
    files.map(async (file) => ({ file, text: await readFile(join(options.inventory, file), "utf8") })),
  );

  const raw = await readLegacyDatabase(options.databaseUrl);
  const { snapshot, unmapped: unreadable } = normalizeLegacy(raw);
  const source = sourceKey(options.databaseUrl);

  const store = await openStore(options.store);
  try {
    const previous = await previousRun(store.sql, source);
    const tz = inventory.platform.timezone;
    if (previous && options.date && options.date !== previous.cutover) {
      throw new ConfigError(`${source} was already migrated with cutover day ${previous.cutover}`, [
        `    expected: no --date, or --date ${previous.cutover}: a re-run rebuilds the same warm-up windows`,
        "    fix: to migrate again from scratch, roll the store back first (docs/switching-from-legacy.md)",
      ]);
    }
    const cutover = previous?.cutover ?? options.date ?? localDate(options.now, tz);
    const migratedAt = previous?.firstRunAt ?? options.now;
    const mapped = mapLegacy(snapshot, inventory, {
      cutover,
      migratedAt,
      servers: options.servers ?? new Map(),
      tenants: options.tenants ?? new Map(),
      ...(options.defaultTenant ? { defaultTenant: options.defaultTenant } : {}),
      ipStates: ipStatesInSchema(),
    });
    const plan: MigrationPlan = { ...mapped, unmapped: sortUnmapped([...unreadable, ...mapped.unmapped]) };

    const heading = `Migrated from the old engine by \`email-engine migrate from-legacy\` (cutover ${cutover}): review before merging.`;
    const edit = addToInventory(texts, plan.ips, plan.domains, heading);
    await refuseInvalid(options.inventory, texts, edit.files);

    let result: Awaited<ReturnType<typeof writePlan>> | undefined;
    try {
      await store.sql.transaction(async (tx) => {
        result = await writePlan(tx, plan, source, migratedAt);
        if (options.dryRun) throw new DryRunRollback();
      });
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
    if (!result) throw new Error("store write produced no result");
    if (!options.dryRun) await writeFiles(options.inventory, edit.files);

    return {
      source,
      cutover,
      timezone: tz,
      dryRun: options.dryRun ?? false,
      store: store.kind,
      inventory: {
        changes: edit.changes,
        files: edit.files.map((f) => f.file),
        present: [
          ...plan.ipsPresent.map(
            (p) => `ip ${p.address} (old id ${p.legacyId}) is already in the inventory: left as is`,
          ),
          ...plan.domainsPresent.map(
            (d) => `domain ${d.name} (old id ${d.legacyId}) is already in the inventory: left as is`,
          ),
        ],
      },
      storeCounts: result.counts,
      unmapped: [...plan.unmapped, ...result.conflicts],
      notes: plan.notes,
      missingTables: raw.missing,
    };
  } finally {
    await store.close();
  }
}

/** Old table order (as read), then id: the same listing on every run. */
function sortUnmapped(rows: readonly Unmapped[]): Unmapped[] {
  const rank = (t: string) => {
    const i = (LEGACY_TABLES as readonly string[]).indexOf(t);
    return i < 0 ? LEGACY_TABLES.length : i;
  };
  const num = (id: string) => (/^[0-9]+$/.test(id) ? Number(id) : Number.MAX_SAFE_INTEGER);
  return [...rows].sort(
    (a, b) => rank(a.table) - rank(b.table) || num(a.id) - num(b.id) || a.id.localeCompare(b.id),
  );
}

/** Validates the inventory as it would be after the edit; refuses (writes nothing) when invalid. */
async function refuseInvalid(
  dir: string,
  texts: readonly { file: string; text: string }[],
  edited: readonly { file: string; text: string }[],
): Promise<void> {
  if (edited.length === 0) return;
  const byFile = new Map(texts.map((t) => [t.file, t.text]));
  for (const e of edited) byFile.set(e.file, e.text);
  const merged = [...byFile.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([file, text]) => ({ file, text }));
  const result = await validateLoaded(loadInventoryTexts(dir, merged), (file) => readReferenced(dir, file));
  if (result.errors.length > 0) {
    throw new ConfigError(
      `the migrated inventory would be invalid (${result.errors.length} error${result.errors.length === 1 ? "" : "s"}): nothing written`,
      result.errors.map(formatProblem),
    );
  }
}

/** Each file is written under a temporary name and renamed, so a failure leaves every file whole. */
async function writeFiles(dir: string, files: readonly { file: string; text: string }[]): Promise<void> {
  for (const { file, text } of files) {
    const target = join(dir, file);
    const temp = `${target}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(temp, text);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw new ConfigError(
        `cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        ["    fix: check the inventory directory is writable, then run the command again (it is idempotent)"],
      );
    }
  }
}
