// email-engine contacts import|erase|export|suppress|suppressed: CSV files into a tenant's MailWizz
// list through the import pipeline, the suppression list, and data-subject rights.
import { basename } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { ConfigError } from "../errors.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import { formatProblem } from "../inventory/problem.ts";
import { validateInventoryDir } from "../validate/index.ts";
import { checkCsv } from "../contacts/csv/index.ts";
import type { FullReport, ImportPolicy, ImportProgress } from "../contacts/import/index.ts";
import { DEFAULT_POLICY, importContacts, importIdFor, writeErrorsCsv } from "../contacts/import/index.ts";
import { inventoryList, pushTargetFor } from "../contacts/push/index.ts";
import type { PushTarget } from "../contacts/push/index.ts";
import { eraseSubject, exportSubject } from "../contacts/rights/index.ts";
import type { ListResolver } from "../contacts/rights/index.ts";
import { checkReason, listSuppressed, suppress } from "../contacts/store/index.ts";
import { createValidator, validatorOptionsFrom } from "../contacts/verify/index.ts";
import type { VerdictStatus } from "../contacts/verify/index.ts";
import type { Engine } from "../reconcile/engine.ts";
import type { CliEnvironment } from "./context.ts";
import type { Output } from "./output.ts";
import { table } from "./output.ts";
import type { ReconcileOptions } from "./reconcile.ts";
import { engineFor } from "./reconcile.ts";
import type { RegisterCommands } from "./register.ts";

type EngineOptions = Pick<ReconcileOptions, "inventory" | "embedded" | "home">;

export interface ImportOptions extends EngineOptions {
  readonly tenant: string;
  readonly list: string;
  readonly source?: string;
  readonly legalBasis?: string;
  readonly collectedAt?: string;
  readonly importId?: string;
  readonly deep?: boolean;
  readonly resolver?: string[];
  /** commander's --no-push: false skips MailWizz. */
  readonly push?: boolean;
  readonly errors?: string;
  readonly json?: boolean;
}

export const registerContactsImport: RegisterCommands = (contacts, env, output, setExit) => {
  const engineOptions = (command: Command) =>
    command
      .addOption(new Option("--inventory <dir>", "inventory directory").default("inventory"))
      .option(
        "--embedded",
        "the embedded default: the store under EMAIL_ENGINE_HOME/embedded and the MailWizz emulator",
      )
      .option("--home <dir>", "the engine's own files (env EMAIL_ENGINE_HOME, default .email-engine)");
  const collect = (value: string, previous: string[]) => [...previous, value];

  engineOptions(
    contacts
      .command("import")
      .description(
        "import a CSV file into a tenant's list: dedupe, suppression, validation, storage with provenance, push to MailWizz; re-run the same file to resume",
      )
      .argument(
        "<file>",
        "CSV file (UTF-8 or Latin-1, ',' ';' or tab separated, a header line with an email column)",
      )
      .requiredOption("--tenant <name>", "the tenant (tenants.<name> in the inventory)")
      .requiredOption("--list <key>", "the tenant's list (the key under tenants.<name>.lists)")
      .option("--source <text>", "where the contacts come from (default csv:<file name>)")
      .option(
        "--legal-basis <text>",
        "legal basis recorded with each contact (default contacts.import.legalBasis, else legitimate-interest)",
      )
      .option("--collected-at <iso>", "when the source collected them (default now)")
      .option(
        "--import-id <id>",
        "resume or name an import (default: derived from tenant, list and the file's content)",
      )
      .option("--deep", "also probe each mailbox over SMTP (slow; needs contacts.verification)")
      .option("--resolver <host:port>", "DNS resolver for the domain checks, repeatable", collect, [])
      .option("--no-push", "store only; a later run of the same import pushes")
      .option("--errors <file>", "write the refused rows (line, kind, email, reason, detail) as CSV")
      .option("--json", "the report as JSON"),
  ).action(async (file: string, opts: ImportOptions) =>
    setExit(await contactsImportCommand(file, opts, env, output)),
  );

  engineOptions(
    contacts
      .command("erase")
      .description(
        "erase an address everywhere email-engine stored it (and in MailWizz), keeping only its hash as suppressed",
      )
      .argument("<email>", "the address")
      .option("--json", "the steps as JSON"),
  ).action(async (email: string, opts: EngineOptions & { json?: boolean }) =>
    setExit(await contactsEraseCommand(email, opts, env, output)),
  );

  engineOptions(
    contacts
      .command("export")
      .description(
        "everything held about an address (contacts with provenance, suppression, refused rows), as JSON",
      )
      .argument("<email>", "the address"),
  ).action(async (email: string, opts: EngineOptions) =>
    setExit(await contactsExportCommand(email, opts, env, output)),
  );

  engineOptions(
    contacts
      .command("suppress")
      .description("never import this address again (for one tenant's lists with --tenant, else for all)")
      .argument("<email>", "the address")
      .requiredOption("--reason <reason>", "hard-bounce, complaint, unsubscribe, objection, erased or manual")
      .option("--tenant <name>", "only this tenant's lists"),
  ).action(async (email: string, opts: EngineOptions & { reason: string; tenant?: string }) =>
    setExit(await contactsSuppressCommand(email, opts, env, output)),
  );

  engineOptions(
    contacts
      .command("suppressed")
      .description("the suppression list (address hashes only: the addresses are not kept)")
      .option("--json", "one object per entry"),
  ).action(async (opts: EngineOptions & { json?: boolean }) =>
    setExit(await contactsSuppressedCommand(opts, env, output)),
  );
};

