// derive (pure): the inventory + the ledger + a date → today's warm-up row for every sending IP.
import type { Inventory } from "../inventory/types.gen.ts";
import { ipKey, scheduleNameOf, scheduleOf } from "../inventory/model.ts";
import type { JudgedDay, WarmupState } from "../warmup/calendar.ts";
import { warmupStatus } from "../warmup/calendar.ts";
import type { LocalDate } from "../warmup/dates.ts";

export interface WarmupRow {
  readonly ip: string;
  readonly hostname: string;
  readonly vmta: string;
  readonly domain: string;
  readonly schedule: string;
  readonly start: LocalDate;
  readonly day: number;
  readonly calendarDay: number;
  readonly quota: number;
  readonly state: WarmupState;
  readonly reason: string;
}

export function warmupTable(
  inventory: Inventory,
  ledgerByIp: ReadonlyMap<string, readonly JudgedDay[]>,
  date: LocalDate,
): WarmupRow[] {
  return inventory.ips
    .map((ip) => {
      const key = ipKey(ip);
      const schedule = scheduleOf(inventory, ip);
      if (!schedule) throw new Error(`IP ${ip.vmta} has no schedule (the validator should have refused it)`);
      const status = warmupStatus({
        schedule,
        start: ip.warmup.start,
        date,
        ledger: ledgerByIp.get(key) ?? [],
        operatorPaused: ip.paused ?? false,
      });
      return {
        ip: key,
        hostname: ip.hostname,
        vmta: ip.vmta,
        domain: ip.domain,
        schedule: scheduleNameOf(inventory, ip) ?? "",
        start: ip.warmup.start,
        ...status,
      };
    })
    .sort((a, b) => (a.vmta < b.vmta ? -1 : a.vmta > b.vmta ? 1 : 0));
}
