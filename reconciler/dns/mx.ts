// MX (RFC 5321 §5.1, RFC 7505): the mail exchangers the inventory lists, each resolving to an address,
// or a lone null MX (`0 .`) when the inventory says the domain receives no mail.
import type { Domain } from "../inventory/types.gen.ts";
import type { DnsClient, MxAnswer } from "./resolver.ts";
import { normalizeName } from "./resolver.ts";
import type { Finding } from "./finding.ts";
import { finding, lookupError } from "./finding.ts";

function show(records: readonly MxAnswer[]): string {
  return [...records]
    .sort((a, b) => a.priority - b.priority || (a.exchange < b.exchange ? -1 : 1))
    .map((r) => `${r.priority} ${normalizeName(r.exchange) || "."}`)
    .join(", ");
}

export async function checkMx(dns: DnsClient, domain: string, wanted: Domain): Promise<Finding[]> {
  const base = { subject: domain, domain, check: "mx.records", severity: "warning" as const };
  const answer = await dns.query(domain, "MX");
  if (answer.kind === "error") return [lookupError(base, "MX", answer.code)];
  const records = answer.kind === "ok" ? answer.records : [];
  const seen = show(records);
  const isNull = (r: MxAnswer) => normalizeName(r.exchange) === "";
  if (wanted.nullMx) {
    const ok = records.length === 1 && records.every(isNull) && records[0]!.priority === 0;
    return [
      finding({
        ...base,
        status: ok ? "ok" : "fail",
        seen,
        expected: "0 .",
        detail: ok ? "null MX: the domain receives no mail" : "the inventory wants a lone null MX",
        fix: `publish only "MX 0 ." at ${domain}`,
      }),
    ];
  }
  const wantedHosts = (wanted.mx ?? []).map((m) => `${m.priority} ${m.host}`).sort();
  const expected = wantedHosts.length > 0 ? wantedHosts.join(", ") : "at least one MX host";
  const problems: string[] = [];
  if (records.some(isNull))
    problems.push("a null MX on a sending domain: receivers reject its mail (550 5.7.27)");
  if (records.length === 0) problems.push("no MX record: bounces and replies have nowhere to go");
  if (wantedHosts.length > 0 && show(records) !== wantedHosts.join(", "))
    problems.push(`MX differs from the inventory`);
  const findings = [
    finding({
      ...base,
      status: problems.length > 0 ? "fail" : "ok",
      seen,
      expected,
      detail: problems.length > 0 ? problems.join("; ") : `MX ${seen}`,
      fix: `publish at ${domain}: ${wantedHosts.map((h) => `MX ${h}`).join(", ") || "MX 10 <mail host>"}`,
    }),
  ];
  for (const host of [
    ...new Set(records.filter((r) => !isNull(r)).map((r) => normalizeName(r.exchange))),
  ].sort()) {
    findings.push(await mxHostResolves(dns, domain, host));
  }
  return findings;
}

async function mxHostResolves(dns: DnsClient, domain: string, host: string): Promise<Finding> {
  const base = { subject: host, domain, check: "mx.host-address", severity: "warning" as const };
  const [a, aaaa] = await Promise.all([dns.query(host, "A"), dns.query(host, "AAAA")]);
  const failed = [a, aaaa].find((o) => o.kind === "error");
  if (failed?.kind === "error") return lookupError(base, `A/AAAA ${host}`, failed.code);
  const addresses = [...(a.kind === "ok" ? a.records : []), ...(aaaa.kind === "ok" ? aaaa.records : [])];
  return finding({
    ...base,
    status: addresses.length > 0 ? "ok" : "fail",
    seen: addresses.join(", "),
    expected: "an A or AAAA record",
    detail: addresses.length > 0 ? `${host} resolves` : `MX host ${host} has no address`,
    fix: `publish an A record for ${host}`,
  });
}
