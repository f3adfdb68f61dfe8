// Benchmark: the blocklist sweep of 100 IPs on 9 IP lists and 20 domains on the 4 domain lists, and the
// DNS authentication checks of those 20 domains and 100 IPs, against the local test DNS server.
// Run: node --import tsx bench/check-dns.ts
import { activeBlocklists } from "../reconciler/blocklists/lists.ts";
import { checkBlocklists } from "../reconciler/blocklists/query.ts";
import { DEFAULT_CONCURRENCY_PER_ZONE } from "../reconciler/cli/check.ts";
import { runDnsChecks } from "../reconciler/dns/checks.ts";
import { createDnsClient } from "../reconciler/dns/resolver.ts";
import type { Domain, Inventory, SendingIp } from "../reconciler/inventory/types.gen.ts";
import { list, publishTestEntries, testSettings } from "../tests/blocklists/rbl.ts";
import { publishInventory, rsaKey } from "../tests/dns/zone.ts";
import { TestDnsServer } from "../tests/peers/dns-server.ts";

const DOMAIN_CHECK_CONCURRENCY = 4;

function benchInventory(): Inventory {
  const domains: Record<string, Domain> = {};
  const ips: SendingIp[] = [];
  for (let d = 0; d < 20; d++) {
    const name = `bench${d}.test`;
    domains[name] = {
      tenant: "bench",
      dkim: { selector: "ee1", bits: 2048 },
      spf: { qualifier: "-all" },
      dmarc: { policy: "none", rua: `mailto:dmarc@${name}` },
      mx: [{ host: `mx.${name}`, priority: 10 }],
    };
    for (let i = 0; i < 5; i++) {
      const n = d * 5 + i;
      ips.push({
        address: `10.20.${Math.floor(n / 250)}.${(n % 250) + 1}`,
        hostname: `mail${i}.${name}`,
        domain: name,
        vmta: `vmta${n}`,
        server: "pmta",
        warmup: { start: "2026-11-23" },
      });
    }
  }
  return {
    platform: { name: "bench", timezone: "UTC" },
    servers: {},
    domains,
    ips,
    schedules: {},
    gates: {},
    ispLimits: { default: {} },
    tenants: {},
  };
}

const server = await TestDnsServer.start();
try {
  const inventory = benchInventory();
  const keys = publishInventory(server, inventory, rsaKey(2048));
  publishTestEntries(server);
  const ips = inventory.ips.map((ip) => ip.address!);
  const domains = Object.keys(inventory.domains);
  for (const ip of ips.slice(0, 10)) list(server, "spamhaus-zen", ip, "127.0.0.2");
  const dns = createDnsClient({ servers: [server.address], timeoutMs: 2000, tries: 2 });
  const lists = activeBlocklists(testSettings());
  const ipLists = lists.filter((l) => l.definition.kind === "ip").length;
  const domainLists = lists.length - ipLists;

  server.queries = 0;
  let started = performance.now();
  const run = await checkBlocklists(
    dns,
    lists,
    { ips, domains },
    { concurrencyPerZone: DEFAULT_CONCURRENCY_PER_ZONE },
  );
  const sweepMs = performance.now() - started;
  const listed = run.results.filter((r) => r.status === "listed").length;
  console.log(
    `blocklists: ${ips.length} IPs × ${ipLists} IP lists + ${domains.length} domains × ${domainLists} domain lists = ${run.results.length} results (${listed} listed) + ${run.probes.length * 2} self-test queries; ${server.queries} DNS queries in ${sweepMs.toFixed(0)} ms; concurrency ${DEFAULT_CONCURRENCY_PER_ZONE} per zone, ${DEFAULT_CONCURRENCY_PER_ZONE * lists.length} at most in all`,
  );

  server.queries = 0;
  started = performance.now();
  const findings = await runDnsChecks(inventory, dns, {
    dkimKeys: keys,
    concurrency: DOMAIN_CHECK_CONCURRENCY,
  });
  const dnsMs = performance.now() - started;
  const bad = findings.filter((f) => f.status !== "ok").length;
  console.log(
    `dns checks: ${domains.length} domains and ${ips.length} IPs = ${findings.length} findings (${bad} not ok); ${server.queries} DNS queries in ${dnsMs.toFixed(0)} ms; concurrency ${DOMAIN_CHECK_CONCURRENCY} domains / ${DOMAIN_CHECK_CONCURRENCY} IPs at a time`,
  );
} finally {
  await server.close();
}
