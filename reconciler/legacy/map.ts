// map (pure): the old engine's rows + the current inventory + the cutover day → what to add to the
// inventory, what to write to the state store, and the rows that cannot be carried over (with why).
//
// The warm-up is carried as progress, not as dates: an IP whose old plan reads `day_23` on the cutover
// day T must read day 23 here on T. The calendar counts one warm-up day per ledger day judged
// `advance`, so the IP gets `warmup.start = T − 22` and 22 `advance` days (start … T−1) with the
// legacy-70-days quotas. The old day counter itself was unreliable (reference §3 item 12); its `phase`
// is what Scraper-Pro and the MailWizz quota saw, so that is what continues. The old daily stats keep
// their own dates (counts on a day inside the window, a counts-only row otherwise) so the gates' rolling
// windows see the real recent figures.
import { DEFAULT_BLOCKLISTS } from "../blocklists/lists.ts";
import { classifyAddress } from "../inventory/address.ts";
import { poolOf } from "../inventory/model.ts";
import type { Inventory, Schedule } from "../inventory/types.gen.ts";
import type { LedgerRow } from "../store/ledger.ts";
import type { LocalDate } from "../warmup/dates.ts";
import { addDays, localDate } from "../warmup/dates.ts";
import { quotaForDay, scheduleLength } from "../warmup/schedule.ts";
import type { LegacyDomain, LegacyIp, LegacyPlan, LegacySnapshot, LegacyStat, Unmapped } from "./model.ts";

export const LEGACY_SCHEDULE = "legacy-70-days";
export const ACTOR = "migration";

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const DAY_MS = 86_400_000;

export interface MapOptions {
  /** The first day this engine runs the migrated IPs (the old engine is stopped). */
  readonly cutover: LocalDate;
  /** When the migration first ran (events without a date of their own are dated then, stably). */
  readonly migratedAt: Date;
  /** Old `pmta_node_id` (vps2…) → inventory server; unneeded when the inventory has one PowerMTA server. */
  readonly servers: ReadonlyMap<string, string>;
  /** Old tenant slug → inventory tenant, when the names differ. */
  readonly tenants: ReadonlyMap<string, string>;
  /** Tenant for domains whose old row has none (the old POST /ips never set one). */
  readonly defaultTenant?: string;
  /** Values the inventory schema accepts for an IP's `state:` (empty: the field does not exist). */
  readonly ipStates: ReadonlySet<string>;
}

export interface IpEntry {
  readonly legacyId: number;
  readonly address: string;
  readonly hostname: string;
  readonly domain: string;
  readonly vmta: string;
  readonly server: string;
  readonly state?: { readonly state: string; readonly until?: LocalDate };
  readonly paused?: true;
  readonly warmup: { readonly start: LocalDate; readonly schedule: string };
  /** One line for the listing: where the IP stands. */
  readonly summary: string;
}

export interface DomainEntry {
  readonly legacyId: number;
  readonly name: string;
  readonly tenant: string;
  readonly selector: string;
}

export interface ListingEntry {
  readonly legacyId: number;
  readonly subject: string;
  readonly list: string;
  readonly startedAt: Date;
  readonly lastSeenAt: Date;
  readonly endedAt: Date | null;
  readonly severity: "pause" | "hold" | "info" | null;
}

export interface EventEntry {
  readonly ip: string;
  readonly at: Date;
  readonly kind: "pause" | "quarantine" | "listed";
  readonly until: Date | null;
  readonly reason: string;
  readonly severity: "pause" | "hold" | null;
}

export interface LegacyIdEntry {
  readonly kind: "ip" | "domain" | "plan";
  readonly key: string;
  readonly id: number;
}

export interface MigrationPlan {
  readonly cutover: LocalDate;
  readonly ips: readonly IpEntry[];
  /** Old IPs already in the inventory: left as is (their store rows are still written). */
  readonly ipsPresent: readonly { readonly legacyId: number; readonly address: string }[];
  readonly domains: readonly DomainEntry[];
  readonly domainsPresent: readonly { readonly legacyId: number; readonly name: string }[];
  readonly ledger: readonly LedgerRow[];
  readonly listings: readonly ListingEntry[];
  readonly events: readonly EventEntry[];
  readonly legacyIds: readonly LegacyIdEntry[];
  readonly unmapped: readonly Unmapped[];
  /** Decisions worth a reviewer's eye (a pool not carried, a renamed VMTA, a resumed pause…). */
  readonly notes: readonly string[];
}

