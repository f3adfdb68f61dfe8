// The CLI's one error boundary: config errors print their message and details and exit 1; anything
// else is a bug and asks to be reported. No stack trace for a user's mistake.
import { Command, CommanderError, Option } from "commander";
import { classify, ConfigError } from "../errors.ts";
import { environmentFromProcess } from "./context.ts";
import type { CliEnvironment } from "./context.ts";
import type { Output } from "./output.ts";
import { processOutput } from "./output.ts";
import type { CheckOptions } from "./check.ts";
import { checkBlocklistsCommand, checkDnsCommand } from "./check.ts";
import { dkimGenerateCommand, dkimRotateCommand, dkimShowCommand } from "./dkim.ts";
import { emulateMailwizzCommand } from "./emulate.ts";
import { inventorySyncCommand } from "./inventory.ts";
import { deployPmtaCommand } from "./deploy.ts";
import type { ReconcileOptions } from "./reconcile.ts";
import { applyCommand, planCommand, suspendCommand } from "./reconcile.ts";
import { renderPmtaCommand } from "./render.ts";
import type { RunOptions } from "./run.ts";
import { runCommand } from "./run.ts";
import { validateCommand } from "./validate.ts";
import { registerContactsValidate } from "./contacts-validate.ts";
import { registerContactsImport } from "./contacts-import.ts";
import { registerIpCommands } from "./ip.ts";
import { registerMigrateCommands } from "./migrate.ts";
import { registerSiblingCommands } from "./siblings.ts";
import { warmupCommand } from "./warmup.ts";

const DEFAULT_INVENTORY = "inventory";

