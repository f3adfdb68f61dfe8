// DMARC (RFC 7489, RFC 9989): one record at _dmarc.<domain>, valid tags, the policy and alignment the
// inventory wants, and for a report address on another domain the authorization record
// <domain>._report._dmarc.<report domain> (RFC 7489 §7.1).
import type { Domain } from "../inventory/types.gen.ts";
import type { DnsClient } from "./resolver.ts";
import { normalizeName } from "./resolver.ts";
import type { Finding } from "./finding.ts";
import { finding, joinTxt, lookupError } from "./finding.ts";
import { parseTagList } from "./dkim.ts";

const KNOWN_TAGS = new Set([
  "v",
  "p",
  "sp",
  "np",
  "rua",
  "ruf",
  "adkim",
  "aspf",
  "pct",
  "fo",
  "rf",
  "ri",
  "t",
  "psd",
]);
const POLICIES = new Set(["none", "quarantine", "reject"]);
const REMOVED_TAGS = ["pct", "rf", "ri"];

export interface DmarcRecord {
  readonly tags: Map<string, string>;
  readonly errors: string[];
}

export function parseDmarc(record: string): DmarcRecord {
  const { tags, errors } = parseTagList(record);
  if (!/^v=DMARC1\s*(;|$)/.test(record.trim())) errors.push("must start with v=DMARC1");
  if (!tags.has("p")) errors.push("no p= tag");
  for (const name of tags.keys()) if (!KNOWN_TAGS.has(name)) errors.push(`unknown tag ${name}`);
  for (const name of ["p", "sp", "np"]) {
    const value = tags.get(name);
    if (value !== undefined && !POLICIES.has(value))
      errors.push(`${name}=${value} (none, quarantine or reject)`);
  }
  for (const name of ["adkim", "aspf"]) {
    const value = tags.get(name);
    if (value !== undefined && value !== "r" && value !== "s") errors.push(`${name}=${value} (r or s)`);
  }
  const pct = tags.get("pct");
  if (pct !== undefined && !(/^\d{1,3}$/.test(pct) && Number(pct) <= 100)) errors.push(`pct=${pct} (0-100)`);
  for (const name of ["rua", "ruf"]) {
    for (const uri of splitUris(tags.get(name))) {
      if (mailtoDomain(uri) === undefined) errors.push(`${name} URI ${uri} is not mailto:user@domain`);
    }
  }
  return { tags, errors };
}

function splitUris(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u !== "");
}

/** The domain of a `mailto:` URI (any `!size` suffix dropped), or undefined. */
export function mailtoDomain(uri: string): string | undefined {
  const m = /^mailto:[^@\s]+@([a-z0-9.-]+?)\.?(![0-9]+[kmgt]?)?$/i.exec(uri.trim());
  return m ? normalizeName(m[1]!) : undefined;
}

export async function checkDmarc(
  dns: DnsClient,
  domain: string,
  wanted: Domain["dmarc"],
): Promise<Finding[]> {
  const name = `_dmarc.${domain}`;
  const base = { subject: domain, domain, check: "dmarc.record", severity: "critical" as const };
  const expectedText = [
    "v=DMARC1",
    `p=${wanted.policy}`,
    wanted.subdomainPolicy ? `sp=${wanted.subdomainPolicy}` : "",
    `rua=${wanted.rua}`,
    wanted.adkim ? `adkim=${wanted.adkim}` : "",
    wanted.aspf ? `aspf=${wanted.aspf}` : "",
  ]
    .filter((t) => t !== "")
    .join("; ");
  const fix = `publish one TXT record at ${name}: ${expectedText}`;
  const answer = await dns.query(name, "TXT");
  if (answer.kind === "error") return [lookupError(base, `TXT ${name}`, answer.code)];
  const txt = answer.kind === "ok" ? joinTxt(answer.records) : [];
  // A record with v=DMARC1 out of place is still ours (reported malformed), not an unrelated one.
  const isDmarc = (t: string) => /(^|;)\s*v\s*=\s*DMARC1\s*(;|$)/i.test(t);
  const records = txt.filter(isDmarc);
  const unrelated = txt.filter((t) => !isDmarc(t));
  if (records.length !== 1) {
    return [
      finding({
        ...base,
        status: "fail",
        seen: txt.join(" | "),
        expected: expectedText,
        fix,
        detail:
          records.length === 0
            ? `no DMARC record at ${name}${unrelated.length ? ` (${unrelated.length} unrelated TXT record(s) there)` : ""}`
            : `${records.length} DMARC records at ${name} (receivers ignore them all)`,
      }),
    ];
  }
  const record = records[0]!;
  const { tags, errors } = parseDmarc(record);
  if (unrelated.length > 0) errors.push(`unrelated TXT record at ${name}: ${unrelated.join(" | ")}`);
  const findings = [
    finding({
      ...base,
      status: errors.length > 0 ? "fail" : "ok",
      seen: record,
      expected: expectedText,
      fix,
      detail: errors.length > 0 ? `malformed: ${errors.join("; ")}` : "one valid DMARC record",
    }),
  ];
  if (errors.length > 0) return findings;
  findings.push(policyFinding(domain, tags, wanted, record, expectedText, fix));
  findings.push(...(await ruaFindings(dns, domain, tags)));
  return findings;
}

