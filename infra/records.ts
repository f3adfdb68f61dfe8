// The DNS records the platform publishes, as inert specs (pure). Contents that depend on addresses
// Hetzner allocates are functions of an address book, so the same specs drive the Pulumi resources
// (with Outputs) and the tests (with plain strings).
import type { Domain, Inventory } from "../reconciler/inventory/types.gen.ts";
import { entries } from "../reconciler/inventory/model.ts";
import type { DkimKeyInfo } from "./types.ts";

/** Allocated addresses: sending IPs by VMTA name, servers by inventory name. */
export interface AddressBook {
  readonly ips: Readonly<Record<string, string>>;
  readonly servers: Readonly<Record<string, string>>;
}

export interface RecordSpec {
  /** Logical resource name, stable across runs: `<zone>/<type>/<name>`. */
  readonly key: string;
  readonly zone: string;
  readonly name: string;
  readonly type: "A" | "AAAA" | "TXT" | "MX";
  readonly ttl: number;
  readonly priority?: number;
  readonly content: (book: AddressBook) => string;
}

const DEFAULT_TTL = 3600;

export function isIpv6(address: string): boolean {
  return address.includes(":");
}

/** The zone (among the managed ones) a name belongs to: the longest zone that is a suffix. */
export function zoneOf(name: string, zones: readonly string[]): string | undefined {
  return [...zones].sort((a, b) => b.length - a.length).find((z) => name === z || name.endsWith(`.${z}`));
}

export function spfContent(ips: readonly string[], includes: readonly string[], qualifier: string): string {
  const mechanisms = [...ips]
    .sort()
    .map((ip) => (isIpv6(ip) ? `ip6:${ip}` : `ip4:${ip}`))
    .concat(includes.map((d) => `include:${d}`));
  return ["v=spf1", ...mechanisms, qualifier].join(" ");
}

export function dmarcContent(dmarc: Domain["dmarc"]): string {
  // No pct= (RFC 9989 drops it; partial enforcement is not a tool for a cold-sending platform).
  const tags = [`v=DMARC1`, `p=${dmarc.policy}`];
  if (dmarc.subdomainPolicy) tags.push(`sp=${dmarc.subdomainPolicy}`);
  tags.push(`rua=${dmarc.rua}`, `adkim=${dmarc.adkim ?? "r"}`, `aspf=${dmarc.aspf ?? "r"}`);
  return tags.join("; ");
}

export function dkimContent(publicKey: string): string {
  return `v=DKIM1; k=rsa; p=${publicKey}`;
}

export function dnsRecords(
  inventory: Inventory,
  dkim: readonly DkimKeyInfo[],
  zones: readonly string[],
): RecordSpec[] {
  const specs: RecordSpec[] = [];
  const add = (spec: Omit<RecordSpec, "key">) =>
    specs.push({ ...spec, key: `${spec.zone}/${spec.type}/${spec.name}` });

  for (const [name, domain] of entries(inventory.domains)) {
    const ttl = domain.ttl ?? DEFAULT_TTL;
    const ips = inventory.ips.filter((ip) => ip.domain === name).map((ip) => ip.vmta);
    add({
      zone: name,
      name,
      type: "TXT",
      ttl,
      content: (book) =>
        spfContent(
          ips.map((v) => book.ips[v] ?? missing(v)),
          domain.spf.include ?? [],
          domain.spf.qualifier,
        ),
    });
    // Every key held for the domain is published (the signing one and, during a rotation, the next
    // one before PowerMTA switches to it); retired keys are left out by the caller.
    for (const key of dkim.filter((k) => k.domain === name)) {
      const content = dkimContent(key.publicKey);
      add({
        zone: name,
        name: `${key.selector}._domainkey.${name}`,
        type: "TXT",
        ttl,
        content: () => content,
      });
    }
    add({ zone: name, name: `_dmarc.${name}`, type: "TXT", ttl, content: () => dmarcContent(domain.dmarc) });
    // Reports sent to another domain need that domain's consent (RFC 7489 §7.1), when we manage its zone.
    const ruaDomain = domain.dmarc.rua.replace(/^mailto:[^@]+@/, "").toLowerCase();
    const ruaZone = zoneOf(ruaDomain, zones);
    if (ruaDomain !== name && !ruaDomain.endsWith(`.${name}`) && ruaZone) {
      add({
        zone: ruaZone,
        name: `${name}._report._dmarc.${ruaDomain}`,
        type: "TXT",
        ttl,
        content: () => "v=DMARC1",
      });
    }
    if (domain.nullMx) {
      add({ zone: name, name, type: "MX", ttl, priority: 0, content: () => "." });
    } else {
      for (const mx of domain.mx ?? []) {
        // One record per exchanger; the key carries the host so two MX never share a logical name.
        specs.push({
          key: `${name}/MX/${name}/${mx.host}`,
          zone: name,
          name,
          type: "MX",
          ttl,
          priority: mx.priority,
          content: () => mx.host,
        });
      }
    }
  }
  for (const ip of inventory.ips) {
    const zone = zoneOf(ip.hostname, zones);
    if (!zone) continue;
    const ttl = inventory.domains[ip.domain]?.ttl ?? DEFAULT_TTL;
    const type = ip.address !== undefined && isIpv6(ip.address) ? "AAAA" : "A";
    add({ zone, name: ip.hostname, type, ttl, content: (book) => book.ips[ip.vmta] ?? missing(ip.vmta) });
  }
  for (const [name, server] of entries(inventory.servers)) {
    const zone = server.hostname === undefined ? undefined : zoneOf(server.hostname, zones);
    if (!zone || server.hostname === undefined) continue;
    add({
      zone,
      name: server.hostname,
      type: "A",
      ttl: DEFAULT_TTL,
      content: (book) => book.servers[name] ?? missing(name),
    });
  }
  return specs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function missing(name: string): never {
  throw new Error(`no allocated address for ${name}`);
}
