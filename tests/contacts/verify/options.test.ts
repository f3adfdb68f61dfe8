// validatorOptionsFrom: the inventory's contacts.verification and monitoring, flags winning, defaults.
import { describe, expect, it } from "vitest";
import { validatorOptionsFrom } from "../../../reconciler/contacts/verify/index.ts";
import type { Inventory } from "../../../reconciler/inventory/types.gen.ts";

const inventory = {
  ips: [
    { address: "203.0.113.10", hostname: "mail1.sos-mail.com", domain: "sos-mail.com", vmta: "pmta-vmta0" },
  ],
  monitoring: { resolvers: ["127.0.0.1:5353"], timeoutMs: 900 },
  contacts: {
    verification: {
      heloName: "verify.sos-mail.com",
      mailFrom: "verify@sos-mail.com",
      perMxPerMinute: 12,
      commandTimeoutSeconds: 4,
    },
  },
} as unknown as Inventory;

describe("validatorOptionsFrom", () => {
  it("reads the probe identity and limits from the inventory, seconds to milliseconds, defaults filled", () => {
    expect(validatorOptionsFrom(inventory)).toEqual({
      resolvers: ["127.0.0.1:5353"],
      dnsTimeoutMs: 900,
      probe: {
        heloName: "verify.sos-mail.com",
        mailFrom: "verify@sos-mail.com",
        port: 25,
        concurrency: 10,
        perMxPerMinute: 12,
        connectTimeoutMs: 10_000,
        commandTimeoutMs: 4000,
        allowPrivate: false,
      },
    });
  });

  it("lets flags win over the inventory", () => {
    const options = validatorOptionsFrom(inventory, {
      resolver: ["127.0.0.2:53"],
      heloName: "probe.example.org",
      mailFrom: "p@example.org",
      smtpPort: "2525",
      allowPrivate: true,
    });
    expect(options.resolvers).toEqual(["127.0.0.2:53"]);
    expect(options.probe).toMatchObject({
      heloName: "probe.example.org",
      mailFrom: "p@example.org",
      port: 2525,
      allowPrivate: true,
    });
  });

  it("needs no identity for the domain level, and uses the system resolver without an inventory", () => {
    expect(validatorOptionsFrom(undefined)).toEqual({});
  });

  it("refuses identities that are not plain names and addresses", () => {
    expect(() =>
      validatorOptionsFrom(undefined, { heloName: "Verify Host", mailFrom: "a@example.org" }),
    ).toThrow(/not a lower-case host name/);
    expect(() =>
      validatorOptionsFrom(undefined, { heloName: "v.example.org", mailFrom: "a@example.org\r\nDATA" }),
    ).toThrow(/not a plain address/);
    expect(() => validatorOptionsFrom(inventory, { heloName: "mail1.sos-mail.com" })).toThrow(
      /hostname of sending IP 203\.0\.113\.10/,
    );
  });
});
