// The fast pre-check in front of smtp-address-parser may only ever say "valid" where the parser says
// valid too: checked over a generated corpus of near-miss shapes. And the RFC 5321 limits, exactly.
import { parse } from "smtp-address-parser";
import { describe, expect, it } from "vitest";
import { checkSyntax, fastValid } from "../../../reconciler/contacts/verify/syntax.ts";
import { normalize } from "../../../reconciler/contacts/verify/normalize.ts";

function parserAccepts(address: string): boolean {
  try {
    parse(address);
    return true;
  } catch {
    return false;
  }
}

// Every pair of pieces: plain, special atext, dots in odd places, hyphens, digits, long labels.
const LOCALS = [
  "a",
  "A.b",
  "x+y",
  "o'b",
  "!#$%&'*+/=?^_`{|}~-",
  "a..b",
  ".a",
  "a.",
  "a b",
  '"q"',
  "ü",
  "a@b",
  "(c)a",
  "",
];
const DOMAINS = [
  "example.com",
  "ex-ample.co",
  "1example.com",
  "example.c",
  "example.c0",
  "ex.123",
  "-ex.com",
  "ex-.com",
  "ex..com",
  ".ex.com",
  "ex.com.",
  "ex_ample.com",
  "xn--bcher-kva.example",
  `${"a".repeat(63)}.com`,
  `${"a".repeat(64)}.com`,
  "localhost",
  "a.b",
  "a.b-",
  "a.bc-d",
  "a.b-c",
];

describe("syntax: the fast pre-check never disagrees with the parser", () => {
  it("accepts only what smtp-address-parser accepts", () => {
    let accepted = 0;
    for (const local of LOCALS) {
      for (const domain of DOMAINS) {
        if (fastValid(local, domain)) {
          accepted++;
          expect(parserAccepts(`${local}@${domain}`), `${local}@${domain}`).toBe(true);
        }
      }
    }
    // The corpus does exercise the fast path (a check that accepts nothing would pass vacuously).
    expect(accepted).toBeGreaterThan(20);
  });

  it("sends what it cannot prove to the parser, which decides", () => {
    expect(fastValid("a", "ex.123")).toBe(false);
    expect(checkSyntax("a", "ex.123")?.message).toBe("the top-level domain is numeric");
    expect(fastValid("a", "xn--p1ai.xn--p1ai")).toBe(true);
    expect(checkSyntax("a", `${"a".repeat(64)}.com`)).toMatchObject({
      reason: "syntax",
      message: "domain label too long",
    });
  });
});

describe("syntax: RFC 5321 limits in octets", () => {
  it("counts the local part in octets, not characters", () => {
    expect(checkSyntax("a".repeat(64), "example.com")).toBeUndefined();
    expect(checkSyntax("a".repeat(65), "example.com")).toMatchObject({ reason: "too_long" });
  });

  it("limits the path <local@domain> to 256 octets", () => {
    const domain = `${"d".repeat(63)}.${"d".repeat(63)}.${"d".repeat(57)}.com`; // 187 octets
    expect(checkSyntax("a".repeat(64), domain)).toBeUndefined(); // 64 + 1 + 187 + 2 = 254
    const longer = `${"d".repeat(63)}.${"d".repeat(63)}.${"d".repeat(60)}.com`; // 190 octets
    expect(checkSyntax("a".repeat(64), longer)).toMatchObject({ reason: "too_long", message: /path/ });
  });
});

describe("normalize", () => {
  it("trims, composes (NFC), lower-cases the domain into A-labels and keeps the local part", () => {
    expect(normalize("  Zoë.Ünal@Bu\u0308cher.EXAMPLE \n")).toEqual({
      local: "Zoë.Ünal",
      domain: "xn--bcher-kva.example",
      email: "Zoë.Ünal@xn--bcher-kva.example",
    });
    expect(normalize("a@example\u3002com")).toMatchObject({ domain: "example.com" });
  });

  it("refuses address spellings of IP addresses", () => {
    expect(normalize("a@0x7f.1")).toMatchObject({ reason: "ip_literal" });
    expect(normalize("a@[IPv6:::1]")).toMatchObject({ reason: "ip_literal" });
  });
});
