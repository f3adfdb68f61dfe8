// The per-IP part of the config: one <virtual-mta> per sending IP of the host and the pools.
import type { Inventory, IspLimit, SendingIp } from "../../inventory/types.gen.ts";
import { entries, poolOf } from "../../inventory/model.ts";
import type { PmtaNode } from "./model.ts";
import { block, directive } from "./model.ts";
import type { VmtaDisposition, VmtaQuota } from "./quotas.ts";
import type { PmtaSettings } from "./settings.ts";
import { dkimKeyPath } from "./settings.ts";

export interface PlannedVmta {
  readonly ip: SendingIp;
  readonly quota: VmtaQuota;
  readonly disposition: VmtaDisposition;
  readonly pool: string | undefined;
}

/** Macro names allow letters, digits and `_` only [V §3.3.1]: `at-t` → `at_t`. */
export function macroName(isp: string): string {
  return isp.replace(/[^A-Za-z0-9_]/g, "_");
}

/** The ISP families with destination domains, sorted by name (`default` has none). */
export function ispFamilies(inventory: Inventory): [string, IspLimit & { domains: string[] }][] {
  return entries(inventory.ispLimits).filter(
    (e): e is [string, IspLimit & { domains: string[] }] =>
      e[0] !== "default" && (e[1].domains?.length ?? 0) > 0,
  );
}

/**
 * Per-ISP message rate for one IP: `shareOfDailyQuota` percent of the day's quota, at least 1, spread
 * over the platform's sending hours (reference §6: an hourly figure rather than a burst-prone N/d).
 */
export function ispRate(
  quota: number,
  share: number,
  hours: number,
  unit: PmtaSettings["ispRateUnit"],
): string {
  const perDay = Math.max(1, Math.floor((quota * share) / 100));
  if (unit === "day") return `${perDay}/d`;
  return `${Math.max(1, Math.floor(perDay / hours))}/h`;
}

export function sendingHoursOf(inventory: Inventory): number {
  const h = inventory.platform.sendingHours;
  return h && h.end > h.start ? h.end - h.start : 24;
}

function domainKeys(
  inventory: Inventory,
  domains: readonly string[],
  selectors: ReadonlyMap<string, string>,
  settings: PmtaSettings,
): PmtaNode[] {
  return [...new Set(domains)].sort().map((domain) => {
    const selector = selectors.get(domain) ?? inventory.domains[domain]?.dkim.selector ?? "default";
    return directive("domain-key", `${selector}, ${domain}, ${dkimKeyPath(settings, domain, selector)}`);
  });
}

function ispBlocks(inventory: Inventory, quota: number, settings: PmtaSettings): PmtaNode[] {
  const hours = sendingHoursOf(inventory);
  return ispFamilies(inventory).flatMap(([name, limit]) =>
    [...limit.domains].sort().map((domain) => {
      const children: PmtaNode[] = [];
      if (limit.shareOfDailyQuota !== undefined) {
        const rate = ispRate(quota, limit.shareOfDailyQuota, hours, settings.ispRateUnit);
        children.push(directive("max-msg-rate", rate), directive("backoff-max-msg-rate", rate));
      }
      if (limit.maxConnections !== undefined) children.push(directive("max-smtp-out", limit.maxConnections));
      if (limit.maxMsgPerConnection !== undefined) {
        children.push(directive("max-msg-per-connection", limit.maxMsgPerConnection));
      }
      return block("domain", domain, children, `${name}: ${limit.shareOfDailyQuota ?? 100}% of the IP's day`);
    }),
  );
}

function describe(v: PlannedVmta): string {
  const q = v.quota;
  const stage = q.state ? `${q.state}${q.day ? ` day ${q.day}` : ""}, ` : "";
  return `${v.ip.address ?? "?"}: ${stage}${q.quota}/day`;
}

export function vmtaBlock(
  inventory: Inventory,
  vmta: PlannedVmta,
  poolDomains: readonly string[],
  selectors: ReadonlyMap<string, string>,
  settings: PmtaSettings,
): PmtaNode {
  const children: PmtaNode[] = [
    directive("smtp-source-host", `${vmta.ip.address} ${vmta.ip.hostname}`),
    ...domainKeys(inventory, [vmta.ip.domain, ...poolDomains], selectors, settings),
  ];
  if (vmta.disposition === "paused") {
    children.push(
      directive("max-smtp-msg-rate", "1/d", "paused: out of the pool (0 is not a verified stop)"),
    );
    const why = vmta.quota.lifecycle ?? "paused";
    return block("virtual-mta", vmta.ip.vmta, children, `${vmta.ip.address}: ${why}, out of the pool`);
  }
  if (vmta.disposition === "draining") {
    const cap = vmta.quota.drainQuota ?? 1;
    children.push(directive("max-smtp-msg-rate", `${cap}/d`, "retiring: drains its queue, out of the pool"));
    return block("virtual-mta", vmta.ip.vmta, children, `${vmta.ip.address}: retiring, out of the pool`);
  }
  children.push(directive("max-smtp-msg-rate", `${vmta.quota.quota}/d`, "whole-IP daily cap"));
  children.push(...ispBlocks(inventory, vmta.quota.quota, settings));
  return block("virtual-mta", vmta.ip.vmta, children, describe(vmta));
}

/** Pools of the host with their active members, sorted; pools without an active member are left out. */
export function poolsOf(vmtas: readonly PlannedVmta[]): Map<string, string[]> {
  const pools = new Map<string, string[]>();
  for (const v of vmtas) {
    if (v.disposition !== "active" || v.pool === undefined) continue;
    pools.set(v.pool, [...(pools.get(v.pool) ?? []), v.ip.vmta]);
  }
  return new Map([...pools].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, m]) => [p, m.sort()]));
}

/** Every sending domain that may leave through each pool (any IP of the host in it, whatever its state). */
export function poolDomainsOf(inventory: Inventory, ips: readonly SendingIp[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ip of ips) {
    const pool = poolOf(inventory, ip);
    if (pool !== undefined) out.set(pool, [...(out.get(pool) ?? []), ip.domain]);
  }
  return out;
}
