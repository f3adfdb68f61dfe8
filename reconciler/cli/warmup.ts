import { warmupTable } from "../derive/warmup-table.ts";
import type { WarmupRow } from "../derive/warmup-table.ts";
import { IpEvents } from "../lifecycle/events.ts";
import { localDate, parseLocalDate, startOfLocalDay } from "../warmup/dates.ts";
import type { CliEnvironment } from "./context.ts";
import { openCommandStore } from "./context.ts";
import type { Output } from "./output.ts";
import { table } from "./output.ts";
import { loadValidInventory } from "./validate.ts";

export interface WarmupOptions {
  readonly inventory: string;
  readonly date?: string;
  readonly json?: boolean;
  readonly dataDir?: string;
}

export async function warmupCommand(
  options: WarmupOptions,
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  const date = options.date !== undefined ? parseLocalDate(options.date) : undefined;
  const { inventory } = await loadValidInventory(options.inventory);
  const today = date ?? localDate(env.now(), inventory.platform.timezone);
  const store = await openCommandStore(env, options.dataDir);
  let rows: WarmupRow[];
  try {
    const byIp = await store.ledger.judgedDays(today);
    const events = await new IpEvents(store.sql).list();
    const now = date !== undefined ? startOfLocalDay(date, inventory.platform.timezone) : env.now();
    rows = warmupTable(inventory, byIp, today, { events, now });
  } finally {
    await store.close();
  }
  if (options.json) {
    output.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  output.out(`Warm-up on ${today} (${inventory.platform.timezone}), ledger: ${store.kind}`);
  output.out(
    table(
      ["IP", "HOSTNAME", "VMTA", "DOMAIN", "DAY", "QUOTA", "STATE", "LIFECYCLE", "REASON"],
      rows.map((r) => [
        r.ip,
        r.hostname,
        r.vmta,
        r.domain,
        r.day,
        r.quota,
        r.state,
        r.lifecycle.state,
        r.lifecycle.serving ? r.reason : r.lifecycle.reason,
      ]),
    ),
  );
  const total = rows.reduce((sum, r) => sum + r.quota, 0);
  output.out(`${rows.length} IPs, ${total} messages/day in all`);
  return 0;
}
