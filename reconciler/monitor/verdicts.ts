// From one check's results to one verdict per subject (pure). Each subject's *own* verdict: an IP's
// row holds its own listings and reverse-DNS findings; the domain's verdicts reach its IPs later, in
// signals.ts, so a domain's row is written once and read for every IP that sends as it.
//
// DNS: a critical authentication check (SPF, DKIM, DMARC) failing pauses the *domain*, including SPF
// not authorizing one of its IPs (issue 7: "authentication failing → no sending from that domain";
// mail through that IP would fail SPF, and receivers rate the domain). A critical reverse-DNS check
// (hostname, PTR, FCrDNS) failing pauses that IP only. A critical check that could not run holds
// its target (authentication not proven). Warnings change nothing.
// Blocklists: listed on a pause-severity list → pause; hold-severity → hold; info-severity and
// "could not check" → clear (no evidence either way), with the reason kept for the status.
import type { BlocklistResult } from "../blocklists/query.ts";
import type { Finding } from "../dns/finding.ts";
import { entries } from "../inventory/model.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { LocalDate } from "../warmup/dates.ts";
import type { MonitorSource, MonitorVerdict, SubjectKind, VerdictEntry } from "./repository.ts";
import { worseVerdict } from "./repository.ts";

/** Checks whose failure means receivers cannot authenticate mail from the domain. */
const AUTH_CHECKS = /^(spf|dkim|dmarc)\./;

class Subject {
  verdict: MonitorVerdict = "clear";
  readonly reasons: string[] = [];
  constructor(readonly kind: SubjectKind) {}
  add(verdict: MonitorVerdict, reason: string): void {
    this.verdict = worseVerdict(this.verdict, verdict);
    if (!this.reasons.includes(reason)) this.reasons.push(reason);
  }
}

function subjectsOf(inventory: Inventory): Map<string, Subject> {
  const map = new Map<string, Subject>();
  for (const [name] of entries(inventory.domains)) map.set(name, new Subject("domain"));
  for (const ip of inventory.ips) if (ip.address !== undefined) map.set(ip.address, new Subject("ip"));
  return map;
}

function toEntries(
  subjects: Map<string, Subject>,
  day: LocalDate,
  source: MonitorSource,
  clearReason: string,
): VerdictEntry[] {
  return [...subjects]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([subject, s]) => ({
      subject,
      kind: s.kind,
      day,
      source,
      verdict: s.verdict,
      reason: s.reasons.length > 0 ? s.reasons.join(" | ") : clearReason,
    }));
}

/** The DNS check's verdict on every domain and allocated IP of the inventory. */
export function dnsVerdicts(
  inventory: Inventory,
  findings: readonly Finding[],
  day: LocalDate,
): VerdictEntry[] {
  const subjects = subjectsOf(inventory);
  for (const f of findings) {
    if (f.severity !== "critical" || (f.status !== "fail" && f.status !== "error")) continue;
    const own = subjects.get(f.subject);
    const target = AUTH_CHECKS.test(f.check) || own?.kind !== "ip" ? subjects.get(f.domain) : own;
    if (target === undefined) continue;
    if (f.status === "fail") target.add("pause", `${f.check} failing for ${f.subject}: ${f.detail}`);
    else target.add("hold", `${f.check} for ${f.subject}: ${f.detail}`);
  }
  return toEntries(subjects, day, "dns", "critical DNS checks pass");
}

/** The blocklist sweep's verdict on every domain and allocated IP of the inventory. */
export function blocklistVerdicts(
  inventory: Inventory,
  results: readonly BlocklistResult[],
  day: LocalDate,
): VerdictEntry[] {
  const subjects = subjectsOf(inventory);
  for (const r of results) {
    const target = subjects.get(r.subject);
    if (target === undefined) continue;
    if (r.status === "listed") {
      const verdict = r.severity === "pause" ? "pause" : r.severity === "hold" ? "hold" : "clear";
      target.add(verdict, `${r.list}: ${r.detail}`);
    } else if (r.status === "error") {
      target.add("clear", `${r.list}: ${r.detail}`);
    }
  }
  return toEntries(subjects, day, "blocklists", "not listed");
}
