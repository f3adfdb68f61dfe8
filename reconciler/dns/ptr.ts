// Reverse DNS of a sending IP (Gmail's rule, reference §2.5): the PTR is exactly the inventory hostname,
// that name resolves back to the IP (forward-confirmed reverse DNS), and the inventory hostname itself
// resolves to the IP (HELO name = PTR name).
import { isIP } from "node:net";
import type { DnsClient } from "./resolver.ts";
import { normalizeName, reverseName } from "./resolver.ts";
import type { Finding } from "./finding.ts";
import { finding, lookupError } from "./finding.ts";

export interface PtrInput {
  readonly address: string;
  readonly hostname: string;
  readonly domain: string;
}

async function addressesOf(dns: DnsClient, name: string, family: 4 | 6) {
  const answer = await dns.query(name, family === 4 ? "A" : "AAAA");
  return answer.kind === "error"
    ? { code: answer.code, addresses: [] }
    : { code: undefined, addresses: answer.kind === "ok" ? answer.records : [] };
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export async function checkPtr(dns: DnsClient, input: PtrInput): Promise<Finding[]> {
  const { address, domain } = input;
  const hostname = normalizeName(input.hostname);
  const family = isIP(address) === 6 ? 6 : 4;
  const rev = reverseName(address);
  const base = { subject: address, domain, severity: "critical" as const };
  const findings: Finding[] = [];

  const forward = await addressesOf(dns, hostname, family);
  findings.push(
    forward.code !== undefined
      ? lookupError(
          { ...base, check: "ip.hostname" },
          `${family === 4 ? "A" : "AAAA"} ${hostname}`,
          forward.code,
        )
      : finding({
          ...base,
          check: "ip.hostname",
          status: forward.addresses.some((a) => sameAddress(a, address)) ? "ok" : "fail",
          seen: forward.addresses.join(", "),
          expected: address,
          detail: forward.addresses.some((a) => sameAddress(a, address))
            ? `${hostname} resolves to ${address}`
            : `${hostname} does not resolve to ${address}`,
          fix: `publish ${family === 4 ? "A" : "AAAA"} ${address} for ${hostname}`,
        }),
  );

  const ptr = await dns.query(rev, "PTR");
  if (ptr.kind === "error")
    return [...findings, lookupError({ ...base, check: "ptr.name" }, `PTR ${rev}`, ptr.code)];
  const names = ptr.kind === "ok" ? [...new Set(ptr.records.map(normalizeName))].sort() : [];
  const exact = names.length === 1 && names[0] === hostname;
  findings.push(
    finding({
      ...base,
      check: "ptr.name",
      status: exact ? "ok" : "fail",
      seen: names.join(", "),
      expected: hostname,
      detail: exact
        ? `PTR ${hostname}`
        : names.length === 0
          ? `no PTR for ${address}`
          : names.length > 1
            ? `${names.length} PTR records: receivers pick one at random`
            : `PTR is ${names[0]}, not ${hostname}`,
      fix: `set the reverse DNS of ${address} to ${hostname} at the hosting provider (Hetzner: the IP's rDNS entry)`,
    }),
  );
  if (names.length === 0) return findings;

  // FCrDNS: every PTR name must lead back to the IP.
  const broken: string[] = [];
  for (const name of names) {
    const back = await addressesOf(dns, name, family);
    if (back.code !== undefined) {
      findings.push(
        lookupError({ ...base, check: "ptr.fcrdns" }, `${family === 4 ? "A" : "AAAA"} ${name}`, back.code),
      );
      return findings;
    }
    if (!back.addresses.some((a) => sameAddress(a, address)))
      broken.push(`${name} -> ${back.addresses.join(", ") || "nothing"}`);
  }
  findings.push(
    finding({
      ...base,
      check: "ptr.fcrdns",
      status: broken.length === 0 ? "ok" : "fail",
      seen: broken.join("; "),
      expected: `${names.join(", ")} -> ${address}`,
      detail:
        broken.length === 0
          ? "forward-confirmed reverse DNS"
          : `the PTR name does not resolve back to ${address}: ${broken.join("; ")}`,
      fix: `publish ${family === 4 ? "A" : "AAAA"} ${address} for ${names.join(", ")}`,
    }),
  );
  return findings;
}
