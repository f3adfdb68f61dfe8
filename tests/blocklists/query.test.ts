// Blocklist queries against test RBL zones on a real authoritative server on 127.0.0.1.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ActiveBlocklist } from "../../reconciler/blocklists/lists.ts";
import { activeBlocklists, DEFAULT_BLOCKLISTS } from "../../reconciler/blocklists/lists.ts";
import type { BlocklistResult } from "../../reconciler/blocklists/query.ts";
import { checkBlocklists, decodeAnswer, queryName } from "../../reconciler/blocklists/query.ts";
import { Semaphore } from "../../reconciler/dns/limit.ts";
import type { DnsClient } from "../../reconciler/dns/resolver.ts";
import { createDnsClient } from "../../reconciler/dns/resolver.ts";
import { ConfigError } from "../../reconciler/errors.ts";
import { TestDnsServer } from "../peers/dns-server.ts";
import { list, publishTestEntries, testSettings, TEST_ZONES } from "./rbl.ts";

let server: TestDnsServer;
let dns: DnsClient;
const IP = "203.0.113.10";
const OTHER = "203.0.113.11";

beforeAll(async () => {
  server = await TestDnsServer.start();
  dns = createDnsClient({ servers: [server.address], timeoutMs: 300, tries: 1 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.clear();
  publishTestEntries(server);
});

function only(ids: readonly string[]): ActiveBlocklist[] {
  return activeBlocklists(testSettings()).filter((l) => ids.includes(l.definition.id));
}

async function check(ids: readonly string[], ips: string[] = [IP, OTHER], domains: string[] = []) {
  return checkBlocklists(dns, only(ids), { ips, domains }, { concurrencyPerZone: 4 });
}

function one(results: readonly BlocklistResult[], subject: string, listId: string): BlocklistResult {
  const found = results.filter((r) => r.subject === subject && r.list === listId);
  if (found.length !== 1) throw new Error(`${found.length} results for ${subject} ${listId}`);
  return found[0]!;
}

describe("blocklist monitor", () => {
  it("nothing listed: every IP ok on every default IP list, every probe trusted", async () => {
    const run = await checkBlocklists(
      dns,
      activeBlocklists(testSettings()),
      { ips: [IP, OTHER], domains: ["sos-mail.com"] },
      {
        concurrencyPerZone: 4,
      },
    );
    expect(run.probes.every((p) => p.trusted)).toBe(true);
    expect(run.results.map((r) => r.status)).toEqual(Array<string>(run.results.length).fill("ok"));
    // A zone override turns keyed lists on too: 9 IP lists × 2 IPs + 4 domain lists × 1 domain.
    expect(run.results).toHaveLength(9 * 2 + 4);
  });

  it.each([
    ["127.0.0.2", "pause", "SBL: Spamhaus block list"],
    ["127.0.0.4", "pause", "XBL: exploited host"],
    ["127.0.0.10", "hold", "PBL (ISP): not meant to send mail directly; request PBL removal"],
  ])("listed on a ZEN-like zone with %s", async (code, severity, meaning) => {
    list(server, "spamhaus-zen", IP, code);
    const run = await check(["spamhaus-zen"]);
    expect(one(run.results, IP, "spamhaus-zen")).toEqual({
      subject: IP,
      kind: "ip",
      list: "spamhaus-zen",
      status: "listed",
      codes: [code],
      severity,
      detail: `listed on Spamhaus ZEN (${code}): ${meaning}; delisting: https://check.spamhaus.org (Removal Center)`,
    });
    expect(one(run.results, OTHER, "spamhaus-zen").status).toBe("ok");
  });

  it("several ZEN codes at once: the worst severity wins", async () => {
    list(server, "spamhaus-zen", IP, "127.0.0.11", "127.0.0.4");
    const r = one((await check(["spamhaus-zen"])).results, IP, "spamhaus-zen");
    expect(r).toMatchObject({ status: "listed", severity: "pause", codes: ["127.0.0.11", "127.0.0.4"] });
  });

  it("refusal code 127.255.255.254 is 'could not check', never listed", async () => {
    list(server, "spamhaus-zen", IP, "127.255.255.254");
    expect(one((await check(["spamhaus-zen"])).results, IP, "spamhaus-zen")).toMatchObject({
      status: "error",
      severity: null,
      detail: "could not check: the list refused the query (127.255.255.254)",
    });
  });

  it("a list answering refusals to its own test entry is not trusted: every answer is error", async () => {
    list(server, "spamhaus-zen", "127.0.0.2", "127.255.255.254");
    list(server, "spamhaus-zen", IP, "127.0.0.2");
    const run = await check(["spamhaus-zen"]);
    expect(run.probes).toEqual([
      {
        list: "spamhaus-zen",
        trusted: false,
        detail: "self-test 127.0.0.2: could not check: the list refused the query (127.255.255.254)",
      },
    ]);
    expect(run.results.map((r) => `${r.subject} ${r.status}`)).toEqual([`${IP} error`, `${OTHER} error`]);
  });

  it("a zone that lists everything (127.0.0.1 too) is not trusted", async () => {
    list(server, "spamcop", "127.0.0.1", "127.0.0.2");
    list(server, "spamcop", IP, "127.0.0.2");
    const run = await check(["spamcop"]);
    expect(run.probes[0]!.detail).toBe(
      'could not check: 127.0.0.1 is listed: the zone answers "listed" for everything (blocked or re-registered)',
    );
    expect(one(run.results, IP, "spamcop").status).toBe("error");
  });

  it("a dead zone (test entry gone) is not trusted", async () => {
    server.delete(queryName("127.0.0.2", TEST_ZONES.psbl!));
    const run = await check(["psbl"]);
    expect(run.probes[0]).toMatchObject({
      trusted: false,
      detail: "could not check: self-test entry 127.0.0.2 is not listed (zone dead or moved)",
    });
  });

  it("a zone that never answers gives error within the timeout, other zones unaffected", async () => {
    server.hang(TEST_ZONES.barracuda!);
    list(server, "spamcop", IP, "127.0.0.2");
    const started = Date.now();
    const run = await check(["barracuda", "spamcop"]);
    // 300 ms per try, one try; the outer deadline is 2 × 300 + 100 ms.
    expect(Date.now() - started).toBeLessThan(1500);
    expect(one(run.results, IP, "barracuda")).toMatchObject({
      status: "error",
      detail: "self-test 127.0.0.2: could not check: ETIMEOUT",
    });
    expect(one(run.results, IP, "spamcop").status).toBe("listed");
  });

  it("a domain listed on a DBL-like zone; an IP-on-domain-list answer is an error", async () => {
    list(server, "spamhaus-dbl", "sos-mail.com", "127.0.1.2");
    list(server, "spamhaus-dbl", "expat-services.com", "127.0.1.255");
    const run = await check(["spamhaus-dbl"], [], ["expat-services.com", "global-expat.com", "sos-mail.com"]);
    expect(run.results.map((r) => `${r.subject} ${r.status} ${r.severity}`)).toEqual([
      "expat-services.com error null",
      "global-expat.com ok null",
      "sos-mail.com listed pause",
    ]);
    expect(one(run.results, "sos-mail.com", "spamhaus-dbl").detail).toBe(
      "listed on Spamhaus DBL (127.0.1.2): low-reputation (spam) domain; delisting: https://check.spamhaus.org",
    );
  });

  it("bitmask lists decode each bit; URIBL 127.0.0.1 means refused", async () => {
    list(server, "uribl", "sos-mail.com", "127.0.0.6");
    list(server, "uribl", "ulixai-mail.com", "127.0.0.1");
    const run = await check(["uribl"], [], ["sos-mail.com", "ulixai-mail.com"]);
    expect(one(run.results, "sos-mail.com", "uribl")).toMatchObject({ status: "listed", severity: "pause" });
    expect(one(run.results, "sos-mail.com", "uribl").detail).toContain("(127.0.0.6): black; grey;");
    expect(one(run.results, "ulixai-mail.com", "uribl").status).toBe("error");
  });

  it("SURBL: test.surbl.org is its test entry; 127.0.0.1 means access blocked; bits decode", async () => {
    list(server, "surbl", "sos-mail.com", "127.0.0.80");
    list(server, "surbl", "ulixai-mail.com", "127.0.0.1");
    const run = await check(["surbl"], [], ["sos-mail.com", "ulixai-mail.com"]);
    expect(run.probes).toEqual([{ list: "surbl", trusted: true, detail: "self-test passed" }]);
    expect(one(run.results, "sos-mail.com", "surbl").detail).toBe(
      "listed on SURBL multi (127.0.0.80): MW: malware; ABUSE: spam; delisting: https://www.surbl.org/surbl-analysis",
    );
    expect(one(run.results, "ulixai-mail.com", "surbl")).toMatchObject({
      status: "error",
      detail: "could not check: the list refused the query (127.0.0.1)",
    });
    server.delete(queryName("test.surbl.org", TEST_ZONES.surbl!));
    server.set(queryName("test", TEST_ZONES.surbl!), "A", ["127.0.0.254"]);
    expect((await check(["surbl"], [], ["sos-mail.com"])).probes[0]!.trusted).toBe(false);
  });

  it.each([
    ["uceprotect-1", "127.0.0.2", "hold"],
    ["uceprotect-2", "127.0.0.2", "info"],
    ["spamrats", "127.0.0.37", "hold"],
    ["barracuda", "127.0.0.2", "pause"],
    ["mailspike", "127.0.0.10", "hold"],
  ])("%s %s → %s", async (id, code, severity) => {
    list(server, id, IP, code);
    expect(one((await check([id])).results, IP, id)).toMatchObject({ status: "listed", severity });
  });

  it("IPv6 is queried as 32 reversed nibbles on lists that cover it, skipped on the others", async () => {
    const v6 = "2001:db8::1";
    list(server, "spamhaus-zen", v6, "127.0.0.3");
    const run = await check(["spamhaus-zen", "spamcop"], [v6]);
    expect(queryName(v6, "zen.rbl.test")).toBe(
      "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.rbl.test",
    );
    expect(run.results.map((r) => `${r.list} ${r.status}`)).toEqual(["spamhaus-zen listed"]);
  });

  it("answers outside 127/8 are errors (pure decoding)", () => {
    const zen = DEFAULT_BLOCKLISTS.find((d) => d.id === "spamhaus-zen")!;
    expect(decodeAnswer(zen, ["10.0.0.2"])).toEqual({
      kind: "error",
      codes: ["10.0.0.2"],
      detail: "could not check: answer outside 127/8 (10.0.0.2)",
    });
  });
});

describe("list configuration", () => {
  it("defaults: no SORBS, keyed lists off without a key, DQS zone with a key", () => {
    expect(DEFAULT_BLOCKLISTS.some((d) => d.zone.includes("sorbs"))).toBe(false);
    expect(activeBlocklists().map((l) => `${l.definition.id} ${l.zone}`)).toEqual([
      "barracuda b.barracudacentral.org",
      "mailspike bl.mailspike.net",
      "psbl psbl.surriel.com",
      "spamcop bl.spamcop.net",
      "spamhaus-dbl dbl.spamhaus.org",
      "spamhaus-zen zen.spamhaus.org",
      "spamrats all.spamrats.com",
      "surbl multi.surbl.org",
      "uceprotect-1 dnsbl-1.uceprotect.net",
      "uceprotect-2 dnsbl-2.uceprotect.net",
      "uribl multi.uribl.com",
    ]);
    const keyed = activeBlocklists({ keys: { "spamhaus-zen": "abcdef0123456789" }, disabled: ["barracuda"] });
    expect(keyed.find((l) => l.definition.id === "spamhaus-zen")?.zone).toBe(
      "abcdef0123456789.zen.dq.spamhaus.net",
    );
    expect(keyed.some((l) => l.definition.id === "barracuda")).toBe(false);
  });

  it("a key that is not a plain label is refused without echoing it", () => {
    expect(() => activeBlocklists({ keys: { abusix: "evil.example.net" } })).toThrow(
      new ConfigError("the key for blocklist abusix is not 8-64 letters and digits"),
    );
  });

  it("the semaphore never runs more than its limit at once", async () => {
    const slots = new Semaphore(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        slots.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 2));
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});
