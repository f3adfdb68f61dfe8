// DKIM, DMARC, MX and reverse-DNS checks against a real authoritative server on 127.0.0.1 serving the
// fixture inventory's domains: all good first, then one broken record per case.
import { describe, expect, it } from "vitest";
import { runDnsChecks } from "../../reconciler/dns/checks.ts";
import { createDnsClient, reverseName } from "../../reconciler/dns/resolver.ts";
import { D, IP, inventory, key, keys, pick, problems, run, server, useInventoryZone } from "./setup.ts";
import { chunk, dkimTxt, rsaKey } from "./zone.ts";

useInventoryZone();

describe("DNS checks against the local authoritative server", () => {
  it("all good: every check of every domain and IP is ok, DKIM split into several strings", async () => {
    const findings = await run();
    expect(problems(findings)).toEqual([]);
    // 5 domains × (spf.record, spf.policy, spf.lookups, dkim.record, dkim.strength, dkim.key,
    // dmarc.record, dmarc.policy, mx.records) + 5 MX hosts + 5 IPs × (spf.authorizes, ip.hostname, ptr.name, ptr.fcrdns)
    expect(findings).toHaveLength(5 * 9 + 5 + 5 * 4);
    expect(pick(findings, D, "dkim.record").detail).toBe("valid DKIM record (2 strings)");
    expect(pick(findings, D, "dkim.strength").seen).toBe("RSA 2048 bits");
    expect(pick(findings, IP, "spf.authorizes")).toMatchObject({
      status: "ok",
      seen: `check_host(${IP}, ${D}) = pass`,
    });
  });

  it("DKIM key mismatch: the published key is not the signing key", async () => {
    server.set(`ee1._domainkey.${D}`, "TXT", [dkimTxt(rsaKey(2048).p)]);
    const f = pick(await run(), D, "dkim.key");
    expect(f).toMatchObject({ status: "fail", severity: "critical" });
    expect(f.detail).toBe(
      `the key at ee1._domainkey.${D} is not the signing key: receivers will fail every signature`,
    );
  });

  it("DKIM TXT split at odd places into several strings still passes", async () => {
    server.set(`ee1._domainkey.${D}`, "TXT", [chunk(`v=DKIM1; k=rsa; p=${key.p}`, 100)]);
    const findings = await run();
    expect(pick(findings, D, "dkim.record").detail).toBe("valid DKIM record (5 strings)");
    expect(pick(findings, D, "dkim.key").status).toBe("ok");
  });

  it.each([
    ["missing", undefined, "fail", `no DKIM record at ee1._domainkey.${D}`],
    ["revoked", [["v=DKIM1; k=rsa; p="]], "fail", "invalid: empty p=: the key is revoked"],
    [
      "garbage key",
      [["v=DKIM1; k=rsa; p=bm90IGEga2V5"]],
      "fail",
      "invalid: p= is not a valid base64 public key",
    ],
    ["wrong version", [[`v=DKIM2; p=${"A"}`]], "fail", "invalid: v=DKIM2 (must be DKIM1)"],
  ])("DKIM %s", async (_name, txt, status, detail) => {
    if (txt === undefined) server.delete(`ee1._domainkey.${D}`);
    else server.set(`ee1._domainkey.${D}`, "TXT", txt);
    expect(pick(await run(), D, "dkim.record")).toMatchObject({ status, detail });
  });

  it("DKIM 1024-bit key warns", async () => {
    const small = rsaKey(1024);
    server.set(`ee1._domainkey.${D}`, "TXT", [dkimTxt(small.p)]);
    keys.set(`ee1._domainkey.${D}`, small.publicPem);
    const findings = await run();
    expect(pick(findings, D, "dkim.strength")).toMatchObject({
      status: "warn",
      seen: "RSA 1024 bits",
      detail: "RSA 1024 bits, under the recommended 2048; the inventory asks for 2048",
    });
    expect(pick(findings, D, "dkim.key").status).toBe("ok");
  });

  it("DMARC missing", async () => {
    server.delete(`_dmarc.${D}`);
    expect(pick(await run(), D, "dmarc.record")).toMatchObject({
      status: "fail",
      detail: `no DMARC record at _dmarc.${D}`,
      fix: `publish one TXT record at _dmarc.${D}: v=DMARC1; p=none; rua=mailto:dmarc@${D}`,
    });
  });

  it.each([
    ["p=none; v=DMARC1", "malformed: must start with v=DMARC1"],
    ["v=DMARC1; p=maybe; rua=mailto:dmarc@sos-mail.com", "malformed: p=maybe (none, quarantine or reject)"],
    ["v=DMARC1; rua=mailto:dmarc@sos-mail.com", "malformed: no p= tag"],
    [
      "v=DMARC1; p=none; foo=bar; rua=dmarc@sos-mail.com",
      "malformed: unknown tag foo; rua URI dmarc@sos-mail.com is not mailto:user@domain",
    ],
  ])("DMARC malformed: %s", async (record, detail) => {
    server.set(`_dmarc.${D}`, "TXT", [[record]]);
    expect(pick(await run(), D, "dmarc.record")).toMatchObject({ status: "fail", detail });
  });

  it("DMARC policy other than the inventory's fails dmarc.policy", async () => {
    server.set(`_dmarc.${D}`, "TXT", [[`v=DMARC1; p=reject; rua=mailto:dmarc@${D}; adkim=s`]]);
    expect(pick(await run(), D, "dmarc.policy")).toMatchObject({
      status: "fail",
      severity: "warning",
      detail:
        "differs from the inventory: p=reject (inventory: none); sp=reject (inventory: none); adkim=s (inventory: r)",
    });
  });

  it("DMARC external rua without, then with, the authorization record", async () => {
    server.set(`_dmarc.${D}`, "TXT", [[`v=DMARC1; p=none; rua=mailto:dmarc@${D},mailto:agg@reports.test`]]);
    const before = pick(await run(), D, "dmarc.report-authorization");
    expect(before).toMatchObject({
      status: "fail",
      detail: `reports.test has not authorized reports for ${D}: receivers will not send them`,
      fix: `publish TXT "v=DMARC1" at ${D}._report._dmarc.reports.test (in the zone of reports.test)`,
    });
    server.set(`${D}._report._dmarc.reports.test`, "TXT", [["v=DMARC1"]]);
    expect(pick(await run(), D, "dmarc.report-authorization").status).toBe("ok");
  });

  it("PTR mismatch", async () => {
    server.set(reverseName(IP), "PTR", ["static.10.113.0.203.clients.example.test"]);
    server.set("static.10.113.0.203.clients.example.test", "A", [IP]);
    const findings = await run();
    expect(pick(findings, IP, "ptr.name")).toMatchObject({
      status: "fail",
      seen: "static.10.113.0.203.clients.example.test",
      expected: "mail1.sos-mail.com",
      detail: "PTR is static.10.113.0.203.clients.example.test, not mail1.sos-mail.com",
    });
    expect(pick(findings, IP, "ptr.fcrdns").status).toBe("ok");
  });

  it("FCrDNS broken: the PTR name resolves elsewhere", async () => {
    server.set("mail1.sos-mail.com", "A", ["198.51.100.77"]);
    const findings = await run();
    expect(pick(findings, IP, "ptr.name").status).toBe("ok");
    expect(pick(findings, IP, "ptr.fcrdns")).toMatchObject({
      status: "fail",
      detail: `the PTR name does not resolve back to ${IP}: mail1.sos-mail.com -> 198.51.100.77`,
    });
    expect(pick(findings, IP, "ip.hostname").detail).toBe(`mail1.sos-mail.com does not resolve to ${IP}`);
  });

  it("no PTR at all", async () => {
    server.delete(reverseName(IP));
    const findings = await run();
    expect(pick(findings, IP, "ptr.name").detail).toBe(`no PTR for ${IP}`);
    expect(findings.filter((f) => f.subject === IP && f.check === "ptr.fcrdns")).toEqual([]);
  });

  it("MX: null MX on a sending domain fails; MX host without address fails", async () => {
    server.set(D, "MX", [{ exchange: "", priority: 0 }]);
    expect(pick(await run(), D, "mx.records").detail).toBe(
      "a null MX on a sending domain: receivers reject its mail (550 5.7.27); MX differs from the inventory",
    );
    server.set(D, "MX", [{ exchange: "mx.sos-mail.com", priority: 10 }]);
    server.delete("mx.sos-mail.com");
    expect(pick(await run(), "mx.sos-mail.com", "mx.host-address")).toMatchObject({
      status: "fail",
      domain: D,
      detail: "MX host mx.sos-mail.com has no address",
    });
  });

  it("a resolver that never answers gives error (could not check), not fail, within the timeout", async () => {
    server.hang(D);
    const started = Date.now();
    const findings = await runDnsChecks(
      { ...inventory, domains: { [D]: inventory.domains[D]! }, ips: [] },
      createDnsClient({ servers: [server.address], timeoutMs: 200, tries: 1 }),
      { dkimKeys: keys },
    );
    // Four lookups one after another, each bounded by 2 × 200 + 100 ms.
    expect(Date.now() - started).toBeLessThan(4 * 500 + 500);
    expect(findings.map((f) => `${f.check} ${f.status} ${f.detail}`)).toEqual([
      "dkim.record error could not check: TXT ee1._domainkey.sos-mail.com lookup failed (ETIMEOUT)",
      "dmarc.record error could not check: TXT _dmarc.sos-mail.com lookup failed (ETIMEOUT)",
      "mx.records error could not check: MX lookup failed (ETIMEOUT)",
      "spf.record error could not check: TXT lookup failed (ETIMEOUT)",
    ]);
  });
});