/** Where the warm-up of an IP stands on the cutover day. */
type Progress =
  | { readonly kind: "continue"; readonly day: number; readonly why: string }
  | { readonly kind: "fresh"; readonly start: LocalDate; readonly why: string };

const ZONE_TO_LIST = new Map(DEFAULT_BLOCKLISTS.map((b) => [b.zone, b]));

export function mapLegacy(
  snapshot: LegacySnapshot,
  inventory: Inventory,
  options: MapOptions,
): MigrationPlan {
  const { cutover } = options;
  const tz = inventory.platform.timezone;
  const unmapped: Unmapped[] = [];
  const notes: string[] = [];
  const skip = (table: string, id: number | string, reason: string) =>
    unmapped.push({ table, id: String(id), reason });

  const schedule = inventory.schedules[LEGACY_SCHEDULE];
  if (!schedule) {
    // Checked by the command before mapping; kept here so the function is safe on its own.
    throw new Error(`the inventory has no schedule ${LEGACY_SCHEDULE}`);
  }

  // ---- tenants and domains -------------------------------------------------------------------
  const tenantSlug = new Map(snapshot.tenants.map((t) => [t.id, t.slug]));
  const ipById = new Map(snapshot.ips.map((ip) => [ip.id, ip]));
  const tenantOf = (tenantId: number | null): { tenant?: string; why?: string } => {
    if (tenantId === null) {
      return options.defaultTenant
        ? { tenant: options.defaultTenant }
        : { why: "it has no tenant in the old database; pass --default-tenant NAME" };
    }
    const slug = tenantSlug.get(tenantId);
    if (slug === undefined) return { why: `its tenant id ${tenantId} is not in the old tenants table` };
    const name = options.tenants.get(slug) ?? slug;
    if (inventory.tenants[name]) return { tenant: name };
    if (options.defaultTenant) return { tenant: options.defaultTenant };
    return {
      why: `its tenant \`${slug}\` is not a tenant of the inventory; pass --tenant ${slug}=NAME or --default-tenant NAME`,
    };
  };

  const domains: DomainEntry[] = [];
  const domainsPresent: { legacyId: number; name: string }[] = [];
  const domainOk = new Set(Object.keys(inventory.domains));
  for (const d of [...snapshot.domains].sort(byId)) {
    if (inventory.domains[d.name]) {
      domainsPresent.push({ legacyId: d.id, name: d.name });
      continue;
    }
    if (!DOMAIN_NAME.test(d.name)) {
      skip("domains", d.id, `${JSON.stringify(d.name)} is not a domain name`);
      continue;
    }
    if (domains.some((e) => e.name === d.name)) {
      skip("domains", d.id, `domain ${d.name} appears twice in the old table`);
      continue;
    }
    const ipTenant = d.ipId === null ? null : (ipById.get(d.ipId)?.tenantId ?? null);
    const { tenant, why } = tenantOf(d.tenantId ?? ipTenant);
    if (!tenant) {
      skip("domains", d.id, `domain ${d.name}: ${why}`);
      continue;
    }
    const selector = (d.dkimSelector ?? "default").toLowerCase();
    if (!NAME.test(selector)) {
      skip(
        "domains",
        d.id,
        `domain ${d.name}: DKIM selector ${JSON.stringify(selector)} is not a valid selector`,
      );
      continue;
    }
    domains.push({ legacyId: d.id, name: d.name, tenant, selector });
    domainOk.add(d.name);
  }

  // ---- IPs -------------------------------------------------------------------------------------
  const pmtaServers = Object.entries(inventory.servers)
    .filter(([, s]) => s?.role === "pmta")
    .map(([n]) => n)
    .sort();
  const presentByAddress = new Map(inventory.ips.flatMap((ip) => (ip.address ? [[ip.address, ip]] : [])));
  const usedVmtas = new Set(inventory.ips.map((ip) => ip.vmta));
  const usedHostnames = new Set(inventory.ips.map((ip) => ip.hostname));
  const pools = new Set(inventory.ips.map((ip) => poolOf(inventory, ip)).filter((p) => p !== undefined));
  if (inventory.platform.defaults?.pool) pools.add(inventory.platform.defaults.pool);
  const planByIp = new Map<number, LegacyPlan>();
  for (const plan of [...snapshot.plans].sort(byId)) {
    if (!ipById.has(plan.ipId))
      skip("warmup_plans", plan.id, `its IP id ${plan.ipId} is not in the old ips table`);
    else if (planByIp.has(plan.ipId)) skip("warmup_plans", plan.id, `IP id ${plan.ipId} has an earlier plan`);
    else planByIp.set(plan.ipId, plan);
  }
  const statsByPlan = new Map<number, LegacyStat[]>();
  for (const s of snapshot.stats) statsByPlan.set(s.planId, [...(statsByPlan.get(s.planId) ?? []), s]);

  const ips: IpEntry[] = [];
  const ipsPresent: { legacyId: number; address: string }[] = [];
  const ledger: LedgerRow[] = [];
  const events: EventEntry[] = [];
  const legacyIds: LegacyIdEntry[] = [];
  /** Old IP id → its address here, for the IPs carried over (added or present). */
  const migratedIp = new Map<number, string>();
  const migratedPlan = new Set<number>();

  for (const ip of [...snapshot.ips].sort(byId)) {
    const plan = planByIp.get(ip.id);
    const present = presentByAddress.get(ip.address);
    const fate = ipFate(ip, plan, statsByPlan.get(plan?.id ?? -1) ?? [], options, tz, schedule);
    if ("unmapped" in fate) {
      skip("ips", ip.id, `${ip.address}: ${fate.unmapped}`);
      continue;
    }
    let entry: IpEntry | undefined;
    let skipLedger = false;
    if (!present) {
      const built = buildIpEntry(ip, fate, {
        domainOk,
        legacyDomains: snapshot.domains,
        pmtaServers,
        options,
        usedVmtas,
        usedHostnames,
        pools,
        notes,
      });
      if (typeof built === "string") {
        skip("ips", ip.id, `${ip.address}: ${built}`);
        continue;
      }
      entry = built;
      ips.push(entry);
      usedVmtas.add(entry.vmta);
      usedHostnames.add(entry.hostname);
      if (ip.poolName && !pools.has(ip.poolName)) {
        notes.push(`IP ${ip.address}: old pool ${ip.poolName} not carried over; it joins the default pool`);
      }
    } else {
      ipsPresent.push({ legacyId: ip.id, address: ip.address });
      if (fate.start !== present.warmup.start) {
        // Its ledger window would be counted from the inventory's start and move it to a wrong day.
        notes.push(
          `IP ${ip.address} is already in the inventory with warmup.start ${present.warmup.start}, not ${fate.start} (${fate.summary}): its warm-up days were not written; set warmup.start to ${fate.start} and run again to continue the old warm-up`,
        );
        skipLedger = true;
      }
    }
    migratedIp.set(ip.id, ip.address);
    legacyIds.push({ kind: "ip", key: ip.address, id: ip.id });
    if (plan) {
      legacyIds.push({ kind: "plan", key: ip.address, id: plan.id });
      migratedPlan.add(plan.id);
    }
    for (const e of fate.events) events.push({ ...e, ip: ip.address });
    notes.push(...fate.notes.map((n) => `IP ${ip.address}: ${n}`));
    if (!skipLedger)
      ledger.push(
        ...ledgerRows(
          ip.address,
          schedule,
          fate,
          plan,
          statsByPlan.get(plan?.id ?? -1) ?? [],
          cutover,
          unmapped,
        ),
      );
  }
  for (const d of [...domains, ...domainsPresent])
    legacyIds.push({ kind: "domain", key: d.name, id: d.legacyId });
  for (const [ipId, plan] of planByIp) {
    if (!migratedIp.has(ipId)) skip("warmup_plans", plan.id, `its IP id ${ipId} was not carried over`);
  }
  for (const s of snapshot.stats) {
    if (!migratedPlan.has(s.planId)) {
      skip("warmup_daily_stats", s.id, `its plan ${s.planId} was not carried over`);
    }
  }

  // ---- blocklist history -----------------------------------------------------------------------
  const listings: ListingEntry[] = [];
  const openSeen = new Set<string>();
  for (const ev of [...snapshot.blacklistEvents].sort(byId)) {
    const subject = migratedIp.get(ev.ipId);
    if (subject === undefined) {
      skip("blacklist_events", ev.id, `its IP id ${ev.ipId} was not carried over`);
      continue;
    }
    const definition = ZONE_TO_LIST.get(ev.blacklistName);
    const open = ev.delistedAt === null;
    if (!definition && open) {
      skip(
        "blacklist_events",
        ev.id,
        `${subject} open on ${ev.blacklistName}, a list this engine does not watch: nothing would ever close it (check it by hand)`,
      );
      continue;
    }
    const list = definition?.id ?? ev.blacklistName;
    if (open) {
      const key = `${subject} ${list}`;
      if (openSeen.has(key)) {
        skip("blacklist_events", ev.id, `${subject} has an earlier open listing on ${list}`);
        continue;
      }
      openSeen.add(key);
    }
    const endedAt = ev.delistedAt && ev.delistedAt < ev.listedAt ? ev.listedAt : ev.delistedAt;
    // The old engine kept no return code: the list's meaning of an unknown code is the honest guess.
    const severity = definition?.unknownCode.severity ?? null;
    listings.push({
      legacyId: ev.id,
      subject,
      list,
      startedAt: ev.listedAt,
      lastSeenAt: endedAt ?? ev.listedAt,
      endedAt,
      severity,
    });
    if (open && (severity === "pause" || severity === "hold")) {
      events.push({
        ip: subject,
        at: ev.listedAt,
        kind: "listed",
        until: null,
        reason: `listed on ${list} (migrated from the old engine's blacklist event ${ev.id})`,
        severity,
      });
    }
  }
  for (const ip of snapshot.ips) {
    if (
      ip.status === "blacklisted" &&
      migratedIp.has(ip.id) &&
      !listings.some((l) => l.subject === ip.address && l.endedAt === null)
    ) {
      notes.push(
        `IP ${ip.address}: blacklisted in the old engine with no open listing (it never left that state); not listed here, the next blocklist sweep decides`,
      );
    }
  }

  return {
    cutover,
    ips,
    ipsPresent,
    domains,
    domainsPresent,
    ledger,
    listings,
    events: events.sort((a, b) => a.ip.localeCompare(b.ip) || a.at.getTime() - b.at.getTime()),
    legacyIds,
    unmapped,
    notes,
  };
}

