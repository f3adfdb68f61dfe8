// Test RBL zones on the local DNS server: each real list is pointed at a zone under .test that answers
// its RFC 5782 self-test like the real one, and tests add listings.
import type { BlocklistSettings } from "../../reconciler/blocklists/lists.ts";
import { DEFAULT_BLOCKLISTS } from "../../reconciler/blocklists/lists.ts";
import { queryName } from "../../reconciler/blocklists/query.ts";
import type { TestDnsServer } from "../peers/dns-server.ts";

/** List id → local zone. */
export const TEST_ZONES: Readonly<Record<string, string>> = {
  "spamhaus-zen": "zen.rbl.test",
  spamcop: "spamcop.rbl.test",
  barracuda: "brbl.rbl.test",
  "uceprotect-1": "uce1.rbl.test",
  "uceprotect-2": "uce2.rbl.test",
  psbl: "psbl.rbl.test",
  spamrats: "rats.rbl.test",
  mailspike: "mailspike.rbl.test",
  abusix: "abusix.rbl.test",
  "spamhaus-dbl": "dbl.rbl.test",
  "spamhaus-zrd": "zrd.rbl.test",
  surbl: "surbl.rbl.test",
  uribl: "uribl.rbl.test",
};

/** What each zone answers for its test entry (127.0.0.2 / TEST). */
const TEST_ANSWERS: Readonly<Record<string, string>> = {
  spamrats: "127.0.0.38",
  "spamhaus-dbl": "127.0.1.2",
  "spamhaus-zrd": "127.0.2.2",
  surbl: "127.0.0.254",
  uribl: "127.0.0.14",
};

const DOMAIN_LISTS = new Set(["spamhaus-dbl", "spamhaus-zrd", "surbl", "uribl"]);

export function testSettings(extra: BlocklistSettings = {}): BlocklistSettings {
  return { ...extra, zones: { ...TEST_ZONES, ...extra.zones } };
}

/** Publishes every zone's self-test entry. */
export function publishTestEntries(server: TestDnsServer): void {
  for (const [id, zone] of Object.entries(TEST_ZONES)) {
    const published = DEFAULT_BLOCKLISTS.find((d) => d.id === id)?.testEntry;
    const entry = published ?? (DOMAIN_LISTS.has(id) ? "test" : "127.0.0.2");
    server.set(queryName(entry, zone), "A", [TEST_ANSWERS[id] ?? "127.0.0.2"]);
  }
}

export function list(server: TestDnsServer, id: string, subject: string, ...answers: string[]): void {
  server.set(queryName(subject, TEST_ZONES[id]!), "A", answers);
}
