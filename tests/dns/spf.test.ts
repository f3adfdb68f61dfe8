// SPF checks against a real authoritative server on 127.0.0.1 serving the fixture inventory's domains,
// one broken record per case; evaluation through mailauth with our resolver.
import { describe, expect, it } from "vitest";
import { checkSpf } from "../../reconciler/dns/spf.ts";
import { parseSpf } from "../../reconciler/dns/spf-record.ts";
import { D, IP, dns, pick, run, server, useInventoryZone } from "./setup.ts";
import { chunk } from "./zone.ts";

useInventoryZone();

describe("SPF", () => {
  it("two SPF records: fail, permerror explained", async () => {
    server.set(D, "TXT", [[`v=spf1 ip4:${IP} -all`], ["v=spf1 include:other.test -all"]]);
    const f = pick(await run(), D, "spf.record");
    expect(f).toMatchObject({
      status: "fail",
      severity: "critical",
      detail: "2 SPF records (receivers answer permerror)",
    });
    expect(f.seen).toBe(`v=spf1 ip4:${IP} -all | v=spf1 include:other.test -all`);
    expect(f.fix).toBe(`merge them into one TXT record at ${D}`);
  });

  it("SPF with 11 DNS lookups fails even though the IP matches first", async () => {
    const includes = Array.from({ length: 11 }, (_, i) => `include:s${i}.spf.test`);
    for (let i = 0; i < 11; i++) server.set(`s${i}.spf.test`, "TXT", [["v=spf1 ip4:198.51.100.1 -all"]]);
    server.set(D, "TXT", [[`v=spf1 ip4:${IP} ${includes.join(" ")} -all`]]);
    const findings = await run();
    expect(pick(findings, D, "spf.lookups")).toMatchObject({
      status: "fail",
      detail: "11 DNS lookups (limit 10) (receivers answer permerror)",
    });
    expect(pick(findings, D, "spf.record").status).toBe("ok");
  });

  it("SPF with exactly 10 lookups passes the count", async () => {
    for (let i = 0; i < 10; i++) server.set(`s${i}.spf.test`, "TXT", [["v=spf1 ip4:198.51.100.1 -all"]]);
    const includes = Array.from({ length: 10 }, (_, i) => `include:s${i}.spf.test`);
    server.set(D, "TXT", [[`v=spf1 ip4:${IP} ${includes.join(" ")} -all`]]);
    expect(pick(await run(), D, "spf.lookups")).toMatchObject({
      status: "ok",
      detail: "10 DNS lookups, 0 void",
    });
  });

  it("three void lookups fail", async () => {
    server.set(D, "TXT", [[`v=spf1 ip4:${IP} a:gone1.test a:gone2.test mx:gone3.test -all`]]);
    expect(pick(await run(), D, "spf.lookups").detail).toBe(
      "3 void lookups (limit 2) (receivers answer permerror)",
    );
  });

  it("SPF not covering one of the domain's IPs: that IP fails, SPF evaluated by mailauth", async () => {
    server.set(D, "TXT", [["v=spf1 ip4:203.0.113.99 -all"]]);
    const f = pick(await run(), IP, "spf.authorizes");
    expect(f).toMatchObject({
      status: "fail",
      domain: D,
      seen: `check_host(${IP}, ${D}) = fail`,
      fix: `add ip4:${IP} to the SPF record of ${D}`,
    });
  });

  it("SPF passing through an include (served by the same resolver)", async () => {
    server.set("_spf.provider.test", "TXT", [[`v=spf1 ip4:${IP}/31 -all`]]);
    const result = await checkSpf(dns, {
      domain: D,
      ips: [{ address: IP, hostname: "mail1.sos-mail.com" }],
      qualifier: "-all",
      include: ["_spf.provider.test"],
    });
    server.set(D, "TXT", [["v=spf1 include:_spf.provider.test -all"]]);
    const after = await checkSpf(dns, {
      domain: D,
      ips: [{ address: IP, hostname: "mail1.sos-mail.com" }],
      qualifier: "-all",
      include: ["_spf.provider.test"],
    });
    expect(result.find((f) => f.check === "spf.policy")?.detail).toBe("missing include:_spf.provider.test");
    expect(after.map((f) => `${f.check} ${f.status}`)).toEqual([
      "spf.record ok",
      "spf.policy ok",
      "spf.lookups ok",
      "spf.authorizes ok",
    ]);
  });

  it.each([
    ["v=spf1 ip4:1.2.3.4 foo -all", ['unknown term "foo"']],
    ["v=spf1 ip4:1.2.3 -all", ["invalid address in ip4:1.2.3"]],
    ["v=spf1 redirect=a.test redirect=b.test", ["more than one redirect"]],
    ["v=spf1 ip6:2001:db8::/32 ~all", []],
  ])("parses %s", (record, errors) => {
    expect(parseSpf(record).errors).toEqual(errors);
  });

  it("+all fails the record", async () => {
    server.set(D, "TXT", [["v=spf1 +all"]]);
    expect(pick(await run(), D, "spf.record").detail).toBe("invalid: all authorizes every host");
  });

  it("~all where the inventory wants -all, and an oversized record, warn", async () => {
    const filler = Array.from({ length: 30 }, (_, i) => `ip4:198.51.100.${i}`).join(" ");
    server.set(D, "TXT", [chunk(`v=spf1 ip4:${IP} ${filler} ~all`)]);
    const f = pick(await run(), D, "spf.policy");
    expect(f).toMatchObject({ status: "warn", severity: "warning" });
    expect(f.detail).toBe(
      "ends with ~all, not -all; 558 bytes: over 450 the answer may not fit one UDP packet",
    );
    expect(pick(await run(), D, "spf.record").detail).toBe(
      "invalid: 558 bytes: over 512 receivers may not get it",
    );
  });
});
