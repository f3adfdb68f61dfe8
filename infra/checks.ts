// Refuses, before any resource is declared, an inventory that would publish something receivers reject:
// an SPF over 10 lookups, a PTR outside the IP's domain, a DKIM key under 1024 bits, an IP without a
// PTR, a domain without a DNS zone. Every problem is reported at once, naming the inventory entry.
import type { Inventory } from "../reconciler/inventory/types.gen.ts";
import { entries } from "../reconciler/inventory/model.ts";
import type { DkimKeyInfo, InfraConfig } from "./types.ts";

/** DNS-querying mechanisms an SPF record may use (RFC 7208 §4.6.4). */
export const SPF_LOOKUP_LIMIT = 10;

export function infraProblems(
  inventory: Inventory,
  dkim: readonly DkimKeyInfo[],
  config: Pick<InfraConfig, "cloudflareZones" | "adopt">,
): string[] {
  const problems: string[] = [];
  for (const [name, domain] of entries(inventory.domains)) {
    // Our SPF lists the domain's IPs (ip4:/ip6: cost no lookup) and its includes (each at least one;
    // what they include in turn is only known to a live check: `email-engine check dns`).
    const lookups = (domain.spf.include ?? []).length;
    if (lookups > SPF_LOOKUP_LIMIT) {
      problems.push(
        `domains["${name}"].spf.include: ${lookups} includes would take the SPF record over ${SPF_LOOKUP_LIMIT} DNS lookups (receivers answer permerror); remove includes or flatten them into ip4: entries`,
      );
    }
    if (!config.cloudflareZones[name]) {
      problems.push(
        `domains["${name}"]: no Cloudflare zone id for ${name}; set it with \`pulumi config set --path 'cloudflareZones["${name}"]' ZONE_ID\``,
      );
    }
    const key = dkim.find((k) => k.domain === name && k.selector === domain.dkim.selector);
    if (!key) {
      problems.push(
        `domains["${name}"].dkim: no DKIM key held for selector ${domain.dkim.selector}; run \`email-engine dkim generate --domain ${name}\` before \`pulumi up\``,
      );
    } else if (key.bits < 1024) {
      problems.push(
        `domains["${name}"].dkim: the key for selector ${key.selector} has ${key.bits} bits; receivers require at least 1024 (2048 recommended): rotate it with \`email-engine dkim rotate\``,
      );
    }
  }
  inventory.ips.forEach((ip, i) => {
    const where = `ips[${i}] (${ip.vmta})`;
    if (!ip.hostname) {
      problems.push(`${where}: no hostname, so no PTR; every sending IP needs one under its domain`);
    } else if (!ip.hostname.endsWith(`.${ip.domain}`)) {
      problems.push(
        `${where}.hostname: the PTR ${ip.hostname} is not under the IP's domain ${ip.domain}; use e.g. mail1.${ip.domain}`,
      );
    }
  });
  for (const [name, server] of entries(inventory.servers)) {
    if (server.adopt && !config.adopt[name]) {
      problems.push(
        `servers.${name}: marked \`adopt: true\` but no server id to adopt; set it with \`pulumi config set --path 'adopt.${name}' HETZNER_SERVER_ID\``,
      );
    }
  }
  return problems;
}
