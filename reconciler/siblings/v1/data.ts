// The v1 API's reads (IO): the daemon's per-IP rows and inventory, the ledger, the DNS and blocklist
// monitors' rows and the legacy ids, assembled into the views of views.ts.
import type { WarmupRow } from "../../derive/warmup-table.ts";
import type { Inventory } from "../../inventory/types.gen.ts";
import type { Store } from "../../store/index.ts";
import { addDays, localDate } from "../../warmup/dates.ts";
import { legacyIds } from "../ids.ts";
import type { DnsState, DomainView, IpView, PlanView, StatsView } from "./views.ts";
import { addressedRows, domainNames, domainView, ipView, planView, rates7d, statsView } from "./views.ts";

export interface V1Source {
  readonly store: Store;
  inventory(): Inventory | undefined;
  ipRows(): readonly WarmupRow[];
  now(): Date;
}

export interface BlocklistEventView {
  id: number;
  ip_id: number;
  blacklist_name: string;
  listed_at: string;
  delisted_at: string | null;
  auto_recovered: boolean;
}

const iso = (value: Date | string) => new Date(value).toISOString();

async function ipIds(source: V1Source, rows: readonly WarmupRow[]) {
  return legacyIds(
    source.store.sql,
    "ip",
    rows.map((r) => r.ip),
  );
}

export async function listPlans(source: V1Source, inventory: Inventory): Promise<PlanView[]> {
  const rows = addressedRows(source.ipRows());
  const keys = rows.map((r) => r.ip);
  const [ips, plans] = [await ipIds(source, rows), await legacyIds(source.store.sql, "plan", keys)];
  // The old engine's 7-day rates: the last seven local days, today included.
  const today = localDate(source.now(), inventory.platform.timezone);
  const ledger = await source.store.ledger.list({ from: addDays(today, -6), to: addDays(today, 1) });
  const rates = rates7d(ledger);
  return rows
    .map((row) =>
      planView(inventory, row, { plan: plans.get(row.ip) ?? 0, ip: ips.get(row.ip) ?? 0 }, rates.get(row.ip)),
    )
    .sort((a, b) => a.id - b.id);
}

export async function planStats(source: V1Source, address: string): Promise<StatsView[]> {
  return statsView(await source.store.ledger.list({ ip: address }));
}

export async function listIps(source: V1Source, inventory: Inventory): Promise<IpView[]> {
  const rows = addressedRows(source.ipRows());
  const ids = await ipIds(source, rows);
  return rows.map((row) => ipView(inventory, row, ids.get(row.ip) ?? 0)).sort((a, b) => a.id - b.id);
}

export async function listDomains(source: V1Source, inventory: Inventory): Promise<DomainView[]> {
  const names = domainNames(inventory);
  const ids = await legacyIds(source.store.sql, "domain", names);
  const rows = addressedRows(source.ipRows());
  const ipIdsByAddress = await ipIds(source, rows);
  const dns = new Map(
    (
      await source.store.sql.query<{
        subject: string;
        verdict: string;
        reason: string;
        last_checked_at: Date | string;
      }>(
        `SELECT DISTINCT ON (subject) subject, verdict, reason, last_checked_at FROM monitor_verdicts
          WHERE kind = 'domain' AND source = 'dns' AND subject = ANY($1::text[])
          ORDER BY subject, day DESC`,
        [names],
      )
    ).map((r): [string, DnsState] => [
      r.subject,
      { verdict: r.verdict, reason: r.reason, lastCheckedAt: iso(r.last_checked_at) },
    ]),
  );
  return names
    .map((name) => {
      // The old engine linked a domain to one IP: the first of its sending IPs, in vmta order.
      const row = rows.find((r) => r.domain === name);
      const ipId = row ? (ipIdsByAddress.get(row.ip) ?? null) : null;
      return domainView(name, inventory, ids.get(name) ?? 0, ipId, dns.get(name));
    })
    .sort((a, b) => a.id - b.id);
}

/** Blocklist listing episodes of sending IPs, newest first (the old engine's blacklist_events). */
export async function listBlocklistEvents(
  source: V1Source,
  filter: { activeOnly: boolean; ip?: string },
): Promise<BlocklistEventView[]> {
  // IPs of the inventory get their ids first, so their listings show even before anyone listed /ips.
  await ipIds(source, addressedRows(source.ipRows()));
  const rows = await source.store.sql.query<{
    id: string | number;
    subject: string;
    list: string;
    started_at: Date | string;
    ended_at: Date | string | null;
  }>(
    `SELECT l.id, l.subject, l.list, l.started_at, l.ended_at
       FROM blocklist_listings l JOIN legacy_ids i ON i.kind = 'ip' AND i.key = l.subject
      WHERE ($1::boolean IS NOT TRUE OR l.ended_at IS NULL) AND ($2::text IS NULL OR l.subject = $2)
      ORDER BY l.started_at DESC, l.id DESC`,
    [filter.activeOnly, filter.ip ?? null],
  );
  const ids = await legacyIds(
    source.store.sql,
    "ip",
    rows.map((r) => r.subject),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    ip_id: ids.get(r.subject) ?? 0,
    blacklist_name: r.list,
    listed_at: iso(r.started_at),
    delisted_at: r.ended_at === null ? null : iso(r.ended_at),
    // The engine closes an episode itself on the first clean answer: every delisting is automatic.
    auto_recovered: r.ended_at !== null,
  }));
}