async function loadInventory(dir: string): Promise<Inventory> {
  const result = await validateInventoryDir(dir);
  if (result.inventory === undefined)
    throw new ConfigError(`the inventory in ${dir} is not valid`, [
      ...result.errors.slice(0, 5).map((p) => `    ${formatProblem(p)}`),
      "    fix: run `email-engine validate` and correct it",
    ]);
  return result.inventory;
}

function isoTime(value: string | undefined, now: Date): string {
  if (value === undefined) return now.toISOString();
  const parsed = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(parsed.getTime()))
    throw new ConfigError(`--collected-at ${JSON.stringify(value)} is not a date`, [
      "    expected an ISO date or time, e.g. 2026-11-01 or 2026-11-01T09:00:00Z",
    ]);
  return parsed.toISOString();
}

function policyOf(inventory: Inventory): ImportPolicy {
  const settings = inventory.contacts?.import;
  return {
    accept: (settings?.accept as VerdictStatus[] | undefined) ?? DEFAULT_POLICY.accept,
    refuseReasons: settings?.refuseReasons ?? DEFAULT_POLICY.refuseReasons,
  };
}

/** Progress on the terminal only (a pipe or a test gets the report alone), at most once a second. */
function terminalProgress(): ((p: ImportProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const t = Date.now();
    if (t - last < 1000) return;
    last = t;
    const text =
      p.phase === "reading"
        ? `read ${p.rows.toLocaleString("en")} rows, ${p.accepted.toLocaleString("en")} accepted`
        : `pushed ${p.pushed.toLocaleString("en")} of ${p.accepted.toLocaleString("en")}`;
    process.stderr.write(`\r${text}\x1b[K`);
  };
}

export async function contactsImportCommand(
  file: string,
  opts: ImportOptions,
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  const inventory = await loadInventory(opts.inventory);
  inventoryList(inventory, opts.tenant, opts.list);
  const now = env.now();
  const collectedAt = isoTime(opts.collectedAt, now);
  // The whole file is checked (and hashed: the import id derives from it) before anything is stored.
  const csv = await checkCsv(file);
  const importId = opts.importId ?? importIdFor(opts.tenant, opts.list, csv.sha256);
  const validator = createValidator(
    validatorOptionsFrom(inventory, { resolver: opts.resolver, deep: opts.deep }),
  );
  const engine = await engineFor(opts, env);
  try {
    const push =
      opts.push === false
        ? undefined
        : await pushTargetFor(inventory, await engine.mailwizzTargets(inventory), opts.tenant, opts.list);
    const progress = terminalProgress();
    const report = await importContacts(
      {
        sql: engine.store.sql,
        validator,
        deep: opts.deep === true,
        push,
        policy: policyOf(inventory),
        now: env.now,
        pushChunkSize: inventory.contacts?.import?.pushChunkSize,
        progress,
      },
      {
        tenant: opts.tenant,
        list: opts.list,
        importId,
        provenance: {
          source: opts.source ?? `csv:${basename(file)}`,
          collectedAt,
          legalBasis: opts.legalBasis ?? inventory.contacts?.import?.legalBasis ?? "legitimate-interest",
        },
      },
      csv.read(),
    );
    if (progress) process.stderr.write("\r\x1b[K");
    let errorsWritten: number | undefined;
    if (opts.errors !== undefined)
      errorsWritten = await writeErrorsCsv(engine.store.sql, importId, opts.errors);
    if (opts.json) output.out(JSON.stringify(report, null, 2));
    else printImport(report, output, opts.errors, errorsWritten);
    return report.state === "done" ? 0 : 1;
  } finally {
    await validator.close();
    await engine.close();
  }
}

