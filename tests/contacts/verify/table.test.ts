// The address table: every level of the validator at the domain level (no SMTP), against a DNS server
// on loopback. Each row gives the expected status and reason, and the normalized address or the
// details that matter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createValidator } from "../../../reconciler/contacts/verify/index.ts";
import type { Validator, VerdictDetails, VerdictStatus } from "../../../reconciler/contacts/verify/index.ts";
import type { TestDnsServer } from "../../peers/dns-server.ts";
import { startContactDns } from "./dns-fixture.ts";

const NOW = new Date("2026-11-24T10:00:00Z");

interface Case {
  readonly input: string;
  readonly status: VerdictStatus;
  readonly reason: string;
  readonly email?: string;
  readonly details?: Partial<Record<keyof VerdictDetails, unknown>>;
}

const label63 = "a".repeat(63);
const CASES: readonly Case[] = [
  // plain, whitespace, case
  {
    input: "alice@example.com",
    status: "safe",
    reason: "ok",
    email: "alice@example.com",
    details: { mx: ["mx.example.com"] },
  },
  { input: "  alice@example.com\t", status: "safe", reason: "ok", email: "alice@example.com" },
  { input: "Alice.Smith@EXAMPLE.COM", status: "safe", reason: "ok", email: "Alice.Smith@example.com" },
  { input: "ALICE@Example.Com", status: "safe", reason: "ok", email: "ALICE@example.com" },
  { input: "o'brien@example.com", status: "safe", reason: "ok", email: "o'brien@example.com" },
  { input: "user+tag@example.com", status: "safe", reason: "ok" },
  { input: "first_last-2@a.b.c.example.com", status: "safe", reason: "ok" },
  // quoted local parts: valid RFC 5321, refused for cold mail
  { input: '"alice"@example.com', status: "invalid", reason: "quoted_local_part", email: "" },
  { input: '"a b"@example.com', status: "invalid", reason: "quoted_local_part" },
  { input: '"a@b"@example.com', status: "invalid", reason: "quoted_local_part" },
  // IDN and Unicode normalization
  { input: "alice@bücher.example", status: "safe", reason: "ok", email: "alice@xn--bcher-kva.example" },
  { input: "alice@bu\u0308cher.example", status: "safe", reason: "ok", email: "alice@xn--bcher-kva.example" },
  { input: "alice@BÜCHER.example", status: "safe", reason: "ok", email: "alice@xn--bcher-kva.example" },
  { input: "josé@example.com", status: "invalid", reason: "utf8_local_part" },
  { input: "jose\u0301@example.com", status: "invalid", reason: "utf8_local_part" },
  // lengths (RFC 5321 §4.5.3.1)
  { input: `${"l".repeat(64)}@example.com`, status: "safe", reason: "ok" },
  { input: `${"l".repeat(65)}@example.com`, status: "invalid", reason: "too_long" },
  { input: `a@${label63}.example.com`, status: "invalid", reason: "nxdomain" },
  { input: `a@${label63}a.example.com`, status: "invalid", reason: "syntax" },
  { input: `a@${[label63, label63, label63, label63].join(".")}.com`, status: "invalid", reason: "too_long" },
  {
    input: `${"l".repeat(64)}@${[label63, label63, "b".repeat(58)].join(".")}.com`,
    status: "invalid",
    reason: "too_long",
  },
  // dots
  { input: "alice.@example.com", status: "invalid", reason: "syntax" },
  { input: ".alice@example.com", status: "invalid", reason: "syntax" },
  { input: "al..ice@example.com", status: "invalid", reason: "syntax" },
  {
    input: "alice@example.com.",
    status: "invalid",
    reason: "syntax",
    details: { message: "trailing dot after the domain" },
  },
  { input: "alice@exa..mple.com", status: "invalid", reason: "syntax" },
  // other shapes
  { input: "", status: "invalid", reason: "syntax" },
  { input: "alice.example.com", status: "invalid", reason: "syntax" },
  { input: "a@b@example.com", status: "invalid", reason: "syntax" },
  { input: "john doe@example.com", status: "invalid", reason: "syntax" },
  { input: "John Doe <john@example.com>", status: "invalid", reason: "syntax" },
  { input: "john(comment)@example.com", status: "invalid", reason: "syntax" },
  { input: "john@[192.0.2.1]", status: "invalid", reason: "ip_literal" },
  { input: "john@192.0.2.1", status: "invalid", reason: "ip_literal" },
  { input: "john@example", status: "invalid", reason: "syntax" },
  { input: "john@-example.com", status: "invalid", reason: "syntax" },
  { input: "john@example.123", status: "invalid", reason: "syntax" },
  {
    input: "john@exam\r\nple.com",
    status: "invalid",
    reason: "syntax",
    details: { message: /control characters/ },
  },
  { input: "john@exa mple.com", status: "invalid", reason: "syntax" },
  // DNS
  { input: "alice@null-mx.example", status: "invalid", reason: "null_mx" },
  { input: "alice@nowhere.example", status: "invalid", reason: "nxdomain" },
  { input: "alice@a-only.example", status: "safe", reason: "ok", details: { mx: ["a-only.example"] } },
  { input: "alice@aaaa-only.example", status: "safe", reason: "ok", details: { mx: ["aaaa-only.example"] } },
  { input: "alice@no-mail.example", status: "invalid", reason: "no_mx" },
  // lists
  { input: "x@mailinator.com", status: "invalid", reason: "disposable", details: { disposable: true } },
  { input: "x@sub.yopmail.com", status: "invalid", reason: "disposable" },
  { input: "info@example.com", status: "risky", reason: "role", details: { role: true } },
  { input: "Postmaster@example.com", status: "risky", reason: "role" },
  { input: "sales+eu@example.com", status: "risky", reason: "role" },
  { input: "bob@gmail.com", status: "safe", reason: "ok", details: { freeMail: true } },
  { input: "bob@orange.fr", status: "safe", reason: "ok", details: { freeMail: true } },
  // typos: a suggestion, never a correction
  {
    input: "bob@gmial.com",
    status: "risky",
    reason: "typo",
    email: "bob@gmial.com",
    details: { suggestion: "bob@gmail.com" },
  },
  { input: "bob@gmail.co", status: "risky", reason: "typo", details: { suggestion: "bob@gmail.com" } },
  { input: "bob@yahooo.fr", status: "risky", reason: "typo", details: { suggestion: "bob@yahoo.fr" } },
  {
    input: "bob@hotmial.com",
    status: "invalid",
    reason: "nxdomain",
    details: { suggestion: "bob@hotmail.com" },
  },
  { input: "bob@acme.com", status: "safe", reason: "ok" },
];

