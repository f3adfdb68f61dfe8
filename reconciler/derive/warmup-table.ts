// derive (pure): the inventory + the ledger + the lifecycle events + a date → today's warm-up row for
// every sending IP. `quota` is what the IP may send today: its warm-up quota while it takes traffic,
// 0 when its lifecycle keeps it out (standby, resting, paused, quarantined, listed on a stopping list,
// retiring, retired). PowerMTA and MailWizz both read it, so they never disagree.
import type { Inventory } from "../inventory/types.gen.ts";
import { ipKey, scheduleNameOf, scheduleOf } from "../inventory/model.ts";
import type { IpEvent } from "../lifecycle/events.ts";
import { eventsByIp } from "../lifecycle/events.ts";
import type { IpLifecycle } from "../lifecycle/state.ts";
import { lifecycleOf, warmupStartOf } from "../lifecycle/state.ts";
import type { JudgedDay, WarmupState } from "../warmup/calendar.ts";
import { warmupStatus } from "../warmup/calendar.ts";
import type { LocalDate } from "../warmup/dates.ts";
import { startOfLocalDay } from "../warmup/dates.ts";

export interface WarmupRow {
  readonly ip: string;
  readonly hostname: string;
  readonly vmta: string;
  readonly domain: string;
  readonly schedule: string;
  /** First day of the current warm-up: the inventory's, or the day it came back from rest/quarantine. */
  readonly start: LocalDate;
  readonly day: number;
  readonly calendarDay: number;
  /** Messages it may send today (0 when its lifecycle keeps it out of service). */
  readonly quota: number;
  /** The warm-up calendar's state (the ladder), apart from the lifecycle. */
  readonly state: WarmupState;
  readonly reason: string;
  /** The lifecycle state operators know, when it ends by itself, and why. */
  readonly lifecycle: IpLifecycle;
  /** Retiring only: the daily cap PowerMTA keeps so the queue drains (out of the pool). */
  readonly drainQuota?: number;
}

export interface LifecycleInput {
  /** Every IP's events (ip_events), oldest first. */
  readonly events: readonly IpEvent[];
  /** The instant "today" is evaluated at (pause and quarantine ends are instants). */
  readonly now: Date;
}

export function warmupTable(
  inventory: Inventory,
  ledgerByIp: ReadonlyMap<string, readonly JudgedDay[]>,
  date: LocalDate,
  lifecycle?: LifecycleInput,
): WarmupRow[] {
  const timeZone = inventory.platform.timezone;
  // Without events, states are the inventory's and the calendar's, evaluated at the day's start.
  const clock = { date, now: lifecycle?.now ?? startOfLocalDay(date, timeZone), timeZone };
  const byIp = eventsByIp(lifecycle?.events ?? []);
  return inventory.ips
    .map((ip): WarmupRow => {
      const key = ipKey(ip);
      const schedule = scheduleOf(inventory, ip);
      if (!schedule) throw new Error(`IP ${ip.vmta} has no schedule (the validator should have refused it)`);
      const events = byIp.get(key) ?? [];
      const { start, restart } = warmupStartOf(ip, events, clock);
      const status = warmupStatus({
        schedule,
        start,
        date,
        ledger: ledgerByIp.get(key) ?? [],
        operatorPaused: ip.paused ?? false,
      });
      const life = lifecycleOf(ip, events, clock, status, restart);
      return {
        ip: key,
        hostname: ip.hostname,
        vmta: ip.vmta,
        domain: ip.domain,
        schedule: scheduleNameOf(inventory, ip) ?? "",
        start,
        ...status,
        quota: life.serving ? status.quota : 0,
        lifecycle: life,
        ...(life.state === "retiring" ? { drainQuota: status.quota } : {}),
      };
    })
    .sort((a, b) => (a.vmta < b.vmta ? -1 : a.vmta > b.vmta ? 1 : 0));
}
