// Runs every DNS check for the inventory: per sending domain SPF, DKIM, DMARC and MX; per allocated
// sending IP the hostname, PTR and FCrDNS. Domains are checked a few at a time; findings come back sorted.
import { entries } from "../inventory/model.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import { checkDkim } from "./dkim.ts";
import { checkDmarc } from "./dmarc.ts";
import type { Finding } from "./finding.ts";
import { sortFindings } from "./finding.ts";
import { mapLimit } from "./limit.ts";
import { checkMx } from "./mx.ts";
import { checkPtr } from "./ptr.ts";
import type { DnsClient } from "./resolver.ts";
import { checkSpf } from "./spf.ts";

export interface DnsCheckOptions {
  /** Signing keys held by email-engine, by `<selector>._domainkey.<domain>`. */
  readonly dkimKeys?: ReadonlyMap<string, string>;
  /** Domains checked at once (each runs its checks one after another). */
  readonly concurrency?: number;
}

export function dkimKeyName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`;
}

export async function runDnsChecks(
  inventory: Inventory,
  dns: DnsClient,
  options: DnsCheckOptions = {},
): Promise<Finding[]> {
  const domains = entries(inventory.domains);
  const perDomain = await mapLimit(domains, options.concurrency ?? 4, async ([name, domain]) => {
    const ips = inventory.ips
      .filter((ip) => ip.domain === name && ip.address !== undefined)
      .map((ip) => ({ address: ip.address!, hostname: ip.hostname }));
    return [
      ...(await checkSpf(dns, {
        domain: name,
        ips,
        qualifier: domain.spf.qualifier,
        include: domain.spf.include ?? [],
      })),
      ...(await checkDkim(dns, {
        domain: name,
        selector: domain.dkim.selector,
        expectedKey: options.dkimKeys?.get(dkimKeyName(domain.dkim.selector, name)),
        ...(domain.dkim.bits === undefined ? {} : { bits: domain.dkim.bits }),
      })),
      ...(await checkDmarc(dns, name, domain.dmarc)),
      ...(await checkMx(dns, name, domain)),
    ];
  });
  const allocated = inventory.ips.filter((ip) => ip.address !== undefined);
  const perIp = await mapLimit(allocated, options.concurrency ?? 4, (ip) =>
    checkPtr(dns, { address: ip.address!, hostname: ip.hostname, domain: ip.domain }),
  );
  return sortFindings([...perDomain.flat(), ...perIp.flat()]);
}

/** Exit status (issue 7): 1 when anything fails, else 0. "could not check" (error) alone exits 0. */
export function dnsExitCode(findings: readonly Finding[]): number {
  return findings.some((f) => f.status === "fail") ? 1 : 0;
}
