// Deep mode against a scripted SMTP server on 127.0.0.1 (the MX of every probe.example name resolves
// there through the loopback DNS server): accept, 550 5.1.1, 450 greylisting, catch-all, hangs, the
// private-target guard, the concurrency limit and the per-MX rate, all observed at the peer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createValidator } from "../../../reconciler/contacts/verify/index.ts";
import type { Clock, ProbeOptions, ValidatorOptions } from "../../../reconciler/contacts/verify/index.ts";
import { TestDnsServer } from "../../peers/dns-server.ts";
import { ScriptedSmtpServer } from "../../peers/smtp-server.ts";

const NOW = new Date("2026-11-24T10:00:00Z");
const HELO = "verify.engine-test.example";
const MAIL_FROM = "bounce@engine-test.example";

describe("validator: deep mode (SMTP probe)", () => {
  let dns: TestDnsServer;
  let smtp: ScriptedSmtpServer;
  beforeAll(async () => {
    dns = await TestDnsServer.start();
    smtp = await ScriptedSmtpServer.start();
    for (const domain of ["probe.example", "catchall.example", "other.example"]) {
      dns.set(domain, "MX", [{ exchange: `mx.${domain}`, priority: 10 }]);
      dns.set(`mx.${domain}`, "A", ["127.0.0.1"]);
    }
  });
  afterAll(async () => {
    await smtp.close();
    await dns.close();
  });
  beforeEach(() => {
    smtp.reset();
  });

  const validator = (probe: Partial<ProbeOptions> = {}, extra: Partial<ValidatorOptions> = {}) =>
    createValidator({
      resolvers: [dns.address],
      dnsTimeoutMs: 3000,
      dnsTries: 2,
      now: () => NOW,
      probe: {
        heloName: HELO,
        mailFrom: MAIL_FROM,
        port: smtp.port,
        allowPrivate: true,
        // Generous by default (a loaded machine must not time out a loopback peer); short in the hang tests.
        connectTimeoutMs: 3000,
        commandTimeoutMs: 3000,
        ...probe,
      },
      ...extra,
    });

  it("an accepted mailbox on a server that rejects unknown users is safe; the identity is the configured one", async () => {
    smtp.set("alice@probe.example", "accept");
    const v = validator();
    const verdict = await v.validate("alice@probe.example", { deep: true });
    expect(verdict).toMatchObject({ status: "safe", reason: "ok", details: { catchAll: false } });
    expect(verdict.details.smtp).toMatch(/^250/);
    expect(verdict.confidence).toBeGreaterThan(0.9);
    expect(smtp.heloNames).toEqual([HELO]);
    expect(smtp.mailFrom).toEqual([MAIL_FROM]);
    // The address, then a random local part of the same domain on the same connection.
    expect(smtp.connections).toBe(1);
    expect(smtp.rcptTo).toHaveLength(2);
    expect(smtp.rcptTo[0]).toBe("alice@probe.example");
    expect(smtp.rcptTo[1]).toMatch(/^[a-z0-9]{15}@probe\.example$/);
  });

  it("550 5.1.1 is invalid: mailbox_unknown", async () => {
    const verdict = await validator().validate("bob@probe.example", { deep: true });
    expect(verdict).toMatchObject({
      status: "invalid",
      reason: "mailbox_unknown",
      details: { smtp: "550 5.1.1 user unknown" },
    });
    expect(smtp.rcptTo).toEqual(["bob@probe.example"]);
  });

  it("450 4.7.1 greylisting is unknown with a time to ask again", async () => {
    smtp.set("carol@probe.example", "greylist");
    const verdict = await validator().validate("carol@probe.example", { deep: true });
    expect(verdict).toMatchObject({
      status: "unknown",
      reason: "greylisted",
      confidence: 0,
      details: { retryAt: "2026-11-24T10:15:00.000Z" },
    });
    expect(verdict.details.smtp).toMatch(/^450 4\.7\.1/);
  });

  it("a server that accepts a random local part too is a catch-all: risky", async () => {
    smtp.set("catchall.example", "accept-all");
    const verdict = await validator().validate("dan@catchall.example", { deep: true });
    expect(verdict).toMatchObject({ status: "risky", reason: "catch_all", details: { catchAll: true } });
  });

  it("an accepted role account stays risky", async () => {
    smtp.set("info@probe.example", "accept");
    const verdict = await validator().validate("info@probe.example", { deep: true });
    expect(verdict).toMatchObject({
      status: "risky",
      reason: "role",
      details: { role: true, catchAll: false },
    });
  });

  it("a server that never answers RCPT TO is unknown after the command timeout", async () => {
    smtp.set("erin@probe.example", "hang");
    const verdict = await validator({ commandTimeoutMs: 300 }).validate("erin@probe.example", { deep: true });
    expect(verdict).toMatchObject({ status: "unknown", reason: "smtp_timeout" });
    expect(verdict.details.message).toMatch(/rcpt/);
    expect(verdict.details.retryAt).toBe("2026-11-24T11:00:00.000Z");
  });

  it("a server that never greets is unknown after the command timeout", async () => {
    smtp.hangOnConnect = true;
    const verdict = await validator({ commandTimeoutMs: 300 }).validate("fay@probe.example", { deep: true });
    expect(verdict).toMatchObject({ status: "unknown", reason: "smtp_timeout" });
    expect(verdict.details.message).toMatch(/greeting/);
    expect(smtp.connections).toBe(1);
  });

  it("refuses to probe a loopback MX unless allowPrivate, and never connects", async () => {
    smtp.set("alice@probe.example", "accept");
    const verdict = await validator({ allowPrivate: false }).validate("alice@probe.example", { deep: true });
    expect(verdict).toMatchObject({ status: "unknown", reason: "private_target" });
    expect(smtp.connections).toBe(0);
  });

  it("an unreachable port is unknown (smtp_unreachable), not invalid", async () => {
    const closed = await ScriptedSmtpServer.start();
    const port = closed.port;
    await closed.close();
    const verdict = await validator({ port }).validate("alice@probe.example", { deep: true });
    expect(verdict).toMatchObject({ status: "unknown", reason: "smtp_unreachable" });
  });

  it("does not probe what the domain level already found invalid or a typo", async () => {
    const v = validator();
    expect((await v.validate("x@nowhere.example", { deep: true })).reason).toBe("nxdomain");
    expect((await v.validate("x@mailinator.com", { deep: true })).reason).toBe("disposable");
    expect(smtp.connections).toBe(0);
  });

  it("keeps at most `concurrency` probes in flight", async () => {
    smtp.set("catchall.example", "accept-all");
    smtp.rcptDelayMs = 50;
    const v = validator({ concurrency: 3, perMxPerMinute: 600 });
    const verdicts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => v.validate(`p${i}@catchall.example`, { deep: true })),
    );
    expect(verdicts.every((x) => x.reason === "catch_all")).toBe(true);
    expect(smtp.connections).toBe(12);
    expect(smtp.peakConcurrent).toBeLessThanOrEqual(3);
  });

  it("waits for the per-MX rate: the third probe of one MX in a minute connects only after the clock moved", async () => {
    smtp.set("probe.example", "accept-all");
    smtp.set("other.example", "accept-all");
    let t = NOW.getTime();
    const sleeps: number[] = [];
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const clock: Clock = {
      now: () => t,
      sleep: async (ms) => {
        sleeps.push(ms);
        await released;
        t += ms;
      },
    };
    const v = validator({ perMxPerMinute: 2, concurrency: 10 }, { clock });
    const first = [
      v.validate("a@probe.example", { deep: true }),
      v.validate("b@probe.example", { deep: true }),
    ];
    await Promise.all(first);
    const third = v.validate("c@probe.example", { deep: true });
    // Another MX host has its own budget.
    expect((await v.validate("d@other.example", { deep: true })).reason).toBe("catch_all");
    expect(smtp.connections).toBe(3);
    expect(sleeps).toEqual([60_000]);
    release();
    expect((await third).reason).toBe("catch_all");
    expect(smtp.connections).toBe(4);
  });

  it("deep mode without a verification identity is a configuration error", async () => {
    const v = createValidator({ resolvers: [dns.address] });
    await expect(v.validate("a@probe.example", { deep: true })).rejects.toThrow(/contacts\.verification/);
  });
});
