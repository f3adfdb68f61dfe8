// The lifecycle's part of a tick (IO in order, decisions in transitions.ts and state.ts): record what
// changed since the last tick, then the gates' window verdicts on the last closed day, and hand the
// events to the planner, which stays pure (it gets them, and the clock, as parameters).
import { BlocklistHistory } from "../blocklists/history.ts";
import type { WarmupRow } from "../derive/warmup-table.ts";
import { warmupTable } from "../derive/warmup-table.ts";
import type { DayLifecycle } from "../gates/close-day.ts";
import { ipKey } from "../inventory/model.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import { Ledger } from "../store/ledger.ts";
import type { SqlQuerier } from "../store/sql.ts";
import { addDays } from "../warmup/dates.ts";
import type { LocalDate } from "../warmup/dates.ts";
import type { IpEvent } from "./events.ts";
import { IpEvents, eventsByIp } from "./events.ts";
import type { LifecycleClock } from "./state.ts";
import { outOfService, warmupStartOf } from "./state.ts";
import { gateEvents, markerEvents } from "./transitions.ts";

/** Per IP, what closing a day needs from the lifecycle: the warm-up start and whether it is out. */
export function dayLifecycles(
  inventory: Inventory,
  events: readonly IpEvent[],
  clock: LifecycleClock,
): Map<string, DayLifecycle> {
  const byIp = eventsByIp(events);
  const out = new Map<string, DayLifecycle>();
  for (const ip of inventory.ips) {
    const key = ipKey(ip);
    const own = byIp.get(key) ?? [];
    const { start } = warmupStartOf(ip, own, clock);
    const off = outOfService(ip, own, clock);
    out.set(key, { start, ...(off ? { outOfService: off.reason } : {}) });
  }
  return out;
}

/** Records the inventory-state markers, automatic resume/release markers and listing changes. */
export async function recordMarkers(
  db: SqlQuerier,
  inventory: Inventory,
  clock: LifecycleClock,
): Promise<IpEvent[]> {
  const store = new IpEvents(db);
  const listings = await new BlocklistHistory(db).open();
  for (const event of markerEvents(inventory, eventsByIp(await store.list()), listings, clock)) {
    await store.record(event);
  }
  return store.list();
}

/**
 * Judges the rolling windows on the day before `clock.date` and records the pauses and quarantines
 * they call for; returns the warm-up rows for today with every event applied.
 */
export async function recordGateEvents(
  db: SqlQuerier,
  inventory: Inventory,
  judged: Parameters<typeof warmupTable>[1],
  clock: LifecycleClock,
): Promise<{ rows: WarmupRow[]; events: IpEvent[] }> {
  const store = new IpEvents(db);
  let events = await store.list();
  let rows = warmupTable(inventory, judged, clock.date, { events, now: clock.now });
  const day: LocalDate = addDays(clock.date, -1);
  const ledger = await new Ledger(db).list({ from: addDays(day, -31), to: clock.date });
  const found = gateEvents(
    inventory,
    ledger,
    eventsByIp(events),
    new Set(
      [...dayLifecycles(inventory, events, clock)]
        .filter(([, life]) => life.outOfService === undefined)
        .map(([ip]) => ip),
    ),
    new Map(rows.map((r) => [r.ip, r.start])),
    day,
    clock.now,
  );
  if (found.length > 0) {
    for (const event of found) await store.record(event);
    events = await store.list();
    rows = warmupTable(inventory, judged, clock.date, { events, now: clock.now });
  }
  return { rows, events };
}
