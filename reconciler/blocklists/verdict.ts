// What the monitors tell the warm-up gates, per IP and per domain for one day (reference §4.3, DESIGN
// "gates"): listed on a pause-severity list → pause; hold-severity → hold; a critical DNS check failing
// → no sending (pause) from that domain, or from that IP when the failure is the IP's own (PTR, SPF not
// covering it). A critical DNS check that could not run holds (authentication is not proven); a
// blocklist that could not be checked changes nothing (no evidence either way) but is reported.
import type { Finding } from "../dns/finding.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { BlocklistResult } from "./query.ts";

export type MonitorVerdict = "pause" | "hold" | "clear";

export interface SubjectVerdict {
  readonly kind: "ip" | "domain";
  readonly subject: string;
  /** The operators' local day the verdict is for. */
  readonly day: string;
  readonly verdict: MonitorVerdict;
  readonly reasons: readonly string[];
}

const RANK: Record<MonitorVerdict, number> = { clear: 0, hold: 1, pause: 2 };

class Accumulator {
  verdict: MonitorVerdict = "clear";
  readonly reasons: string[] = [];
  add(verdict: MonitorVerdict, reason: string) {
    if (RANK[verdict] > RANK[this.verdict]) this.verdict = verdict;
    if (!this.reasons.includes(reason)) this.reasons.push(reason);
  }
}

export function monitorVerdicts(
  inventory: Inventory,
  day: string,
  findings: readonly Finding[],
  listings: readonly BlocklistResult[],
): SubjectVerdict[] {
  const domains = new Map<string, Accumulator>(
    Object.keys(inventory.domains).map((d) => [d, new Accumulator()]),
  );
  const ips = new Map<string, Accumulator>(
    inventory.ips.filter((ip) => ip.address !== undefined).map((ip) => [ip.address!, new Accumulator()]),
  );
  for (const f of findings) {
    if (f.severity !== "critical" || (f.status !== "fail" && f.status !== "error")) continue;
    const target = ips.get(f.subject) ?? domains.get(f.subject) ?? domains.get(f.domain);
    if (f.status === "fail") target?.add("pause", `authentication failing: ${f.check} ${f.detail}`);
    else target?.add("hold", `authentication not proven: ${f.check} ${f.detail}`);
  }
  for (const r of listings) {
    const target = (r.kind === "ip" ? ips : domains).get(r.subject);
    if (target === undefined) continue;
    if (r.status === "listed") {
      const verdict = r.severity === "pause" ? "pause" : r.severity === "hold" ? "hold" : "clear";
      target.add(verdict, `${r.list}: ${r.detail}`);
    } else if (r.status === "error") {
      target.reasons.push(`${r.list}: ${r.detail}`);
    }
  }
  // An IP sends as its domain: the domain's verdict is the IP's floor.
  for (const ip of inventory.ips) {
    const own = ip.address === undefined ? undefined : ips.get(ip.address);
    const domain = domains.get(ip.domain);
    if (own === undefined || domain === undefined || domain.verdict === "clear") continue;
    own.add(
      domain.verdict,
      `domain ${ip.domain} is ${domain.verdict === "pause" ? "not sending" : "on hold"}`,
    );
  }
  const out: SubjectVerdict[] = [];
  for (const [kind, map] of [
    ["domain", domains],
    ["ip", ips],
  ] as const) {
    for (const [subject, acc] of [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      out.push({ kind, subject, day, verdict: acc.verdict, reasons: [...new Set(acc.reasons)] });
    }
  }
  return out;
}

/** The ledger entries to write (Ledger.judge(ip, day, verdict, reason)): only IPs the monitors stop. */
export function ledgerVerdicts(
  verdicts: readonly SubjectVerdict[],
): { ip: string; day: string; verdict: "pause" | "hold"; reason: string }[] {
  return verdicts
    .filter((v) => v.kind === "ip" && v.verdict !== "clear")
    .map((v) => ({
      ip: v.subject,
      day: v.day,
      verdict: v.verdict as "pause" | "hold",
      reason: v.reasons.join(" | "),
    }));
}

/** Gauges for the metrics endpoint: counts by check status and by listing status. */
export function monitorMetrics(
  findings: readonly Finding[],
  listings: readonly BlocklistResult[],
): { name: string; labels: Record<string, string>; value: number }[] {
  const counts = new Map<string, { name: string; labels: Record<string, string>; value: number }>();
  const bump = (name: string, labels: Record<string, string>) => {
    const key = `${name}${JSON.stringify(labels)}`;
    const entry = counts.get(key) ?? { name, labels, value: 0 };
    entry.value++;
    counts.set(key, entry);
  };
  for (const f of findings) bump("email_engine_dns_checks", { status: f.status });
  for (const r of listings) bump("email_engine_blocklist_checks", { list: r.list, status: r.status });
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
}
