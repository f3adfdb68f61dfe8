// SPF record syntax (RFC 7208 §4.6, §5–6) and the DNS lookup count over the whole include/redirect
// tree (§4.6.4: 10 DNS-querying terms, 2 void lookups). The count is static, like checkdmarc's:
// mailauth stops evaluating at the first match, so an IP listed early would hide an 11th lookup.
import { isIP } from "node:net";
import type { DnsClient } from "./resolver.ts";
import { normalizeName } from "./resolver.ts";
import { joinTxt } from "./finding.ts";

export const MAX_DNS_LOOKUPS = 10;
export const MAX_VOID_LOOKUPS = 2;

const MECHANISMS = new Set(["all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"]);
const QUERYING = new Set(["include", "a", "mx", "ptr", "exists"]);

export interface SpfTerm {
  readonly qualifier: "+" | "-" | "~" | "?";
  /** Mechanism name, or the modifier's name for `name=value`. */
  readonly name: string;
  readonly value: string;
  readonly modifier: boolean;
}

/** Parses `v=spf1 …` into terms; returns the syntax errors it found alongside. */
export function parseSpf(record: string): { terms: SpfTerm[]; errors: string[] } {
  const parts = record.trim().split(/\s+/).slice(1);
  const terms: SpfTerm[] = [];
  const errors: string[] = [];
  for (const part of parts) {
    const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(part);
    if (modifier) {
      terms.push({ qualifier: "+", name: modifier[1]!.toLowerCase(), value: modifier[2]!, modifier: true });
      if (modifier[2] === "") errors.push(`empty modifier ${modifier[1]}`);
      continue;
    }
    const m = /^([+\-~?]?)([a-z0-9]+)([:/].*)?$/i.exec(part);
    const name = m?.[2]?.toLowerCase() ?? "";
    if (!m || !MECHANISMS.has(name)) {
      errors.push(`unknown term ${JSON.stringify(part)}`);
      continue;
    }
    const value = (m[3] ?? "").replace(/^:/, "");
    terms.push({ qualifier: (m[1] || "+") as SpfTerm["qualifier"], name, value, modifier: false });
    if ((name === "ip4" || name === "ip6") && isIP(value.split("/")[0] ?? "") !== (name === "ip4" ? 4 : 6))
      errors.push(`invalid address in ${part}`);
    if ((name === "include" || name === "exists") && value === "") errors.push(`${name} without a domain`);
    if (name === "all" && value !== "") errors.push(`unexpected value in ${part}`);
  }
  for (const mod of ["redirect", "exp"]) {
    if (terms.filter((t) => t.modifier && t.name === mod).length > 1) errors.push(`more than one ${mod}`);
  }
  if (terms.filter((t) => !t.modifier && t.name === "all").length > 1) errors.push("more than one all");
  return { terms, errors };
}

export interface LookupCount {
  lookups: number;
  voids: number;
  /** Problems that make receivers answer permerror/temperror (loops, missing include targets…). */
  problems: string[];
  /** A lookup did not get an answer: the count may be low. */
  errorCode: string | undefined;
  usesPtr: boolean;
}

/** Counts DNS-querying terms and void lookups over the include/redirect tree (RFC 7208 §4.6.4). */
export async function countSpfLookups(dns: DnsClient, domain: string, terms: readonly SpfTerm[]) {
  const state: LookupCount = { lookups: 0, voids: 0, problems: [], errorCode: undefined, usesPtr: false };
  await walk(dns, domain, terms, state, [normalizeName(domain)]);
  return state;
}

async function walk(
  dns: DnsClient,
  domain: string,
  terms: readonly SpfTerm[],
  state: LookupCount,
  path: readonly string[],
): Promise<void> {
  for (const term of terms) {
    // Past the limit the verdict is settled; stop asking (bounds the work on a runaway tree).
    if (state.lookups > MAX_DNS_LOOKUPS + 5 || state.errorCode !== undefined) return;
    const isTarget = term.modifier ? term.name === "redirect" : QUERYING.has(term.name);
    if (!isTarget) continue;
    state.lookups++;
    const target = normalizeName(term.value.replace(/\/.*$/, "") || (term.name === "ptr" ? "" : domain));
    // Macros expand per message: the target cannot be resolved here, only counted.
    if (target.includes("%")) continue;
    switch (term.name) {
      case "include":
      case "redirect":
        await walkInclude(dns, target, state, path);
        break;
      case "a":
      case "exists":
        await countVoid(dns, target, "A", state);
        break;
      case "mx": {
        const mx = await countVoid(dns, target, "MX", state);
        if (mx > 10) state.problems.push(`mx:${target} has ${mx} MX hosts (limit 10)`);
        break;
      }
      case "ptr":
        state.usesPtr = true;
        break;
      default:
        break;
    }
  }
}

async function walkInclude(dns: DnsClient, target: string, state: LookupCount, path: readonly string[]) {
  if (path.includes(target)) {
    state.problems.push(`include/redirect loop: ${[...path, target].join(" -> ")}`);
    return;
  }
  const answer = await dns.query(target, "TXT");
  if (answer.kind === "error") {
    state.errorCode = answer.code;
    return;
  }
  const records = answer.kind === "ok" ? joinTxt(answer.records).filter(isSpfRecord) : [];
  if (answer.kind !== "ok") state.voids++;
  if (records.length !== 1) {
    state.problems.push(`${target} has ${records.length} SPF records (needs exactly 1)`);
    return;
  }
  const { terms, errors } = parseSpf(records[0]!);
  state.problems.push(...errors.map((e) => `${target}: ${e}`));
  await walk(dns, target, terms, state, [...path, target]);
}

async function countVoid(dns: DnsClient, name: string, type: "A" | "MX", state: LookupCount) {
  const answer = await dns.query(name, type);
  if (answer.kind === "error") state.errorCode = answer.code;
  else if (answer.kind !== "ok") state.voids++;
  return answer.kind === "ok" ? answer.records.length : 0;
}

export function isSpfRecord(txt: string): boolean {
  return /^v=spf1(\s|$)/i.test(txt);
}