interface Fate {
  readonly progress: Progress;
  readonly start: LocalDate;
  readonly state?: { state: string; until?: LocalDate };
  readonly paused?: true;
  readonly events: Omit<EventEntry, "ip">[];
  readonly notes: string[];
  readonly summary: string;
}

/** The old status + plan → this engine's warm-up, state and events. */
function ipFate(
  ip: LegacyIp,
  plan: LegacyPlan | undefined,
  stats: readonly LegacyStat[],
  options: MapOptions,
  tz: string,
  schedule: Schedule,
): Fate | { unmapped: string } {
  const lastDay = scheduleLength(schedule);
  const { cutover, migratedAt, ipStates } = options;
  const notes: string[] = [];
  const events: Omit<EventEntry, "ip">[] = [];
  const status = ip.status;
  const known = ["active", "retiring", "resting", "warming", "blacklisted", "standby", "quarantined"];
  if (!known.includes(status)) return { unmapped: `unknown status ${JSON.stringify(status)}` };

  const fresh = (start: LocalDate, why: string): Progress => ({ kind: "fresh", start, why });
  const planProgress = (): Progress | undefined => {
    if (!plan) return undefined;
    const phase = plan.phase;
    if (phase === "completed") return { kind: "continue", day: lastDay + 1, why: "warm-up completed" };
    const m = /^day_([0-9]{1,4})$/.exec(phase);
    if (m) {
      const day = Math.min(Number(m[1]), lastDay + 1);
      if (day < 1) return undefined;
      return { kind: "continue", day, why: `warm-up day ${day} (old phase ${phase})` };
    }
    if (phase === "emergency_stop") return undefined;
    // The early default `week_1` and anything else: the old engine's own counter (its stats rows + 1,
    // or calendar days when it had none), capped like it was.
    const counted = stats.filter((s) => s.date < cutover).length;
    const byCalendar = plan.startedAt
      ? Math.floor(
          (Date.parse(`${cutover}T00:00:00Z`) - Date.parse(`${localDate(plan.startedAt, "UTC")}T00:00:00Z`)) /
            DAY_MS,
        ) + 1
      : 1;
    const day = Math.max(1, Math.min(counted > 0 ? counted + 1 : byCalendar, lastDay + 1));
    notes.push(
      `old phase ${JSON.stringify(phase)} is not day_N: warm-up day ${day} from the old engine's own day counter`,
    );
    return { kind: "continue", day, why: `warm-up day ${day} (old phase ${phase})` };
  };

  let progress: Progress;
  let state: Fate["state"];
  let paused: true | undefined;
  const quarantined = status === "quarantined" || plan?.phase === "emergency_stop";
  if (quarantined) {
    const at = ip.statusChangedAt ?? migratedAt;
    const until = ip.quarantineUntil ?? plan?.pauseUntil ?? new Date(at.getTime() + 30 * DAY_MS);
    events.push({
      at: at > until ? until : at,
      kind: "quarantine",
      until,
      reason: `quarantined in the old engine${plan?.phase === "emergency_stop" ? " (warm-up emergency stop)" : ""}`,
      severity: null,
    });
    const release = localDate(until, tz);
    // The old engine never released a quarantined IP; here it comes back through a new warm-up.
    progress = fresh(
      release > cutover ? release : cutover,
      `quarantined until ${release}, then a new warm-up from day 1`,
    );
  } else if (status === "resting") {
    const until = ip.quarantineUntil ? localDate(ip.quarantineUntil, tz) : undefined;
    if (until && until > cutover) {
      progress = fresh(until, `resting until ${until}, then a new warm-up from day 1`);
      if (ipStates.has("resting")) state = { state: "resting", until };
    } else {
      progress = fresh(cutover, "its rest is over: a new warm-up from day 1");
      notes.push(
        "resting in the old engine with its rest over (it would have stayed `warming` without a plan there)",
      );
    }
  } else {
    const fromPlan = planProgress();
    if (fromPlan) progress = fromPlan;
    else if (status === "active" || status === "blacklisted" || status === "retiring") {
      progress = {
        kind: "continue",
        day: lastDay + 1,
        why: `${status} without a warm-up plan: counted as warmed`,
      };
    } else if (status === "warming") {
      progress = fresh(cutover, "warming without a plan in the old engine: a new warm-up from day 1");
    } else {
      progress = fresh(cutover, "standby: warms up from day 1 once promoted");
    }
    if (status === "standby" || status === "retiring") {
      if (ipStates.has(status)) state = { state: status };
      else
        return {
          unmapped: `${status} has no equivalent in this inventory's schema (no \`state: ${status}\`)`,
        };
    }
    if (plan?.paused) {
      if (plan.pauseUntil === null) {
        paused = true;
        notes.push("paused by hand in the old engine: `paused: true` (remove it to resume)");
      } else if (plan.pauseUntil.getTime() > migratedAt.getTime()) {
        events.push({
          at: migratedAt,
          kind: "pause",
          until: plan.pauseUntil,
          reason: `warm-up paused by the old engine's gates until ${plan.pauseUntil.toISOString()}`,
          severity: null,
        });
      } else {
        notes.push(`its pause ended ${plan.pauseUntil.toISOString()}: resumed`);
      }
    }
  }
  if (plan?.currentDailyQuota != null && progress.kind === "continue" && /^day_[0-9]+$/.test(plan.phase)) {
    const quota = quotaForDay(schedule, progress.day);
    if (quota !== plan.currentDailyQuota) {
      notes.push(
        `old current_daily_quota ${plan.currentDailyQuota} is not ${LEGACY_SCHEDULE} day ${progress.day} (${quota}): this engine sends ${quota}`,
      );
    }
  }
  const start = progress.kind === "continue" ? addDays(cutover, -(progress.day - 1)) : progress.start;
  return { progress, start, state, paused, events, notes, summary: progress.why };
}

