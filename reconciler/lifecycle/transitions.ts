// Which ip_events a tick records (pure): the inventory's states as the daemon first sees them, the
// automatic end of a pause or quarantine (recorded at its `until`, so a replay records the same), the
// blocklist monitor's listings opening and closing, and the gates' rolling windows on the last closed
// day. The states themselves are computed from these by state.ts; recording them makes the history
// visible (`ip status`, the status API) and lets a standby promotion be tied to one standby spell.
import { gatesOf, ipKey } from "../inventory/model.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { LedgerRow } from "../store/ledger.ts";
import type { LocalDate } from "../warmup/dates.ts";
import type { IpEvent, NewIpEvent } from "./events.ts";
import type { LifecycleClock } from "./state.ts";
import { gatePauseOf, quarantineOf } from "./state.ts";
import { judgeWindows } from "./windows.ts";

/** An open blocklist listing of an IP (blocklist_listings with ended_at NULL). */
export interface OpenListing {
  readonly subject: string;
  readonly list: string;
  readonly severity: "pause" | "hold" | "info" | null;
}

const last = (events: readonly IpEvent[], kinds: readonly string[]) =>
  events.filter((e) => kinds.includes(e.kind)).at(-1);

/** Inventory-state markers, automatic resume/release markers and listing changes. */
export function markerEvents(
  inventory: Inventory,
  byIp: ReadonlyMap<string, readonly IpEvent[]>,
  listings: readonly OpenListing[],
  clock: LifecycleClock,
): NewIpEvent[] {
  const out: NewIpEvent[] = [];
  for (const ip of inventory.ips) {
    const key = ipKey(ip);
    const events = byIp.get(key) ?? [];
    const wanted = ip.state ?? "in-service";
    const seen = last(events, ["standby", "resting", "retiring", "in-service"]);
    if ((seen?.kind ?? "in-service") !== wanted) {
      out.push({
        ip: key,
        at: clock.now,
        kind: wanted,
        reason: `the inventory says ${ip.state ? `state: ${ip.state}` : "in service"}${ip.until ? ` until ${ip.until}` : ""}`,
        actor: "inventory",
      });
    }
    // A pause or quarantine that ran out by itself gets its end marker, dated at its `until`.
    const q = quarantineOf(events, clock.now);
    if (q?.ended && q.end && !q.closedBy) {
      out.push({
        ip: key,
        at: q.end,
        kind: "release",
        reason: "quarantine over: new warm-up from day 1",
        actor: "gates",
      });
    }
    const p = gatePauseOf(events, clock.now);
    if (p?.ended && p.end && !p.closedBy) {
      out.push({
        ip: key,
        at: p.end,
        kind: "resume",
        reason: "pause over: resumes at its warm-up day",
        actor: "gates",
      });
    }
    if (ip.address === undefined) continue;
    const open = listings
      .filter((l) => l.subject === ip.address && (l.severity === "pause" || l.severity === "hold"))
      .sort((a, b) => (a.list < b.list ? -1 : 1));
    const severity = open.some((l) => l.severity === "pause") ? "pause" : "hold";
    const was = last(events, ["listed", "delisted"]);
    const lists = open.map((l) => `${l.list} (${l.severity})`).join(", ");
    if (
      open.length > 0 &&
      (was?.kind !== "listed" || was.severity !== severity || was.reason !== `on ${lists}`)
    ) {
      out.push({
        ip: key,
        at: clock.now,
        kind: "listed",
        reason: `on ${lists}`,
        actor: "blocklists",
        severity,
      });
    } else if (open.length === 0 && was?.kind === "listed") {
      out.push({
        ip: key,
        at: clock.now,
        kind: "delisted",
        reason: "no open listing left",
        actor: "blocklists",
      });
    }
  }
  return out;
}

/**
 * The gates' window verdicts on `day` (the last closed day) for the IPs in service. A pause of that
 * day's own verdict does not exempt an IP (the emergency still quarantines it). Days up to the one that
 * triggered the IP's last pause or quarantine are not counted again.
 */
export function gateEvents(
  inventory: Inventory,
  ledger: readonly LedgerRow[],
  byIp: ReadonlyMap<string, readonly IpEvent[]>,
  /** IPs whose lifecycle lets them send (not out of service by the inventory or an event). */
  inService: ReadonlySet<string>,
  starts: ReadonlyMap<string, LocalDate>,
  day: LocalDate,
  now: Date,
): NewIpEvent[] {
  const out: NewIpEvent[] = [];
  for (const ip of inventory.ips) {
    const key = ipKey(ip);
    const gates = gatesOf(inventory, ip);
    if (!gates || !inService.has(key)) continue;
    const events = byIp.get(key) ?? [];
    const counted = events
      .filter((e) => (e.kind === "pause" || e.kind === "quarantine") && e.day !== null)
      .map((e) => e.day!)
      .sort()
      .at(-1);
    if (counted !== undefined && counted >= day) continue;
    const start = starts.get(key) ?? ip.warmup.start;
    const rows = ledger.filter((r) => r.ip === key && r.day >= start);
    const trigger = judgeWindows(gates, rows, day, counted);
    if (!trigger) continue;
    out.push({
      ip: key,
      at: now,
      kind: trigger.kind,
      until: new Date(now.getTime() + trigger.hours * 3_600_000),
      reason: trigger.reason,
      actor: "gates",
      day,
    });
  }
  return out;
}
