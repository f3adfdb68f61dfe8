// The old v1 API's documents (pure): per-IP rows, the inventory and the ledger → the JSON shapes its
// clients parse (field names and types as the Python engine's Pydantic models wrote them).
import type { WarmupRow } from "../../derive/warmup-table.ts";
import type { Inventory } from "../../inventory/types.gen.ts";
import { entries } from "../../inventory/model.ts";
import type { LedgerRow } from "../../store/ledger.ts";
import { quotaForDay, scheduleLength } from "../../warmup/schedule.ts";
import { legacyIpStatus, lifecycleOf, warmupFinished } from "./lifecycle.ts";

export interface PlanView {
  id: number;
  ip_id: number;
  phase: string;
  started_at: string;
  current_daily_quota: number;
  target_daily_quota: number;
  bounce_rate_7d: number;
  spam_rate_7d: number;
  paused: boolean;
  pause_until: string | null;
}

export interface IpView {
  id: number;
  address: string;
  hostname: string;
  purpose: string;
  status: string;
  weight: number;
  vmta_name: string;
  pool_name: string | null;
  mailwizz_server_id: number | null;
  sender_email: string | null;
  pmta_node_id: string;
  quarantine_until: string | null;
  status_changed_at: string | null;
  created_at: string;
}

export interface DomainView {
  id: number;
  name: string;
  purpose: string;
  ip_id: number | null;
  dkim_selector: string;
  spf_valid: boolean;
  dkim_valid: boolean;
  dmarc_valid: boolean;
  ptr_valid: boolean;
  last_dns_check: string | null;
  created_at: string | null;
}

export interface StatsView {
  date: string;
  sent: number;
  delivered: number;
  bounced: number;
  complaints: number;
  opens: number;
  clicks: number;
}

/** Rows of IPs that exist on the wire: an unallocated slot has no address, so no v1 identity yet. */
export function addressedRows(rows: readonly WarmupRow[]): WarmupRow[] {
  return rows.filter((row) => !row.ip.startsWith("slot:"));
}

const midnight = (day: string) => `${day}T00:00:00Z`;

/** Percent, as the old engine stored them (bounced / sent × 100), rounded to 4 decimals; 0 without mail. */
export function rate(part: number, sent: number): number {
  return sent <= 0 ? 0 : Math.round((part / sent) * 100 * 10_000) / 10_000;
}

export interface Rates7d {
  readonly bounce: number;
  readonly spam: number;
}

/** 7-day rates per IP from the ledger rows given (the caller picks the 7 days). */
export function rates7d(ledger: readonly LedgerRow[]): Map<string, Rates7d> {
  const sums = new Map<string, { sent: number; bounced: number; complained: number }>();
  for (const row of ledger) {
    const s = sums.get(row.ip) ?? { sent: 0, bounced: 0, complained: 0 };
    s.sent += row.sent;
    s.bounced += row.bounced;
    s.complained += row.complained;
    sums.set(row.ip, s);
  }
  return new Map(
    [...sums].map(([ip, s]) => [ip, { bounce: rate(s.bounced, s.sent), spam: rate(s.complained, s.sent) }]),
  );
}

/**
 * Phase: `day_N` while warming, `emergency_stop` for a quarantined IP (the old engine's phase for
 * its 30-day stop), `pending` before the start date, and `done` once the warm-up is finished.
 *
 * Why `done` and not the old engine's `completed`: Scraper-Pro's warm-up guard sums
 * `current_daily_quota` over plans that are not paused and whose phase is not "done", and caps its
 * hourly injection with that sum. The old engine wrote "completed", so a warmed IP's full quota
 * (20,000) was counted as warm-up capacity, a cap that never bound. "done" is what Scraper-Pro's
 * code treats as finished: a warmed IP drops out of the warm-up cap, and when every plan is done the
 * sum is 0, which Scraper-Pro reads as "no warm-up limit" (its documented behaviour).
 */
