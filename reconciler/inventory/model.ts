// Small read helpers over the validated inventory, shared by the rules, the warm-up calendar and later
// the planners. Defaults that the schema cannot express (platform.defaults.*) are resolved here only.
import type { Gates, Inventory, Schedule, SendingIp } from "./types.gen.ts";

export type { Inventory, SendingIp, Schedule, Gates } from "./types.gen.ts";

export function scheduleNameOf(inventory: Inventory, ip: SendingIp): string | undefined {
  return ip.warmup.schedule ?? inventory.platform.defaults?.schedule;
}

export function gatesNameOf(inventory: Inventory, ip: SendingIp): string | undefined {
  return ip.warmup.gates ?? inventory.platform.defaults?.gates;
}

export function poolOf(inventory: Inventory, ip: SendingIp): string | undefined {
  return ip.pool ?? inventory.platform.defaults?.pool;
}

export function scheduleOf(inventory: Inventory, ip: SendingIp): Schedule | undefined {
  const name = scheduleNameOf(inventory, ip);
  return name === undefined ? undefined : inventory.schedules[name];
}

export function gatesOf(inventory: Inventory, ip: SendingIp): Gates | undefined {
  const name = gatesNameOf(inventory, ip);
  return name === undefined ? undefined : inventory.gates[name];
}

/** The IP's identity in the ledger: its address, or `slot:NAME` while it is not allocated. */
export function ipKey(ip: SendingIp): string {
  return ip.address ?? `slot:${ip.slot ?? ip.vmta}`;
}

/** Entries of a name-keyed section, sorted by name (deterministic iteration everywhere). */
export function entries<T>(section: { [k: string]: T | undefined }): [string, T][] {
  return Object.entries(section)
    .filter((e): e is [string, T] => e[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The tenant whose domain the sending IP with this address signs for (undefined when unknown). */
export function tenantOfAddress(
  inventory: Inventory,
  address: string | null | undefined,
): string | undefined {
  const domain = address ? inventory.ips.find((ip) => ip.address === address)?.domain : undefined;
  return domain === undefined ? undefined : inventory.domains[domain]?.tenant;
}