function policyFinding(
  domain: string,
  tags: Map<string, string>,
  wanted: Domain["dmarc"],
  record: string,
  expectedText: string,
  fix: string,
): Finding {
  const differences: string[] = [];
  const compare = (tag: string, want: string, have: string) => {
    if (want !== have) differences.push(`${tag}=${have} (inventory: ${want})`);
  };
  const p = tags.get("p") ?? "none";
  compare("p", wanted.policy, p);
  compare("sp", wanted.subdomainPolicy ?? wanted.policy, tags.get("sp") ?? p);
  compare("adkim", wanted.adkim ?? "r", tags.get("adkim") ?? "r");
  compare("aspf", wanted.aspf ?? "r", tags.get("aspf") ?? "r");
  const ruas = splitUris(tags.get("rua")).map((u) => u.replace(/!.*$/, "").toLowerCase());
  if (!ruas.includes(wanted.rua.toLowerCase())) differences.push(`rua does not include ${wanted.rua}`);
  const removed = REMOVED_TAGS.filter((t) => tags.has(t));
  const status = differences.length > 0 ? "fail" : removed.length > 0 ? "warn" : "ok";
  return finding({
    subject: domain,
    domain,
    check: "dmarc.policy",
    severity: "warning",
    status,
    seen: record,
    expected: expectedText,
    fix,
    detail:
      differences.length > 0
        ? `differs from the inventory: ${differences.join("; ")}`
        : removed.length > 0
          ? `${removed.join(", ")} removed by RFC 9989: drop ${removed.length === 1 ? "it" : "them"}`
          : `p=${p} as the inventory wants`,
  });
}

async function ruaFindings(dns: DnsClient, domain: string, tags: Map<string, string>): Promise<Finding[]> {
  const findings: Finding[] = [];
  const external = new Set<string>();
  for (const uri of [...splitUris(tags.get("rua")), ...splitUris(tags.get("ruf"))]) {
    const target = mailtoDomain(uri);
    if (target !== undefined && target !== domain && !target.endsWith(`.${domain}`)) external.add(target);
  }
  for (const target of [...external].sort()) {
    const name = `${domain}._report._dmarc.${target}`;
    const base = {
      subject: domain,
      domain,
      check: `dmarc.report-authorization`,
      severity: "warning" as const,
    };
    const answer = await dns.query(name, "TXT");
    if (answer.kind === "error") {
      findings.push(lookupError(base, `TXT ${name}`, answer.code));
      continue;
    }
    const records =
      answer.kind === "ok" ? joinTxt(answer.records).filter((t) => /^v=DMARC1/i.test(t.trim())) : [];
    findings.push(
      finding({
        ...base,
        status: records.length === 1 ? "ok" : "fail",
        seen: records.join(" | "),
        expected: `one TXT "v=DMARC1" at ${name}`,
        detail:
          records.length === 1
            ? `${target} accepts reports for ${domain}`
            : `${target} has not authorized reports for ${domain}: receivers will not send them`,
        fix: `publish TXT "v=DMARC1" at ${name} (in the zone of ${target})`,
      }),
    );
  }
  return findings;
}
