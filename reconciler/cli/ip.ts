// email-engine ip: each sending IP's lifecycle state (status) and the operators' decisions recorded
// with who and why (promote a standby IP, demote it, release a quarantine or a gates' pause early).
import { Option } from "commander";
import type { WarmupRow } from "../derive/warmup-table.ts";
import { warmupTable } from "../derive/warmup-table.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import { IpEvents } from "../lifecycle/events.ts";
import type { Decision } from "../lifecycle/operator.ts";
import { decide } from "../lifecycle/operator.ts";
import type { Store } from "../store/index.ts";
import { localDate, parseLocalDate, startOfLocalDay } from "../warmup/dates.ts";
import type { CliEnvironment } from "./context.ts";
import { openCommandStore } from "./context.ts";
import type { Output } from "./output.ts";
import { table } from "./output.ts";
import type { RegisterCommands } from "./register.ts";
import { loadValidInventory } from "./validate.ts";

interface CommonOptions {
  readonly inventory: string;
  readonly dataDir?: string;
}

async function withStore<T>(
  env: CliEnvironment,
  dataDir: string | undefined,
  fn: (s: Store) => Promise<T>,
): Promise<T> {
  const store = await openCommandStore(env, dataDir);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function rowsOf(store: Store, inventory: Inventory, date: string, now: Date): Promise<WarmupRow[]> {
  const events = await new IpEvents(store.sql).list();
  return warmupTable(inventory, await store.ledger.judgedDays(date), date, { events, now });
}

export async function ipStatusCommand(
  options: CommonOptions & { readonly date?: string; readonly json?: boolean },
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  const { inventory } = await loadValidInventory(options.inventory);
  const date = options.date !== undefined ? parseLocalDate(options.date) : undefined;
  const today = date ?? localDate(env.now(), inventory.platform.timezone);
  const now = date !== undefined ? startOfLocalDay(date, inventory.platform.timezone) : env.now();
  const rows = await withStore(env, options.dataDir, (store) => rowsOf(store, inventory, today, now));
  if (options.json) {
    output.out(
      JSON.stringify(
        rows.map((r) => ({
          ip: r.ip,
          vmta: r.vmta,
          domain: r.domain,
          ...r.lifecycle,
          day: r.day,
          quota: r.quota,
        })),
        null,
        2,
      ),
    );
    return 0;
  }
  output.out(`IP lifecycle on ${today} (${inventory.platform.timezone})`);
  output.out(
    table(
      ["IP", "VMTA", "STATE", "UNTIL", "DAY", "QUOTA", "REASON"],
      rows.map((r) => [
        r.ip,
        r.vmta,
        r.lifecycle.state,
        r.lifecycle.until ?? "-",
        r.day,
        r.quota,
        r.lifecycle.reason,
      ]),
    ),
  );
  const serving = rows.filter((r) => r.lifecycle.serving).length;
  output.out(`${serving} of ${rows.length} IPs take traffic`);
  return 0;
}

export async function ipDecisionCommand(
  decision: Decision,
  ip: string,
  options: CommonOptions & { readonly by: string; readonly reason: string },
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  const { inventory } = await loadValidInventory(options.inventory);
  const now = env.now();
  const today = localDate(now, inventory.platform.timezone);
  const event = await withStore(env, options.dataDir, async (store) => {
    const events = await new IpEvents(store.sql).list();
    const rows = await rowsOf(store, inventory, today, now);
    const chosen = decide(decision, {
      inventory,
      ip,
      by: options.by,
      reason: options.reason,
      events,
      rows,
      now,
    });
    await new IpEvents(store.sql).record(chosen);
    return chosen;
  });
  output.out(
    `recorded: ${event.kind} ${event.ip} by ${event.actor.replace(/^operator:/, "")} (${event.reason}); the next reconcile converges PowerMTA and MailWizz`,
  );
  return 0;
}

export const registerIpCommands: RegisterCommands = (parent, env, output, setExit) => {
  const inventoryOption = () => new Option("--inventory <dir>", "inventory directory").default("inventory");
  const ip = parent.command("ip").description("sending IPs' lifecycle: state, and operators' decisions");
  ip.command("status")
    .description(
      "each IP's lifecycle state (warming, active, standby, resting, retiring, paused, quarantined, listed…)",
    )
    .addOption(inventoryOption())
    .option("--date <YYYY-MM-DD>", "the operators' local date (default: now)")
    .option("--data-dir <dir>", "embedded store directory (env EMAIL_ENGINE_DATA_DIR)")
    .option("--json", "an array of objects instead of a table")
    .action(async (opts: CommonOptions & { date?: string; json?: boolean }) =>
      setExit(await ipStatusCommand(opts, env, output)),
    );
  const decisions: [Decision, string][] = [
    ["promote", "put a standby IP in service (an operator's decision, recorded with who and why)"],
    ["demote", "put a promoted standby IP back in standby"],
    ["release", "end a quarantine (new warm-up from day 1) or a gates' pause early"],
  ];
  for (const [name, description] of decisions) {
    ip.command(name)
      .description(description)
      .argument("<ip>", "the IP's address (or its VMTA name)")
      .requiredOption("--by <name>", "who decides")
      .requiredOption("--reason <text>", "why")
      .addOption(inventoryOption())
      .option("--data-dir <dir>", "embedded store directory (env EMAIL_ENGINE_DATA_DIR)")
      .action(async (address: string, opts: CommonOptions & { by: string; reason: string }) =>
        setExit(await ipDecisionCommand(name, address, opts, env, output)),
      );
  }
};
