// Step 4: does the domain accept mail? MX, else the implicit MX of its A/AAAA (RFC 5321 §5.1); a lone
// null MX `0 .` (RFC 7505) or NXDOMAIN says no. Answers are cached per domain: positive for longer than
// negative, and a failed lookup (timeout, SERVFAIL) only briefly so an import does not time out once per
// row of an unreachable domain. All DNS goes through reconciler/dns/resolver.ts (tagged outcomes, a
// resolver chosen by the operator).
import type { DnsClient } from "../../dns/resolver.ts";
import { Semaphore } from "../../dns/limit.ts";
import { normalizeName } from "../../dns/resolver.ts";
import { TtlCache } from "./cache.ts";

export type DomainAnswer =
  /** Accepts mail: MX hosts by priority, or the domain itself when it has only A/AAAA (implicit). */
  | { readonly kind: "mail"; readonly hosts: readonly string[]; readonly implicit: boolean }
  | { readonly kind: "nxdomain" }
  | { readonly kind: "null_mx" }
  /** Exists but has neither MX nor A/AAAA. */
  | { readonly kind: "no_mail" }
  | { readonly kind: "error"; readonly code: string };

export type HostAddresses =
  | { readonly kind: "ok"; readonly addresses: readonly string[] }
  | { readonly kind: "none" }
  | { readonly kind: "error"; readonly code: string };

export interface DomainCacheOptions {
  /** Seconds a "accepts mail" answer is kept (default 3600). */
  readonly positiveSeconds?: number;
  /** Seconds NXDOMAIN / null MX / no mail host is kept (default 900). */
  readonly negativeSeconds?: number;
  /** Seconds a failed lookup is kept (default 60). */
  readonly errorSeconds?: number;
  /** Domains remembered at most (default 100,000). */
  readonly maxDomains?: number;
  /** DNS queries in flight at most (default 64): an import's burst of new domains would otherwise
   *  overflow the resolver's UDP buffer (a burst of 1,000 loses half its queries on loopback). */
  readonly maxInFlight?: number;
}

export class DomainChecker {
  private readonly domains: TtlCache<DomainAnswer>;
  private readonly hosts: TtlCache<HostAddresses>;
  private readonly ttl: { positive: number; negative: number; error: number };
  private readonly inFlight: Semaphore;

  constructor(
    private readonly dns: DnsClient,
    now: () => number,
    options: DomainCacheOptions = {},
  ) {
    const max = options.maxDomains ?? 100_000;
    this.domains = new TtlCache(max, now);
    this.hosts = new TtlCache(Math.max(1000, Math.floor(max / 10)), now);
    this.inFlight = new Semaphore(options.maxInFlight ?? 64);
    this.ttl = {
      positive: (options.positiveSeconds ?? 3600) * 1000,
      negative: (options.negativeSeconds ?? 900) * 1000,
      error: (options.errorSeconds ?? 60) * 1000,
    };
  }

  check(domain: string): Promise<DomainAnswer> {
    return this.domains.get(
      domain,
      () => this.inFlight.run(() => this.resolve(domain)),
      (a) =>
        a.kind === "mail" ? this.ttl.positive : a.kind === "error" ? this.ttl.error : this.ttl.negative,
    );
  }

  /** The addresses of an MX host (A first, then AAAA), for the mailbox probe. */
  addresses(host: string): Promise<HostAddresses> {
    return this.hosts.get(
      host,
      () => this.inFlight.run(() => this.resolveHost(host)),
      (a) => (a.kind === "ok" ? this.ttl.positive : a.kind === "error" ? this.ttl.error : this.ttl.negative),
    );
  }

  private async resolve(domain: string): Promise<DomainAnswer> {
    const mx = await this.dns.query(domain, "MX");
    if (mx.kind === "nxdomain") return { kind: "nxdomain" };
    if (mx.kind === "error") return { kind: "error", code: mx.code };
    if (mx.kind === "ok") {
      const real = mx.records.filter((r) => normalizeName(r.exchange) !== "");
      if (real.length === 0) return { kind: "null_mx" };
      const hosts = [...real]
        .sort((a, b) => a.priority - b.priority || (a.exchange < b.exchange ? -1 : 1))
        .map((r) => normalizeName(r.exchange));
      return { kind: "mail", hosts: [...new Set(hosts)], implicit: false };
    }
    // No MX: the domain itself is the mail host if it has an address (RFC 5321 §5.1).
    const host = await this.resolveHost(domain);
    if (host.kind === "ok") return { kind: "mail", hosts: [domain], implicit: true };
    if (host.kind === "error") return { kind: "error", code: host.code };
    return { kind: "no_mail" };
  }

  private async resolveHost(host: string): Promise<HostAddresses> {
    const [a, aaaa] = await Promise.all([this.dns.query(host, "A"), this.dns.query(host, "AAAA")]);
    const addresses = [...(a.kind === "ok" ? a.records : []), ...(aaaa.kind === "ok" ? aaaa.records : [])];
    if (addresses.length > 0) return { kind: "ok", addresses };
    if (a.kind === "error") return { kind: "error", code: a.code };
    if (aaaa.kind === "error") return { kind: "error", code: aaaa.code };
    return { kind: "none" };
  }
}
