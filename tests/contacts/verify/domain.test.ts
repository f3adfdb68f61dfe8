// The per-domain cache: 10,000 rows of one domain make one lookup (coalesced while in flight, then
// cached), positive answers live longer than negative ones, failures only briefly.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createValidator } from "../../../reconciler/contacts/verify/index.ts";
import type { Clock } from "../../../reconciler/contacts/verify/index.ts";
import type { TestDnsServer } from "../../peers/dns-server.ts";
import { startContactDns } from "./dns-fixture.ts";

class ManualClock implements Clock {
  t = Date.parse("2026-11-24T10:00:00Z");
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    return Promise.resolve();
  }
}

describe("validator: domain lookups are shared and cached", () => {
  let dns: TestDnsServer;
  let clock: ManualClock;
  beforeAll(async () => {
    dns = await startContactDns();
  });
  afterAll(async () => {
    await dns.close();
  });
  beforeEach(() => {
    clock = new ManualClock();
    dns.queries = 0;
  });

  // A generous DNS timeout (a loaded machine must not turn a loopback answer into a timeout), except
  // where the timeout is the subject.
  const validator = (dnsTimeoutMs = 3000) =>
    createValidator({
      resolvers: [dns.address],
      dnsTimeoutMs,
      dnsTries: 1,
      clock,
      cache: { positiveSeconds: 3600, negativeSeconds: 600, errorSeconds: 30 },
    });

  it("10,000 addresses of one domain validated at once cost one DNS query", async () => {
    const v = validator();
    const verdicts = await Promise.all(
      Array.from({ length: 10_000 }, (_, i) => v.validate(`person${i}@example.com`)),
    );
    expect(verdicts.every((x) => x.status === "safe")).toBe(true);
    expect(dns.queries).toBe(1);
    await v.close();
  });

  it("asks again once a positive answer is older than its TTL", async () => {
    const v = validator();
    await v.validate("a@example.com");
    clock.t += 3599_000;
    await v.validate("b@example.com");
    expect(dns.queries).toBe(1);
    clock.t += 2000;
    await v.validate("c@example.com");
    expect(dns.queries).toBe(2);
  });

  it("keeps NXDOMAIN for the negative TTL, shorter than the positive one", async () => {
    const v = validator();
    await v.validate("a@nowhere.example");
    const first = dns.queries;
    clock.t += 599_000;
    expect((await v.validate("b@nowhere.example")).reason).toBe("nxdomain");
    expect(dns.queries).toBe(first);
    clock.t += 2000;
    await v.validate("c@nowhere.example");
    expect(dns.queries).toBe(first * 2);
  });

  it("remembers a failed lookup briefly, so an import does not time out once per row", async () => {
    const v = validator(200);
    const rows = await Promise.all(
      Array.from({ length: 50 }, (_, i) => v.validate(`p${i}@servfail.example`)),
    );
    expect(new Set(rows.map((r) => r.reason))).toEqual(new Set(["dns_error"]));
    const first = dns.queries;
    expect(first).toBe(1);
    await v.validate("again@servfail.example");
    expect(dns.queries).toBe(first);
    clock.t += 31_000;
    await v.validate("later@servfail.example");
    expect(dns.queries).toBe(first + 1);
  });

  it("never asks DNS about a disposable or malformed address", async () => {
    const v = validator();
    await v.validate("x@mailinator.com");
    await v.validate("not an address");
    expect(dns.queries).toBe(0);
  });
});
