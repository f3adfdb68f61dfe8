// email-engine contacts validate FILE|- : one address per line (blank and # lines skipped), a verdict
// per address as a table or JSON lines on stdout, the summary (counts per status and per reason) on
// stderr so stdout stays pure data. Exit 0 once every line has a verdict; 1 for a usage error.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Command } from "commander";
import { Option } from "commander";
import { createValidator, validatorOptionsFrom } from "../contacts/verify/index.ts";
import type { Verdict, VerdictStatus } from "../contacts/verify/index.ts";
import { ConfigError } from "../errors.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { CliEnvironment } from "./context.ts";
import type { Output } from "./output.ts";
import { processOutput } from "./output.ts";
import type { RegisterCommands } from "./register.ts";
import { loadValidInventory } from "./validate.ts";

export interface ContactsValidateOptions {
  readonly deep?: boolean;
  readonly resolver?: readonly string[];
  readonly json?: boolean;
  readonly inventory?: string;
  readonly smtpPort?: string;
  readonly allowPrivate?: boolean;
  readonly heloName?: string;
  readonly mailFrom?: string;
}

// Addresses validated at once: the domain level shares lookups, deep mode is limited inside.
const BATCH = 500;
const STATUSES: readonly VerdictStatus[] = ["safe", "risky", "invalid", "unknown"];

export const registerContactsValidate: RegisterCommands = (parent: Command, env, output, setExit) => {
  parent
    .command("validate")
    .description(
      "validate addresses (one per line; - for standard input): syntax, domain, optionally the mailbox",
    )
    .argument("<file>", "file of addresses, one per line, or - for standard input")
    .option("--deep", "also probe the mailbox over SMTP (EHLO, MAIL FROM, RCPT TO; never DATA)")
    .addOption(
      new Option(
        "--resolver <host:port>",
        "DNS resolver, repeatable (default: inventory monitoring.resolvers, else the system's)",
      ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    )
    .option("--json", "one JSON object per address")
    .option("--inventory <dir>", "inventory for contacts.verification and monitoring.resolvers")
    .option("--smtp-port <n>", "SMTP port of the MX hosts in deep mode (default: inventory, else 25)")
    .option("--allow-private", "let deep mode probe private, loopback and link-local addresses (tests)")
    .option("--helo-name <name>", "EHLO name of the verification host (default: inventory)")
    .option("--mail-from <address>", "MAIL FROM of the probes (default: inventory)")
    .action(async (file: string, opts: ContactsValidateOptions) =>
      setExit(await contactsValidateCommand(file, opts, env, output)),
    );
};

export async function contactsValidateCommand(
  file: string,
  options: ContactsValidateOptions,
  env: CliEnvironment,
  output: Output,
  stdin: Readable = process.stdin,
): Promise<number> {
  const inventory = await inventoryFor(options);
  const validator = createValidator({
    ...validatorOptionsFrom(inventory, {
      ...(options.resolver ? { resolver: options.resolver } : {}),
      ...(options.heloName ? { heloName: options.heloName } : {}),
      ...(options.mailFrom ? { mailFrom: options.mailFrom } : {}),
      ...(options.smtpPort ? { smtpPort: options.smtpPort } : {}),
      allowPrivate: options.allowPrivate === true,
      deep: options.deep === true,
    }),
    now: env.now,
  });
  const input = file === "-" ? stdin : await openFile(file);
  const progress = output === processOutput && process.stderr.isTTY === true;
  const byStatus = new Map<string, number>(STATUSES.map((s) => [s, 0]));
  const byReason = new Map<string, number>();
  let total = 0;
  let batch: string[] = [];
  const flush = async () => {
    const verdicts = await Promise.all(
      batch.map((a) => validator.validate(a, { deep: options.deep === true })),
    );
    batch = [];
    for (const v of verdicts) {
      byStatus.set(v.status, (byStatus.get(v.status) ?? 0) + 1);
      byReason.set(v.reason, (byReason.get(v.reason) ?? 0) + 1);
    }
    if (verdicts.length > 0)
      output.out(verdicts.map((v) => (options.json ? jsonLine(v) : row(v))).join("\n"));
    if (progress) process.stderr.write(`\rvalidated ${total}`);
  };
  try {
    if (!options.json) output.out(row(undefined));
    for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      batch.push(line);
      total++;
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  } finally {
    await validator.close();
    if (progress) process.stderr.write("\n");
  }
  const reasons = [...byReason].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (options.json) {
    output.err(
      JSON.stringify({
        summary: { total, status: Object.fromEntries(byStatus), reason: Object.fromEntries(reasons) },
      }),
    );
  } else {
    const statuses = STATUSES.map((s) => `${s} ${byStatus.get(s) ?? 0}`).join(", ");
    const why = reasons.map(([r, n]) => `${r} ${n}`).join(", ");
    output.err(`${total} address${total === 1 ? "" : "es"}: ${statuses}${why ? `; reasons: ${why}` : ""}`);
  }
  return 0;
}

async function inventoryFor(options: ContactsValidateOptions): Promise<Inventory | undefined> {
  // Deep mode needs the verification identity: from the flags, else the default inventory directory.
  const identityFromFlags = options.heloName !== undefined && options.mailFrom !== undefined;
  const dir = options.inventory ?? (options.deep && !identityFromFlags ? "inventory" : undefined);
  if (dir === undefined) return undefined;
  return (await loadValidInventory(dir)).inventory;
}

async function openFile(file: string): Promise<Readable> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new ConfigError(
      `cannot read ${JSON.stringify(file)}: give a file of addresses, one per line, or - for standard input`,
    );
  }
  return createReadStream(file, { encoding: "utf8" });
}

function jsonLine(v: Verdict): string {
  return JSON.stringify({
    email: v.email || v.input,
    status: v.status,
    reason: v.reason,
    confidence: v.confidence,
    ...(v.email === "" || v.email !== v.input ? { input: v.input } : {}),
    details: v.details,
  });
}

// Fixed columns, so a long file prints as it goes instead of waiting to measure every row.
function row(v: Verdict | undefined): string {
  const cells = v
    ? [v.email || v.input, v.status, v.reason, v.confidence.toFixed(2), v.details.suggestion ?? ""]
    : ["EMAIL", "STATUS", "REASON", "CONF", "SUGGESTION"];
  const [email, status, reason, confidence, suggestion] = cells as [string, string, string, string, string];
  return `${email.padEnd(40)}  ${status.padEnd(7)}  ${reason.padEnd(17)}  ${confidence.padStart(4)}  ${suggestion}`.trimEnd();
}