describe("validator: the address table at the domain level", () => {
  let dns: TestDnsServer;
  let validator: Validator;
  beforeAll(async () => {
    dns = await startContactDns();
    // Generous: a loaded machine must not turn a loopback answer into a timeout.
    validator = createValidator({
      resolvers: [dns.address],
      dnsTimeoutMs: 3000,
      dnsTries: 2,
      now: () => NOW,
    });
  });
  afterAll(async () => {
    await validator.close();
    await dns.close();
  });

  it("has at least 40 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.input, c] as const))("%j", async (_name, c) => {
    const v = await validator.validate(c.input);
    expect({ status: v.status, reason: v.reason }).toEqual({ status: c.status, reason: c.reason });
    expect(v.input).toBe(c.input);
    if (c.email !== undefined) expect(v.email).toBe(c.email);
    if (c.details) expect(v.details).toMatchObject(c.details);
    expect(v.confidence).toBeGreaterThanOrEqual(0);
    expect(v.confidence).toBeLessThanOrEqual(1);
    if (
      v.status === "invalid" &&
      ["syntax", "too_long", "quoted_local_part", "utf8_local_part", "ip_literal"].includes(v.reason)
    ) {
      expect(v.email).toBe("");
      expect(v.details.message).toBeTruthy();
    }
  });

  it("a resolver that does not answer makes the address unknown, with a time to ask again", async () => {
    const impatient = createValidator({
      resolvers: [dns.address],
      dnsTimeoutMs: 200,
      dnsTries: 1,
      now: () => NOW,
    });
    const v = await impatient.validate("alice@servfail.example");
    expect(v).toMatchObject({
      status: "unknown",
      reason: "dns_error",
      confidence: 0,
      details: { retryAt: "2026-11-24T10:15:00.000Z", message: "DNS lookup failed (ETIMEOUT)" },
    });
    await impatient.close();
  });

  it("never suggests for a business domain near a short provider (acme.com is not me.com)", async () => {
    const v = await validator.validate("bob@acme.com");
    expect(v.details.suggestion).toBeUndefined();
    expect(v.details.freeMail).toBeUndefined();
  });
});