function buildIpEntry(
  ip: LegacyIp,
  fate: Fate,
  ctx: {
    domainOk: ReadonlySet<string>;
    legacyDomains: readonly LegacyDomain[];
    pmtaServers: readonly string[];
    options: MapOptions;
    usedVmtas: ReadonlySet<string>;
    usedHostnames: ReadonlySet<string>;
    pools: ReadonlySet<string>;
    notes: string[];
  },
): IpEntry | string {
  const verdict = classifyAddress(ip.address);
  if (verdict.kind === "invalid") return "not an IP address";
  if (verdict.kind === "non-public")
    return `a ${verdict.range ?? "non-public"} address cannot send to the Internet`;
  const hostname = ip.hostname;
  if (!hostname || !DOMAIN_NAME.test(hostname)) {
    return `hostname ${JSON.stringify(hostname)} is not a fully qualified domain name (the PTR and HELO need one)`;
  }
  if (ctx.usedHostnames.has(hostname)) return `hostname ${hostname} is already used by another IP`;
  const linked = ctx.legacyDomains
    .filter((d) => d.ipId === ip.id && hostname.endsWith(`.${d.name}`))
    .map((d) => d.name)
    .sort();
  const suffix = hostname
    .split(".")
    .map((_, i, parts) => parts.slice(i + 1).join("."))
    .find((candidate) => ctx.domainOk.has(candidate));
  const domain = linked.find((d) => ctx.domainOk.has(d)) ?? suffix;
  if (!domain) {
    return `no sending domain for hostname ${hostname} (none of its parent domains is in the old domains table or the inventory)`;
  }
  const node = ip.pmtaNodeId ?? "vps2";
  const server =
    ctx.options.servers.get(node) ?? (ctx.pmtaServers.length === 1 ? ctx.pmtaServers[0] : undefined);
  if (!server) {
    return `old PowerMTA node ${node} maps to no server: pass --server ${node}=NAME (one of ${ctx.pmtaServers.join(", ") || "no pmta server"})`;
  }
  if (!ctx.pmtaServers.includes(server)) return `server ${server} is not a PowerMTA server of the inventory`;
  let vmta = ip.vmtaName?.toLowerCase() ?? "";
  if (!NAME.test(vmta) || ctx.usedVmtas.has(vmta) || ctx.pools.has(vmta)) {
    const generated = `vmta-${ip.address.replace(/[.:]+/g, "-")}`.replace(/-+$/, "");
    if (ip.vmtaName)
      ctx.notes.push(
        `IP ${ip.address}: old VMTA name ${ip.vmtaName} cannot be used here: renamed ${generated}`,
      );
    vmta = generated;
  }
  if (ctx.usedVmtas.has(vmta)) return `VMTA name ${vmta} is already used by another IP`;
  return {
    legacyId: ip.id,
    address: ip.address,
    hostname,
    domain,
    vmta,
    server,
    ...(fate.state ? { state: fate.state } : {}),
    ...(fate.paused ? { paused: true as const } : {}),
    warmup: { start: fate.start, schedule: LEGACY_SCHEDULE },
    summary: fate.summary,
  };
}

