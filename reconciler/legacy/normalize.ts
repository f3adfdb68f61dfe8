// Raw rows of the old database (JSON objects, whatever columns its schema revision had) → typed rows.
// A row missing a column it needs is reported as not mapped, never dropped silently.
import type { LocalDate } from "../warmup/dates.ts";
import { isLocalDate } from "../warmup/dates.ts";
import type {
  LegacyBlacklistEvent,
  LegacyDomain,
  LegacyIp,
  LegacyPlan,
  LegacySnapshot,
  LegacyStat,
  LegacyTenant,
  Unmapped,
} from "./model.ts";
import type { RawLegacyData } from "./source.ts";

export type Row = Record<string, unknown>;

class Missing extends Error {}

function need<T>(value: T | null | undefined, column: string): T {
  if (value === null || value === undefined) throw new Missing(`column ${column} is empty or absent`);
  return value;
}

function int(row: Row, column: string): number | null {
  const v = row[column];
  if (v === null || v === undefined) return null;
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?[0-9]+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n))
    throw new Missing(`column ${column} is not an integer (${JSON.stringify(v)})`);
  return n;
}

function text(row: Row, column: string): string | null {
  const v = row[column];
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") throw new Missing(`column ${column} is not text (${JSON.stringify(v)})`);
  const t = v.trim();
  return t === "" ? null : t;
}

function bool(row: Row, column: string): boolean {
  const v = row[column];
  return v === true || v === "true" || v === 1;
}

/** A timestamp; the old engine's naive datetimes are UTC. */
function time(row: Row, column: string): Date | null {
  const v = text(row, column);
  if (v === null) return null;
  const withZone = /(Z|[+-][0-9]{2}(:?[0-9]{2})?)$/.test(v) ? v : `${v}Z`;
  const d = new Date(withZone);
  if (Number.isNaN(d.getTime()))
    throw new Missing(`column ${column} is not a timestamp (${JSON.stringify(v)})`);
  return d;
}

/** The calendar date of a date or datetime column (the old stats are dated by UTC day). */
function day(row: Row, column: string): LocalDate | null {
  const v = text(row, column);
  if (v === null) return null;
  const d = v.slice(0, 10);
  if (!isLocalDate(d)) throw new Missing(`column ${column} is not a date (${JSON.stringify(v)})`);
  return d;
}

function rows<T>(table: string, input: readonly Row[], unmapped: Unmapped[], map: (row: Row) => T): T[] {
  const out: T[] = [];
  for (const row of input) {
    try {
      out.push(map(row));
    } catch (error) {
      if (!(error instanceof Missing)) throw error;
      const id = typeof row.id === "number" || typeof row.id === "string" ? String(row.id) : "?";
      unmapped.push({ table, id, reason: error.message });
    }
  }
  return out;
}

export function normalizeLegacy(raw: RawLegacyData): { snapshot: LegacySnapshot; unmapped: Unmapped[] } {
  const unmapped: Unmapped[] = [];
  const t = raw.tables;
  const ips = rows("ips", t.ips, unmapped, (r): LegacyIp => ({
    id: need(int(r, "id"), "id"),
    address: need(text(r, "address"), "address"),
    hostname: text(r, "hostname")?.toLowerCase().replace(/\.$/, "") ?? null,
    status: (text(r, "status") ?? "standby").toLowerCase(),
    vmtaName: text(r, "vmta_name"),
    poolName: text(r, "pool_name"),
    pmtaNodeId: text(r, "pmta_node_id"),
    quarantineUntil: time(r, "quarantine_until"),
    statusChangedAt: time(r, "status_changed_at"),
    tenantId: int(r, "tenant_id"),
  }));
  const domains = rows("domains", t.domains, unmapped, (r): LegacyDomain => ({
    id: need(int(r, "id"), "id"),
    name: need(text(r, "name"), "name").toLowerCase().replace(/\.$/, ""),
    ipId: int(r, "ip_id"),
    dkimSelector: text(r, "dkim_selector"),
    tenantId: int(r, "tenant_id"),
  }));
  const tenants = rows("tenants", t.tenants, unmapped, (r): LegacyTenant => ({
    id: need(int(r, "id"), "id"),
    slug: need(text(r, "slug"), "slug"),
  }));
  const plans = rows("warmup_plans", t.warmup_plans, unmapped, (r): LegacyPlan => ({
    id: need(int(r, "id"), "id"),
    ipId: need(int(r, "ip_id"), "ip_id"),
    phase: (text(r, "phase") ?? "week_1").toLowerCase(),
    startedAt: time(r, "started_at"),
    currentDailyQuota: int(r, "current_daily_quota"),
    paused: bool(r, "paused"),
    pauseUntil: time(r, "pause_until"),
  }));
  const stats = rows("warmup_daily_stats", t.warmup_daily_stats, unmapped, (r): LegacyStat => ({
    id: need(int(r, "id"), "id"),
    planId: need(int(r, "plan_id"), "plan_id"),
    date: need(day(r, "date"), "date"),
    sent: Math.max(0, int(r, "sent") ?? 0),
    bounced: Math.max(0, int(r, "bounced") ?? 0),
    complaints: Math.max(0, int(r, "complaints") ?? 0),
  }));
  const blacklistEvents = rows(
    "blacklist_events",
    t.blacklist_events,
    unmapped,
    (r): LegacyBlacklistEvent => ({
      id: need(int(r, "id"), "id"),
      ipId: need(int(r, "ip_id"), "ip_id"),
      blacklistName: need(text(r, "blacklist_name"), "blacklist_name").toLowerCase(),
      listedAt: need(time(r, "listed_at"), "listed_at"),
      delistedAt: time(r, "delisted_at"),
    }),
  );
  return { snapshot: { ips, domains, tenants, plans, stats, blacklistEvents }, unmapped };
}
