// The lifecycle state of one sending IP (pure): the inventory's decision (standby, resting, retiring),
// what the gates, the blocklist monitor and operators did (ip_events), and the warm-up calendar →
// one explicit state, when it ends by itself, why, and whether the IP takes traffic today.
//
// The strongest state wins, in this order: retired, retiring, resting, quarantined, standby, listed on
// a list that stops sending, paused (gates' event, then the inventory or a day's verdict), pending,
// listed on a hold-only list, then active (warm-up complete) or warming.
//
// Coming back: a rested IP (after `until`) and a quarantined one (after its release) start a NEW
// warm-up from day 1 on the day they come back; a paused one resumes at the warm-up day it had. The
// old engine left rested IPs `warming` without a plan forever and never released quarantined ones.
import type { SendingIp } from "../inventory/types.gen.ts";
import type { WarmupStatus } from "../warmup/calendar.ts";
import type { LocalDate } from "../warmup/dates.ts";
import { localDate, startOfLocalDay } from "../warmup/dates.ts";
import type { IpEvent } from "./events.ts";

export const LIFECYCLE_STATES = [
  "pending",
  "warming",
  "active",
  "standby",
  "resting",
  "retiring",
  "retired",
  "paused",
  "quarantined",
  "listed",
] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

export interface IpLifecycle {
  readonly state: LifecycleState;
  /** When the state ends by itself (ISO 8601 instant), or null when it lasts until someone acts. */
  readonly until: string | null;
  readonly reason: string;
  /** Takes new traffic today: in its PowerMTA pool and its MailWizz delivery server active. */
  readonly serving: boolean;
}

export interface LifecycleClock {
  /** The operators' local date. */
  readonly date: LocalDate;
  readonly now: Date;
  readonly timeZone: string;
}

interface Episode {
  readonly open: IpEvent;
  /** When it ended or will end (the closing event, else the opening event's until); null: open-ended. */
  readonly end: Date | null;
  readonly ended: boolean;
  /** The event that closed it early or marked its end, if one was recorded. */
  readonly closedBy: IpEvent | undefined;
}

/** The latest episode opened by `opens` and what closed it (the first `closes` event after it). */
function latestEpisode(
  events: readonly IpEvent[],
  opens: string,
  closes: readonly string[],
  now: Date,
): Episode | undefined {
  let index = -1;
  events.forEach((e, i) => {
    if (e.kind === opens) index = i;
  });
  const open = events[index];
  if (!open) return undefined;
  const close = events.slice(index + 1).find((e) => closes.includes(e.kind));
  const end =
    close && (open.until === null || close.at < open.until) ? close.at : (open.until ?? close?.at ?? null);
  return { open, end, ended: end !== null && end <= now, closedBy: close };
}

/** The latest event among `kinds`, if any. */
function latestOf(events: readonly IpEvent[], kinds: readonly string[]): IpEvent | undefined {
  return events.filter((e) => kinds.includes(e.kind)).at(-1);
}

export function quarantineOf(events: readonly IpEvent[], now: Date): Episode | undefined {
  return latestEpisode(events, "quarantine", ["release"], now);
}

export function gatePauseOf(events: readonly IpEvent[], now: Date): Episode | undefined {
  return latestEpisode(events, "pause", ["resume", "release"], now);
}

/** A standby IP is promoted while its latest promote/demote/standby event is a promote. */
export function promotionOf(events: readonly IpEvent[]): IpEvent | undefined {
  const last = latestOf(events, ["promote", "demote", "standby"]);
  return last?.kind === "promote" ? last : undefined;
}

export interface WarmupStart {
  readonly start: LocalDate;
  /** Why the start moved past the inventory's (a rest or a quarantine ended), if it did. */
  readonly restart?: string;
}