export function phaseOf(row: WarmupRow): string {
  const lifecycle = lifecycleOf(row);
  if (lifecycle.state === "quarantined") return "emergency_stop";
  if (warmupFinished(row, lifecycle)) return "done";
  if (row.state === "pending") return "pending";
  return `day_${row.day}`;
}

const PAUSED_STATES = new Set(["paused", "quarantined", "listed"]);

export function planView(
  inventory: Inventory,
  row: WarmupRow,
  ids: { plan: number; ip: number },
  rates: Rates7d | undefined,
): PlanView {
  const lifecycle = lifecycleOf(row);
  const schedule = inventory.schedules[row.schedule];
  const paused = row.state === "paused" || PAUSED_STATES.has(lifecycle.state);
  return {
    id: ids.plan,
    ip_id: ids.ip,
    phase: phaseOf(row),
    started_at: midnight(row.start),
    current_daily_quota: row.quota,
    target_daily_quota: schedule ? quotaForDay(schedule, scheduleLength(schedule)) : row.quota,
    bounce_rate_7d: rates?.bounce ?? 0,
    spam_rate_7d: rates?.spam ?? 0,
    paused,
    pause_until: paused ? lifecycle.until : null,
  };
}

export function ipView(inventory: Inventory, row: WarmupRow, id: number): IpView {
  const lifecycle = lifecycleOf(row);
  const ip = inventory.ips.find((candidate) => (candidate.address ?? "") === row.ip);
  const status = legacyIpStatus(row, lifecycle);
  return {
    id,
    address: row.ip,
    hostname: row.hostname,
    purpose: "marketing",
    status,
    // The old weight: 100 takes traffic, 0 does not.
    weight: row.quota > 0 ? 100 : 0,
    vmta_name: row.vmta,
    pool_name: ip?.pool ?? inventory.platform.defaults?.pool ?? null,
    mailwizz_server_id: null,
    sender_email: null,
    pmta_node_id: ip?.server ?? "",
    quarantine_until: status === "quarantined" || status === "resting" ? lifecycle.until : null,
    status_changed_at: null,
    created_at: midnight(row.start),
  };
}

export interface DnsState {
  readonly verdict: string;
  readonly reason: string;
  readonly lastCheckedAt: string;
}

/** The domain's DNS flags from the DNS monitor's latest verdict: a check named in its reason failed. */
export function domainView(
  name: string,
  inventory: Inventory,
  id: number,
  ipId: number | null,
  dns: DnsState | undefined,
): DomainView {
  const domain = inventory.domains[name];
  const reason = dns?.reason.toLowerCase() ?? "";
  const ok = (check: string) => dns !== undefined && (dns.verdict === "clear" || !reason.includes(check));
  return {
    id,
    name,
    purpose: "marketing",
    ip_id: ipId,
    dkim_selector: domain?.dkim.selector ?? "default",
    spf_valid: ok("spf"),
    dkim_valid: ok("dkim"),
    dmarc_valid: ok("dmarc"),
    ptr_valid: ok("ptr"),
    last_dns_check: dns?.lastCheckedAt ?? null,
    created_at: null,
  };
}

/** The domain names of the inventory, sorted (the v1 list order). */
export function domainNames(inventory: Inventory): string[] {
  return entries(inventory.domains).map(([name]) => name);
}

/**
 * Daily stats newest first. The ledger counts final outcomes (`sent`) and hard bounces, not
 * deliveries: `delivered` is sent − bounced, and opens/clicks are not tracked by the ledger (0).
 */
export function statsView(ledger: readonly LedgerRow[]): StatsView[] {
  return [...ledger]
    .sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0))
    .map((row) => ({
      date: midnight(row.day),
      sent: row.sent,
      delivered: Math.max(0, row.sent - row.bounced),
      bounced: row.bounced,
      complaints: row.complained,
      opens: 0,
      clicks: 0,
    }));
}