function printImport(
  report: FullReport,
  output: Output,
  errorsFile: string | undefined,
  written: number | undefined,
): void {
  const invalid = Object.entries(report.invalid);
  output.out(`import ${report.importId} into ${report.tenant}/${report.list}: ${report.state}`);
  output.out(
    table(
      ["count", "rows"],
      [
        ["rows read", report.rows],
        ["accepted", report.accepted],
        ...invalid.map(([reason, n]): [string, number] => [`invalid: ${reason}`, n]),
        ["duplicates", report.duplicates],
        ["suppressed", report.suppressed],
        ["row errors", report.errors],
        ["pushed to MailWizz", report.pushed],
        ...(report.pushRefused > 0 ? [["refused by MailWizz", report.pushRefused] as [string, number]] : []),
      ],
    ),
  );
  if (report.message !== "") output.err(report.message);
  if (errorsFile !== undefined) output.out(`${written ?? 0} refused rows written to ${errorsFile}`);
}

async function withEngine<T>(
  opts: EngineOptions,
  env: CliEnvironment,
  fn: (engine: Engine) => Promise<T>,
): Promise<T> {
  const engine = await engineFor(opts, env);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

export async function contactsEraseCommand(
  email: string,
  opts: EngineOptions & { json?: boolean },
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  // Without a valid inventory the MailWizz steps fail (and say why); the local erasure still happens.
  let inventory: Inventory | undefined;
  let why = "";
  try {
    inventory = await loadInventory(opts.inventory);
  } catch (error) {
    why = (error as Error).message;
  }
  return withEngine(opts, env, async (engine) => {
    const resolver: ListResolver = async (tenant, list): Promise<PushTarget> => {
      if (inventory === undefined) throw new ConfigError(why);
      return pushTargetFor(inventory, await engine.mailwizzTargets(inventory), tenant, list);
    };
    const report = await eraseSubject(engine.store.sql, email, { mailwizz: resolver, now: env.now });
    if (opts.json) output.out(JSON.stringify(report, null, 2));
    else {
      output.out(
        table(
          ["step", "status", "detail"],
          report.steps.map((s) => [s.step, s.status, s.detail]),
        ),
      );
      output.out(
        report.complete
          ? "Erased: only the address hash remains, in the suppression list."
          : "Erased locally; a MailWizz step failed: remove the subscriber there, or run erase again once MailWizz is reachable.",
      );
    }
    return report.complete ? 0 : 1;
  });
}

export async function contactsExportCommand(
  email: string,
  opts: EngineOptions,
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  return withEngine(opts, env, async (engine) => {
    output.out(JSON.stringify(await exportSubject(engine.store.sql, email), null, 2));
    return 0;
  });
}

export async function contactsSuppressCommand(
  email: string,
  opts: EngineOptions & { reason: string; tenant?: string },
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  const reason = checkReason(opts.reason);
  if (!email.includes("@"))
    throw new ConfigError(`${JSON.stringify(email)} is not an email address`, ["    expected local@domain"]);
  return withEngine(opts, env, async (engine) => {
    const added = await suppress(engine.store.sql, {
      email,
      reason,
      tenant: opts.tenant,
      source: "cli",
      at: env.now(),
    });
    const scope = opts.tenant === undefined ? "every tenant" : `tenant ${opts.tenant}`;
    output.out(added ? `suppressed for ${scope} (${reason})` : `already suppressed for ${scope}: unchanged`);
    return 0;
  });
}

export async function contactsSuppressedCommand(
  opts: EngineOptions & { json?: boolean },
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  return withEngine(opts, env, async (engine) => {
    const entries = await listSuppressed(engine.store.sql);
    if (opts.json) output.out(JSON.stringify(entries, null, 2));
    else
      output.out(
        table(
          ["hash", "scope", "reason", "source", "since"],
          entries.map((e) => [e.emailHash.slice(0, 16), e.scope, e.reason, e.source, e.createdAt]),
        ),
      );
    return 0;
  });
}