/** The first day of the IP's current warm-up: the inventory's start, or the day it came back. */
export function warmupStartOf(ip: SendingIp, events: readonly IpEvent[], clock: LifecycleClock): WarmupStart {
  let result: WarmupStart = { start: ip.warmup.start };
  const later = (start: LocalDate, restart: string) => {
    if (start > result.start && start <= clock.date) result = { start, restart };
  };
  if (ip.state === "resting" && ip.until !== undefined && ip.until <= clock.date) {
    later(ip.until, `back from rest on ${ip.until}: new warm-up from day 1`);
  }
  const q = quarantineOf(events, clock.now);
  if (q?.ended && q.end) {
    const back = localDate(q.end, clock.timeZone);
    later(back, `released from quarantine on ${back}: new warm-up from day 1`);
  }
  return result;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * The states that do not depend on the warm-up calendar: an IP in one of them takes no traffic (the
 * gates do not judge it), whatever its warm-up day.
 */
export function outOfService(
  ip: SendingIp,
  events: readonly IpEvent[],
  clock: LifecycleClock,
): IpLifecycle | undefined {
  const out = (state: LifecycleState, until: Date | null, reason: string): IpLifecycle => ({
    state,
    until: iso(until),
    reason,
    serving: false,
  });
  if (ip.state === "retiring") {
    if (ip.until !== undefined && ip.until <= clock.date) {
      return out("retired", null, `retired on ${ip.until}: out of the PowerMTA config`);
    }
    return out(
      "retiring",
      ip.until === undefined ? null : startOfLocalDay(ip.until, clock.timeZone),
      `retiring: out of the pool, its queue drains${ip.until ? ` until ${ip.until}` : ""}`,
    );
  }
  if (ip.state === "resting" && ip.until !== undefined && ip.until > clock.date) {
    return out(
      "resting",
      startOfLocalDay(ip.until, clock.timeZone),
      `resting until ${ip.until}, then a new warm-up from day 1`,
    );
  }
  const q = quarantineOf(events, clock.now);
  if (q && !q.ended) {
    return out(
      "quarantined",
      q.end,
      `quarantined until ${iso(q.end) ?? "an operator releases it"}: ${q.open.reason}`,
    );
  }
  if (ip.state === "standby" && promotionOf(events) === undefined) {
    return out("standby", null, "standby: ready, takes no traffic until an operator promotes it");
  }
  const listing = latestOf(events, ["listed", "delisted"]);
  if (listing?.kind === "listed" && listing.severity === "pause") {
    return out("listed", null, `listed since ${listing.at.toISOString()}: ${listing.reason}`);
  }
  const p = gatePauseOf(events, clock.now);
  if (p && !p.ended) {
    return out("paused", p.end, `paused until ${iso(p.end) ?? "an operator releases it"}: ${p.open.reason}`);
  }
  return undefined;
}

/** The IP's lifecycle today, given its warm-up status computed from warmupStartOf()'s start. */
export function lifecycleOf(
  ip: SendingIp,
  events: readonly IpEvent[],
  clock: LifecycleClock,
  warmup: WarmupStatus,
  restart?: string,
): IpLifecycle {
  const out = outOfService(ip, events, clock);
  if (out) return out;
  const note = (reason: string) => (restart ? `${restart}; ${reason}` : reason);
  if (warmup.state === "pending") {
    return { state: "pending", until: null, reason: warmup.reason, serving: false };
  }
  if (warmup.state === "paused") {
    return { state: "paused", until: null, reason: warmup.reason, serving: false };
  }
  const promoted = ip.state === "standby" ? promotionOf(events) : undefined;
  const by = promoted ? `promoted from standby by ${promoted.actor} (${promoted.reason}); ` : "";
  const listing = latestOf(events, ["listed", "delisted"]);
  if (listing?.kind === "listed") {
    return {
      state: "listed",
      until: null,
      reason: `${by}listed since ${listing.at.toISOString()} (holds the warm-up): ${listing.reason}`,
      serving: true,
    };
  }
  if (warmup.state === "warmed") {
    return { state: "active", until: null, reason: note(`${by}warm-up complete`), serving: true };
  }
  return { state: "warming", until: null, reason: note(`${by}${warmup.reason}`), serving: true };
}
