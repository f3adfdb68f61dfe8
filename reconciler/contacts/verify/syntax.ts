// Step 2: is the normalized address a mailbox SMTP will accept (RFC 5321 §4.1.2) and one we want to mail?
// The judge is smtp-address-parser (a maintained RFC 5321 grammar), never a home-made regex. It is a
// nearley parser (~100 µs an address): too slow for a million rows, so an exact pre-check accepts the
// plain dot-atom@hostname shape that is a strict subset of the grammar, and everything else goes to the
// parser. The pre-check can only say "certainly valid"; it never rejects (tests/contacts/verify prove
// every address it accepts is accepted by the parser).
import { parse } from "smtp-address-parser";

/** RFC 5321 §4.5.3.1: local part, domain, and the path "<local@domain>" in octets. */
export const MAX_LOCAL_OCTETS = 64;
export const MAX_DOMAIN_OCTETS = 255;
export const MAX_PATH_OCTETS = 256;

export type SyntaxReason = "syntax" | "too_long" | "quoted_local_part" | "utf8_local_part" | "ip_literal";

export interface SyntaxFailure {
  readonly reason: SyntaxReason;
  readonly message: string;
}

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const FAST_LOCAL = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*$`);
// LDH labels of at most 63 octets, at least two labels, an alphabetic-first TLD of 2+ octets.
const FAST_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])$/;
const NUMERIC_TLD = /\.[0-9]+$/;
const NON_ASCII = /[\u0080-\uffff]/;

/** True when the fast shape alone proves the address valid (the caller still applies the length limits). */
export function fastValid(local: string, domain: string): boolean {
  return domain.length <= 253 && FAST_LOCAL.test(local) && FAST_DOMAIN.test(domain);
}

/** undefined when valid; otherwise why not. `local` as given, `domain` already in lower-case A-labels. */
export function checkSyntax(local: string, domain: string): SyntaxFailure | undefined {
  if (local === "") return { reason: "syntax", message: "empty local part before @" };
  const localOctets = Buffer.byteLength(local);
  if (localOctets > MAX_LOCAL_OCTETS) {
    return {
      reason: "too_long",
      message: `local part is ${localOctets} octets; RFC 5321 allows ${MAX_LOCAL_OCTETS}`,
    };
  }
  if (domain.length > MAX_DOMAIN_OCTETS) {
    return {
      reason: "too_long",
      message: `domain is ${domain.length} octets; RFC 5321 allows ${MAX_DOMAIN_OCTETS}`,
    };
  }
  const pathOctets = localOctets + 1 + domain.length + 2;
  if (pathOctets > MAX_PATH_OCTETS) {
    return {
      reason: "too_long",
      message: `path <address> is ${pathOctets} octets; RFC 5321 allows ${MAX_PATH_OCTETS}`,
    };
  }
  // Valid in RFC 5321, refused here (deliverability.md §6.3): quoted local parts are almost never real
  // recipients, MailWizz and many receivers mishandle them, and in scraped lists they are parsing debris.
  if (local.startsWith('"')) {
    return { reason: "quoted_local_part", message: "quoted local parts are not accepted for cold mail" };
  }
  // UTF-8 local parts need SMTPUTF8 end to end (PowerMTA, MailWizz and the receiver): not promised.
  if (NON_ASCII.test(local)) {
    return {
      reason: "utf8_local_part",
      message: "non-ASCII local parts need SMTPUTF8 end to end: not accepted",
    };
  }
  if (fastValid(local, domain)) return undefined;
  try {
    parse(`${local}@${domain}`);
  } catch (error) {
    return { reason: "syntax", message: parserMessage(local, domain, error) };
  }
  // The grammar allows an all-numeric top-level label; no TLD is numeric (RFC 3696 §2), and such a
  // "domain" is an IP address in disguise.
  if (NUMERIC_TLD.test(domain)) return { reason: "syntax", message: "the top-level domain is numeric" };
  return undefined;
}

// The parser's own message quotes the input over several lines: say what is wrong in one line instead.
function parserMessage(local: string, domain: string, error: unknown): string {
  const text = error instanceof Error ? error.message : "";
  if (/[<>]/.test(local) || /\s/.test(local))
    return "display names and spaces are not accepted: give the bare address";
  if (/[()]/.test(local) || /[()]/.test(domain)) return "comments are not accepted";
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    return "dots in the local part must separate words: no leading, trailing or consecutive dots";
  }
  if (domain.endsWith(".")) return "trailing dot after the domain";
  if (domain.includes("..") || domain.startsWith(".")) return "empty label in the domain";
  if (!text.startsWith("Syntax error")) return text.split("\n")[0] ?? "not an RFC 5321 address";
  return "not an RFC 5321 address";
}
