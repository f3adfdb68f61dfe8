// ingest (pure): PowerMTA accounting events → counters per sending IP per operator-local day, the
// ledger's inputs. Counting rules:
// - sent: messages that reached a final outcome at the receiver (delivered `d`, refused `b`);
// - bounced: HARD bounces only (the gate is on hard bounces); a remote bounce (`rb`, an asynchronous
//   DSN for a message already counted as delivered) adds a bounce but no new message;
// - complained: feedback-loop reports (`f`); deferred: transient failures (`t`).
// Soft bounces are not counted as bounces: they are the receiver's "not now", seen as deferrals.
import type { AcctEvent } from "../pmta/host/accounting.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { LedgerCounts } from "../store/ledger.ts";
import { localDate } from "../warmup/dates.ts";

export interface DayCounts extends LedgerCounts {
  readonly ip: string;
  readonly day: string;
}

export interface Aggregate {
  readonly counts: DayCounts[];
  /** Events whose source matched no sending IP of the inventory (another host's, or stale). */
  readonly unmatched: number;
}

export function aggregateEvents(
  inventory: Inventory,
  events: readonly AcctEvent[],
  fallbackTime: Date,
): Aggregate {
  const byAddress = new Set(inventory.ips.flatMap((ip) => (ip.address ? [ip.address] : [])));
  const byVmta = new Map(inventory.ips.flatMap((ip) => (ip.address ? [[ip.vmta, ip.address] as const] : [])));
  const tz = inventory.platform.timezone;
  const totals = new Map<string, { sent: number; bounced: number; complained: number; deferred: number }>();
  let unmatched = 0;
  for (const event of events) {
    const ip =
      event.sourceIp && byAddress.has(event.sourceIp)
        ? event.sourceIp
        : event.vmta
          ? byVmta.get(event.vmta)
          : undefined;
    if (!ip) {
      unmatched++;
      continue;
    }
    const when = event.time ? new Date(event.time) : fallbackTime;
    const day = localDate(Number.isNaN(when.getTime()) ? fallbackTime : when, tz);
    const key = `${ip}|${day}`;
    const t = totals.get(key) ?? { sent: 0, bounced: 0, complained: 0, deferred: 0 };
    switch (event.kind) {
      case "delivered":
        t.sent++;
        break;
      case "bounced":
        if (!event.remote) t.sent++;
        if (event.bounceClass === "hard") t.bounced++;
        else t.deferred++;
        break;
      case "complaint":
        t.complained++;
        break;
      case "deferred":
        t.deferred++;
        break;
      default: {
        const other: never = event;
        throw new Error(`unknown accounting event ${JSON.stringify(other)}`);
      }
    }
    totals.set(key, t);
  }
  const counts = [...totals.entries()]
    .map(([key, t]) => {
      const [ip = "", day = ""] = key.split("|");
      return { ip, day, ...t };
    })
    .sort((a, b) => (a.ip === b.ip ? (a.day < b.day ? -1 : 1) : a.ip < b.ip ? -1 : 1));
  return { counts, unmatched };
}

export interface SuppressionEvent {
  readonly email: string;
  readonly reason: "hard-bounce" | "complaint";
  /** The sending IP the record came from (a complaint is scoped to that IP's tenant). */
  readonly ip: string | null;
}

/**
 * The recipients the accounting records say must never be mailed again (reference deliverability
 * §5.2/§5.4): hard bounces (bad mailbox, bad domain, inactive mailbox) and feedback-loop complaints.
 * Soft bounces and deferrals are the receiver's "not now" and suppress nothing; a policy or reputation
 * refusal (5.7.x) is about the sender, which is why only the hard categories count.
 */
export function suppressionEvents(inventory: Inventory, events: readonly AcctEvent[]): SuppressionEvent[] {
  const byVmta = new Map(inventory.ips.flatMap((ip) => (ip.address ? [[ip.vmta, ip.address] as const] : [])));
  const out: SuppressionEvent[] = [];
  for (const event of events) {
    if (!event.recipient || !event.recipient.includes("@")) continue;
    const ip = event.sourceIp ?? (event.vmta ? (byVmta.get(event.vmta) ?? null) : null);
    if (event.kind === "bounced" && event.bounceClass === "hard")
      out.push({ email: event.recipient, reason: "hard-bounce", ip });
    else if (event.kind === "complaint") out.push({ email: event.recipient, reason: "complaint", ip });
  }
  return out;
}
