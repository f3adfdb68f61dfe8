// DNSBL queries (RFC 5782): reversed IP or domain under the zone, A record decoded from the list's code
// table. A list is trusted only after its self-test (127.0.0.2 / TEST listed, 127.0.0.1 / INVALID
// not); refusal codes, timeouts and answers outside 127/8 are "could not check", never "listed".
// Queries run concurrently, at most `concurrencyPerZone` at a time against one zone.
import { isIP } from "node:net";
import { Semaphore } from "../dns/limit.ts";
import type { DnsClient } from "../dns/resolver.ts";
import { reversedLabels } from "../dns/resolver.ts";
import type { ActiveBlocklist, BlocklistDefinition, CodeMeaning, ListSeverity } from "./lists.ts";

export type ListingStatus = "ok" | "listed" | "error";

export interface BlocklistResult {
  /** The IP address or domain checked. */
  readonly subject: string;
  readonly kind: "ip" | "domain";
  /** List id (never the zone: a keyed zone holds the DQS key). */
  readonly list: string;
  readonly status: ListingStatus;
  /** The A records returned (for listed and refused answers). */
  readonly codes: readonly string[];
  readonly severity: ListSeverity | null;
  readonly detail: string;
}

export interface ProbeResult {
  readonly list: string;
  readonly trusted: boolean;
  readonly detail: string;
}

type Decoded =
  | { readonly kind: "clear" }
  | { readonly kind: "listed"; readonly codes: string[]; readonly meanings: CodeMeaning[] }
  | { readonly kind: "error"; readonly codes: string[]; readonly detail: string };

const RANK: Record<ListSeverity, number> = { info: 0, hold: 1, pause: 2 };

export function worstSeverity(meanings: readonly CodeMeaning[]): ListSeverity | null {
  return meanings.reduce<ListSeverity | null>(
    (worst, m) => (worst === null || RANK[m.severity] > RANK[worst] ? m.severity : worst),
    null,
  );
}

/** Decodes the A records of one answer with the list's table (pure). */
export function decodeAnswer(list: BlocklistDefinition, addresses: readonly string[]): Decoded {
  const codes = [...addresses].sort();
  const refused = codes.filter((c) => list.refusals.includes(c));
  if (refused.length > 0)
    return {
      kind: "error",
      codes,
      detail: `could not check: the list refused the query (${refused.join(", ")})`,
    };
  const outside = codes.filter((c) => !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(c));
  if (outside.length > 0)
    return { kind: "error", codes, detail: `could not check: answer outside 127/8 (${outside.join(", ")})` };
  const meanings: CodeMeaning[] = [];
  for (const code of codes) {
    if (list.bitmask) {
      const last = Number(code.split(".")[3]);
      const bits = Object.keys(list.codes)
        .map(Number)
        .filter((bit) => (last & bit) !== 0);
      meanings.push(...bits.map((bit) => list.codes[String(bit)]!));
      if (bits.reduce((sum, bit) => sum | bit, 0) !== last) meanings.push(list.unknownCode);
    } else {
      meanings.push(list.codes[code] ?? list.unknownCode);
    }
  }
  return { kind: "listed", codes, meanings };
}

/** The name queried for a subject (IPv4/IPv6 reversed, domains as they are). */
export function queryName(subject: string, zone: string): string {
  return `${isIP(subject) === 0 ? subject : reversedLabels(subject)}.${zone}`;
}

async function lookup(dns: DnsClient, name: string, list: BlocklistDefinition): Promise<Decoded> {
  const answer = await dns.query(name, "A");
  if (answer.kind === "error") return { kind: "error", codes: [], detail: `could not check: ${answer.code}` };
  if (answer.kind !== "ok") return { kind: "clear" };
  return decodeAnswer(list, answer.records);
}

/** RFC 5782 §5 self-test: the test entry must be listed, the "never listed" entry must not. */
export async function probeList(dns: DnsClient, active: ActiveBlocklist): Promise<ProbeResult> {
  const list = active.definition;
  const [positive, negative] =
    list.kind === "ip" ? [list.testEntry ?? "127.0.0.2", "127.0.0.1"] : [list.testEntry ?? "test", "invalid"];
  const [yes, no] = await Promise.all([
    lookup(dns, queryName(positive, active.zone), list),
    lookup(dns, queryName(negative, active.zone), list),
  ]);
  const id = list.id;
  if (yes.kind === "error")
    return { list: id, trusted: false, detail: `self-test ${positive}: ${yes.detail}` };
  if (no.kind === "error") return { list: id, trusted: false, detail: `self-test ${negative}: ${no.detail}` };
  if (yes.kind !== "listed")
    return {
      list: id,
      trusted: false,
      detail: `could not check: self-test entry ${positive} is not listed (zone dead or moved)`,
    };
  if (no.kind === "listed")
    return {
      list: id,
      trusted: false,
      detail: `could not check: ${negative} is listed: the zone answers "listed" for everything (blocked or re-registered)`,
    };
  return { list: id, trusted: true, detail: "self-test passed" };
}

export interface CheckTargets {
  readonly ips: readonly string[];
  readonly domains: readonly string[];
}

export interface BlocklistRun {
  readonly results: BlocklistResult[];
  readonly probes: ProbeResult[];
  readonly concurrencyPerZone: number;
}

export async function checkBlocklists(
  dns: DnsClient,
  lists: readonly ActiveBlocklist[],
  targets: CheckTargets,
  options: { readonly concurrencyPerZone: number },
): Promise<BlocklistRun> {
  const perList = await Promise.all(
    lists.map(async (active) => {
      const list = active.definition;
      const slots = new Semaphore(options.concurrencyPerZone);
      const subjects = (list.kind === "ip" ? targets.ips : targets.domains).filter(
        (s) => list.kind === "domain" || isIP(s) === 4 || list.ipv6 === true,
      );
      const probe = await slots.run(() => probeList(dns, active));
      if (!probe.trusted) {
        const results = subjects.map((subject) => result(subject, list, "error", [], null, probe.detail));
        return { probe, results };
      }
      const results = await Promise.all(
        subjects.map((subject) =>
          slots.run(async () => {
            const decoded = await lookup(dns, queryName(subject, active.zone), list);
            switch (decoded.kind) {
              case "clear":
                return result(subject, list, "ok", [], null, `not listed on ${list.name}`);
              case "error":
                return result(subject, list, "error", decoded.codes, null, decoded.detail);
              case "listed":
                return result(
                  subject,
                  list,
                  "listed",
                  decoded.codes,
                  worstSeverity(decoded.meanings),
                  `listed on ${list.name} (${decoded.codes.join(", ")}): ${[...new Set(decoded.meanings.map((m) => m.meaning))].join("; ")}; delisting: ${list.delisting}`,
                );
            }
          }),
        ),
      );
      return { probe, results };
    }),
  );
  const key = (r: BlocklistResult) => `${r.kind}\u0000${r.subject}\u0000${r.list}`;
  return {
    results: perList
      .flatMap((p) => p.results)
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)),
    probes: perList.map((p) => p.probe),
    concurrencyPerZone: options.concurrencyPerZone,
  };
}

function result(
  subject: string,
  list: BlocklistDefinition,
  status: ListingStatus,
  codes: readonly string[],
  severity: ListSeverity | null,
  detail: string,
): BlocklistResult {
  return { subject, kind: list.kind, list: list.id, status, codes, severity, detail };
}
