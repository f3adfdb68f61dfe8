// SPF (RFC 7208): exactly one record, valid terms, the lookup limits (spf-record.ts), the policy the
// inventory wants, then mailauth's check_host() for every sending IP of the domain, through our resolver.
import { createRequire } from "node:module";
import { isIP } from "node:net";
import type { DnsClient } from "./resolver.ts";
import { normalizeName } from "./resolver.ts";
import type { Finding } from "./finding.ts";
import { finding, joinTxt, lookupError } from "./finding.ts";
import type { SpfTerm } from "./spf-record.ts";
import { countSpfLookups, isSpfRecord, MAX_DNS_LOOKUPS, MAX_VOID_LOOKUPS, parseSpf } from "./spf-record.ts";

interface MailauthSpfResult {
  readonly status: { readonly result: string; readonly comment?: string };
}
type MailauthSpf = (opts: {
  sender: string;
  ip: string;
  helo: string;
  mta: string;
  resolver: (name: string, type: string) => Promise<unknown>;
}) => Promise<MailauthSpfResult>;

// mailauth 4 ships no types; its SPF entry point is typed here, where it is used.
const { spf: mailauthSpf } = createRequire(import.meta.url)("mailauth/lib/spf/index.js") as {
  spf: MailauthSpf;
};

export interface SpfInput {
  readonly domain: string;
  readonly ips: readonly { readonly address: string; readonly hostname: string }[];
  readonly qualifier: "-all" | "~all";
  readonly include?: readonly string[];
}

export async function checkSpf(dns: DnsClient, input: SpfInput): Promise<Finding[]> {
  const { domain } = input;
  const base = { subject: domain, domain, severity: "critical" as const };
  const expected = `one "v=spf1 … ${input.qualifier}" TXT record authorizing ${input.ips.map((i) => i.address).join(", ") || "the sending IPs"}`;
  const answer = await dns.query(domain, "TXT");
  if (answer.kind === "error") return [lookupError({ ...base, check: "spf.record" }, "TXT", answer.code)];
  const records = answer.kind === "ok" ? joinTxt(answer.records).filter(isSpfRecord) : [];
  const seen = records.join(" | ");
  if (records.length !== 1) {
    return [
      finding({
        ...base,
        check: "spf.record",
        status: "fail",
        seen,
        expected,
        detail:
          records.length === 0
            ? "no SPF record"
            : `${records.length} SPF records (receivers answer permerror)`,
        fix:
          records.length === 0
            ? `publish a TXT record at ${domain}: v=spf1 ip4:<each sending IP> ${input.qualifier}`
            : `merge them into one TXT record at ${domain}`,
      }),
    ];
  }
  const record = records[0]!;
  const { terms, errors } = parseSpf(record);
  const findings: Finding[] = [];
  const all = terms.find((t) => !t.modifier && t.name === "all");
  const allText = all ? `${all.qualifier === "+" ? "" : all.qualifier}all` : "";
  if (all && (all.qualifier === "+" || all.qualifier === "?"))
    errors.push(`${allText} authorizes every host`);
  const size = Buffer.byteLength(record);
  if (size > 512) errors.push(`${size} bytes: over 512 receivers may not get it`);
  findings.push(
    finding({
      ...base,
      check: "spf.record",
      status: errors.length > 0 ? "fail" : "ok",
      seen: record,
      expected,
      detail: errors.length > 0 ? `invalid: ${errors.join("; ")}` : "one valid SPF record",
      fix: `rewrite the record at ${domain} as v=spf1 ip4:<each sending IP> ${input.qualifier}`,
    }),
  );
  const missingIncludes = (input.include ?? []).filter(
    (d) => !terms.some((t) => t.name === "include" && normalizeName(t.value) === d),
  );
  const notes: string[] = [];
  if (allText !== input.qualifier)
    notes.push(`ends with ${allText || "no all term"}, not ${input.qualifier}`);
  if (missingIncludes.length > 0) notes.push(`missing include:${missingIncludes.join(", include:")}`);
  // RFC 7208 §3.4: keep the answer within 512 bytes of UDP; checkdmarc warns from 450.
  const bytes = Buffer.byteLength(record);
  if (bytes > 450) notes.push(`${bytes} bytes: over 450 the answer may not fit one UDP packet`);
  findings.push(
    finding({
      ...base,
      check: "spf.policy",
      severity: "warning",
      status: notes.length > 0 ? "warn" : "ok",
      seen: record,
      expected: [input.qualifier, ...(input.include ?? []).map((d) => `include:${d}`)].join(" "),
      detail: notes.length > 0 ? notes.join("; ") : `ends with ${allText}`,
      fix: `make the record end with ${input.qualifier}, carry the inventory's includes and stay under 450 bytes`,
    }),
  );
  findings.push(await lookupFinding(dns, input, terms, record));
  for (const ip of input.ips) findings.push(await authorizes(dns, input, ip));
  return findings;
}

async function lookupFinding(dns: DnsClient, input: SpfInput, terms: SpfTerm[], record: string) {
  const { domain } = input;
  const count = await countSpfLookups(dns, domain, terms);
  const base = { subject: domain, domain, check: "spf.lookups", severity: "critical" as const };
  if (count.errorCode !== undefined) return lookupError(base, "SPF include tree", count.errorCode);
  const problems = [...count.problems];
  if (count.lookups > MAX_DNS_LOOKUPS)
    problems.push(`${count.lookups} DNS lookups (limit ${MAX_DNS_LOOKUPS})`);
  if (count.voids > MAX_VOID_LOOKUPS)
    problems.push(`${count.voids} void lookups (limit ${MAX_VOID_LOOKUPS})`);
  const warn = count.usesPtr && problems.length === 0;
  return finding({
    ...base,
    status: problems.length > 0 ? "fail" : warn ? "warn" : "ok",
    seen: record,
    expected: `at most ${MAX_DNS_LOOKUPS} DNS lookups and ${MAX_VOID_LOOKUPS} void lookups, no ptr`,
    detail:
      problems.length > 0
        ? `${problems.join("; ")} (receivers answer permerror)`
        : `${count.lookups} DNS lookups, ${count.voids} void${warn ? "; the ptr mechanism should not be used (RFC 7208 §5.5)" : ""}`,
    fix: "replace include/a/mx terms by ip4:/ip6: terms for the sending IPs, remove includes that are not needed",
  });
}

async function authorizes(dns: DnsClient, input: SpfInput, ip: SpfInput["ips"][number]): Promise<Finding> {
  const sender = `postmaster@${input.domain}`;
  const result = await mailauthSpf({
    sender,
    ip: ip.address,
    helo: ip.hostname,
    mta: "email-engine",
    resolver: (name, type) => dns.resolveRaw(name, type),
  });
  const outcome = result.status.result;
  const base = {
    subject: ip.address,
    domain: input.domain,
    check: "spf.authorizes",
    severity: "critical" as const,
  };
  if (outcome === "temperror") {
    return finding({ ...base, status: "error", detail: "could not check: temperror while evaluating SPF" });
  }
  return finding({
    ...base,
    status: outcome === "pass" ? "ok" : "fail",
    seen: `check_host(${ip.address}, ${input.domain}) = ${outcome}`,
    expected: "pass",
    detail:
      outcome === "pass"
        ? `SPF of ${input.domain} authorizes ${ip.address}`
        : `SPF of ${input.domain} gives ${outcome} for ${ip.address}`,
    fix: `add ip${isIP(ip.address)}:${ip.address} to the SPF record of ${input.domain}`,
  });
}