/** The ledger days that put the IP at its old warm-up day on the cutover day, and the old stats. */
function ledgerRows(
  ip: string,
  schedule: Schedule,
  fate: Fate,
  plan: LegacyPlan | undefined,
  stats: readonly LegacyStat[],
  cutover: LocalDate,
  unmapped: Unmapped[],
): LedgerRow[] {
  const rows = new Map<LocalDate, LedgerRow>();
  const progress = fate.progress;
  if (progress.kind === "continue") {
    for (let day = 1; day < progress.day; day++) {
      const date = addDays(fate.start, day - 1);
      rows.set(date, {
        ip,
        day: date,
        quota: quotaForDay(schedule, day),
        sent: 0,
        bounced: 0,
        complained: 0,
        deferred: 0,
        listed: false,
        verdict: "advance",
        reason: `migrated: ${progress.why} on ${cutover}${plan ? ` (old plan ${plan.id})` : ""}`,
      });
    }
  }
  for (const s of [...stats].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id))) {
    if (s.date >= cutover) {
      unmapped.push({
        table: "warmup_daily_stats",
        id: String(s.id),
        reason: `dated ${s.date}, on or after the cutover day ${cutover}: this engine counts that day from PowerMTA's accounting`,
      });
      continue;
    }
    const base = rows.get(s.date);
    rows.set(s.date, {
      ip,
      day: s.date,
      quota: base?.quota ?? 0,
      sent: s.sent,
      bounced: s.bounced,
      complained: s.complaints,
      deferred: 0,
      listed: false,
      verdict: base?.verdict ?? null,
      reason: base?.reason ?? `migrated counts of old plan ${s.planId} (outside the migrated warm-up window)`,
    });
  }
  return [...rows.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

function byId(a: { id: number }, b: { id: number }): number {
  return a.id - b.id;
}