export function buildProgram(env: CliEnvironment, output: Output, setExit: (code: number) => void): Command {
  const program = new Command("email-engine")
    .description("Builds and runs a cold/bulk email sending platform from a git inventory.")
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => output.out(s), writeErr: (s) => output.err(s) })
    .exitOverride();
  const inventoryOption = () =>
    new Option("--inventory <dir>", "inventory directory").default(DEFAULT_INVENTORY);

  program
    .command("validate")
    .description("check the inventory: YAML, schema and semantic rules; every problem at once")
    .addOption(inventoryOption())
    .option("--json", "machine-readable result")
    .action(async (opts: { inventory: string; json?: boolean }) =>
      setExit(await validateCommand(opts, output)),
    );

  program
    .command("warmup")
    .description("today's warm-up day, state and quota per sending IP")
    .addOption(inventoryOption())
    .option("--date <YYYY-MM-DD>", "the operators' local date (default: today in the inventory's time zone)")
    .option("--data-dir <dir>", "embedded store directory (env EMAIL_ENGINE_DATA_DIR)")
    .option("--json", "an array of objects instead of a table")
    .action(async (opts: { inventory: string; date?: string; json?: boolean; dataDir?: string }) =>
      setExit(await warmupCommand(opts, env, output)),
    );

  program
    .command("inventory")
    .description("edit the inventory from what the infrastructure allocated")
    .command("sync")
    .description(
      "write the addresses Pulumi allocated (pulumi stack output --json) back into the inventory YAML",
    )
    .addOption(inventoryOption())
    .requiredOption("--outputs <file>", "the JSON of `pulumi stack output --json` (- for standard input)")
    .option("--dry-run", "print the changes without writing")
    .action(async (opts: { inventory: string; outputs: string; dryRun?: boolean }) =>
      setExit(await inventorySyncCommand(opts, output, readStdin)),
    );

  const render = program.command("render").description("print generated configuration");
  render
    .command("pmta")
    .description("the PowerMTA config for today's warm-up quotas (linted before it is printed)")
    .addOption(inventoryOption())
    .option("--host <name>", "the PowerMTA server (default: the only one)")
    .option("--date <YYYY-MM-DD>", "the operators' local date (default: today in the inventory's time zone)")
    .option("--data-dir <dir>", "embedded store directory (env EMAIL_ENGINE_DATA_DIR)")
    .option("--no-ledger", "ignore the ledger: quotas as if every past day was unjudged")
    .option("--revision <rev>", "inventory revision printed in the header (default: its last git commit)")
    .option("--vault <dir>", "DKIM key vault whose active selectors sign (default: .email-engine/dkim)")
    .action(
      async (opts: {
        inventory: string;
        host?: string;
        date?: string;
        dataDir?: string;
        ledger?: boolean;
        revision?: string;
        vault?: string;
      }) => setExit(await renderPmtaCommand(opts, env, output)),
    );

  const dkim = program
    .command("dkim")
    .description("DKIM keys: generate, rotate by a new selector, show the DNS records");
  const vaultOption = () => new Option("--vault <dir>", "key vault directory (default: .email-engine/dkim)");
  dkim
    .command("generate")
    .description("generate keys (RSA 2048, sealed with EMAIL_ENGINE_MASTER_KEY) for domains that have none")
    .addOption(inventoryOption())
    .option("--domain <domain>", "one domain of the inventory")
    .option("--selector <selector>", "selector (default: the inventory's)")
    .addOption(vaultOption())
    .action(async (opts: { inventory: string; domain?: string; selector?: string; vault?: string }) =>
      setExit(await dkimGenerateCommand(opts, env, output)),
    );
  dkim
    .command("rotate")
    .description(
      "start a rotation with a new selector, or move a selector on: pending → published → active → retired",
    )
    .addOption(inventoryOption())
    .requiredOption("--domain <domain>", "the domain")
    .requiredOption("--selector <selector>", "the new (or rotating) selector")
    .option("--to <status>", "published, active or retired")
    .addOption(vaultOption())
    .action(
      async (opts: { inventory: string; domain: string; selector: string; to?: string; vault?: string }) =>
        setExit(await dkimRotateCommand(opts, env, output)),
    );
  dkim
    .command("show")
    .description("selectors, their status and TXT records (never a private key)")
    .option("--domain <domain>", "one domain")
    .option("--json", "machine-readable")
    .addOption(vaultOption())
    .action(async (opts: { domain?: string; json?: boolean; vault?: string }) =>
      setExit(await dkimShowCommand(opts, env, output)),
    );

  const deploy = program.command("deploy").description("push generated configuration to the hosts");
  deploy
    .command("pmta")
    .description(
      "render today's PowerMTA config, show its drift against the live host, deploy it (lint, lock, backup, keys first, test, reload, verify, roll back on failure)",
    )
    .addOption(inventoryOption())
    .option("--host <name>", "the PowerMTA server (default: the only one)")
    .option("--date <YYYY-MM-DD>", "the operators' local date (default: today in the inventory's time zone)")
    .option("--data-dir <dir>", "embedded store directory (env EMAIL_ENGINE_DATA_DIR)")
    .option("--no-ledger", "ignore the ledger: quotas as if every past day was unjudged")
    .addOption(vaultOption())
    .option("--dry-run", "show the drift and stop: exit 0 in sync, 2 drift")
    .option(
      "--ssh-host <host[:port]>",
      "connect here instead of the inventory's address (SSH tunnel); the pinned host key still applies",
    )
    .option(
      "--file-owner <user:group>",
      "owner of the DKIM keys and smtp-users file (default pmta:pmta; - keeps the SSH user's)",
    )
    .option(
      "--local <dir>",
      "embedded default and tests only: deploy into a local sandbox (DIR/etc stands for /etc/pmta)",
    )
    .option("--revision <rev>", "inventory revision printed in the header (default: its last git commit)")
    .action(
      async (opts: {
        inventory: string;
        host?: string;
        date?: string;
        dataDir?: string;
        ledger?: boolean;
        vault?: string;
        dryRun?: boolean;
        sshHost?: string;
        fileOwner?: string;
        local?: string;
        revision?: string;
      }) => setExit(await deployPmtaCommand(opts, env, output)),
    );

  const reconcileOptions = (command: Command) =>
    command
      .addOption(inventoryOption())
      .option("--repo <url>", "read the inventory from this git repository instead of --inventory")
      .option("--branch <name>", "branch of --repo", "main")
      .option("--path <dir>", "inventory folder inside --repo", "inventory")
      .option(
        "--embedded",
        "the embedded default: a local PowerMTA sandbox and the MailWizz emulator, nothing to install",
      )
      .option(
        "--ssh-host <host[:port]>",
        "reach the PowerMTA host here (SSH tunnel); its pinned host key still applies",
      )
      .option("--home <dir>", "the engine's own files (env EMAIL_ENGINE_HOME, default .email-engine)")
      .option(
        "--file-owner <user:group>",
        "owner of the DKIM keys and smtp-users file on PowerMTA (default pmta:pmta; - keeps the SSH user's)",
      );
  reconcileOptions(
    program
      .command("plan")
      .description(
        "what would change on PowerMTA and MailWizz, like terraform plan: exit 0 none, 2 changes, 1 error",
      ),
  )
    .option("--json", "the plan as JSON")
    .option("--out <file>", "also save the plan, for `apply --plan FILE`")
    .action(async (opts: ReconcileOptions & { json?: boolean; out?: string }) =>
      setExit(await planCommand(opts, env, output)),
    );
  reconcileOptions(
    program
      .command("apply")
      .description("converge PowerMTA and MailWizz on the inventory and report each step"),
  )
    .option("--plan <file>", "apply this saved plan; refused if the live systems changed since")
    .option("--yes", "apply without a saved plan")
    .action(async (opts: ReconcileOptions & { plan?: string; yes?: boolean }) =>
      setExit(await applyCommand(opts, env, output)),
    );

  reconcileOptions(
    program
      .command("run")
      .description(
        "the daemon: reconcile on an interval and after local midnight, serve the HTTP API; Ctrl-C stops it",
      ),
  )
    .option(
      "--listen <host:port>",
      "address of the HTTP API (no authentication yet: keep it on loopback)",
      "127.0.0.1:8080",
    )
    .option("--interval <seconds>", "seconds between reconciles", "60")
    .option("--once", "reconcile once and exit (cron, tests)")
    .action(async (opts: RunOptions) => setExit(await runCommand(opts, env, output)));

  reconcileOptions(
    program
      .command("suspend")
      .description("stop the daemon from changing anything until `resume` (recorded in the store)"),
  )
    .option("--reason <text>", "why, shown in the status")
    .action(async (opts: ReconcileOptions & { reason?: string }) =>
      setExit(await suspendCommand(opts, env, output)),
    );
  reconcileOptions(
    program.command("resume").description("let the daemon reconcile again after `suspend`"),
  ).action(async (opts: ReconcileOptions) =>
    setExit(await suspendCommand({ ...opts, resume: true }, env, output)),
  );

  const collect = (value: string, previous: string[]) => [...previous, value];
  const check = program
    .command("check")
    .description("deliverability monitors: DNS authentication and blocklists");
  check
    .command("dns")
    .description("SPF, DKIM, DMARC, MX, PTR and FCrDNS of every sending domain and IP")
    .addOption(inventoryOption())
    .option(
      "--resolver <host:port>",
      "DNS resolver, repeatable (default: the inventory's monitoring.resolvers)",
      collect,
      [],
    )
    .option("--timeout <ms>", "per-try DNS timeout in milliseconds (default 2000)")
    .option("--dkim-keys <dir>", "DKIM keys as <selector>._domainkey.<domain>.pem (default: the key vault)")
    .option("--json", "one object per finding")
    .action(async (opts: CheckOptions) => setExit(await checkDnsCommand(opts, env, output)));
  check
    .command("blocklists")
    .description("every sending IP and domain on the configured DNS blocklists; results kept with history")
    .addOption(inventoryOption())
    .option(
      "--resolver <host:port>",
      "DNS resolver, repeatable (default: the inventory's monitoring.resolvers)",
      collect,
      [],
    )
    .option("--timeout <ms>", "per-try DNS timeout in milliseconds (default 2000)")
    .option("--data-dir <dir>", "embedded store directory (env EMAIL_ENGINE_DATA_DIR)")
    .option("--json", "one object per finding")
    .action(async (opts: CheckOptions) => setExit(await checkBlocklistsCommand(opts, env, output)));

  const emulate = program.command("emulate").description("run a stand-in for an external system");
  emulate
    .command("mailwizz")
    .description("MailWizz 2.x API contract emulator on 127.0.0.1 (prints its base URL)")
    .option("--port <n>", "TCP port (default: a free one)", (v) => Number(v))
    .option("--api-key <key>", "the key it accepts (default: a random one, printed)")
    .action(async (opts: { port?: number; apiKey?: string }) =>
      setExit(await emulateMailwizzCommand(opts, output)),
    );

  const contacts = program
    .command("contacts")
    .description(
      "contacts: validate addresses, import CSV files into MailWizz lists, suppression and data-subject rights",
    );
  registerContactsValidate(contacts, env, output, setExit);
  registerContactsImport(contacts, env, output, setExit);
  registerIpCommands(program, env, output, setExit);
  registerMigrateCommands(program, env, output, setExit);
  registerSiblingCommands(program, env, output, setExit);

  return program;
}

/** Standard input, bounded: stack outputs are a few kilobytes, so 4 MiB means the wrong input. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > 4 * 1024 * 1024)
      throw new ConfigError("standard input is larger than 4 MiB: is it really stack outputs?");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Runs the CLI and returns the exit code (tests call this directly). */
export async function runCli(argv: readonly string[], env: CliEnvironment, output: Output): Promise<number> {
  let code = 0;
  const program = buildProgram(env, output, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    switch (classify(error)) {
      case "config": {
        const e = error as ConfigError;
        output.err(`error: ${e.message}`);
        for (const line of e.details) output.err(line);
        return 1;
      }
      case "transient":
        output.err(`error: ${(error as Error).message} (temporary: try again)`);
        return 1;
      case "internal":
        output.err(
          `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        output.err("This is a bug in email-engine: please report it with the command you ran.");
        return 70;
    }
  }
}

if (process.argv[1] && /email-engine(\.js)?$|main\.ts$/.test(process.argv[1])) {
  process.exitCode = await runCli(process.argv.slice(2), environmentFromProcess(), processOutput);
}
