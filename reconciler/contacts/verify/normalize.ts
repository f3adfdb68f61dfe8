// Step 1 of validation: the one normal form of an address. Trim, Unicode NFC, domain lower-cased and in
// A-labels (IDN → punycode via the WHATWG algorithm Node ships), the local part kept exactly as given
// (RFC 5321 §2.4: only the destination host may interpret its case). Nothing else is "fixed": a trailing
// dot or a display name stays an error for syntax.ts, never a silent correction.
import { isIP } from "node:net";
import { domainToASCII } from "node:url";

export interface Normalized {
  readonly local: string;
  readonly domain: string;
  readonly email: string;
}

export interface NormalizeFailure {
  readonly reason: "syntax" | "ip_literal";
  readonly message: string;
}

// Imports repeat a few thousand domains over millions of rows: remember the A-label of each raw domain.
const DOMAIN_CACHE_MAX = 50_000;
const asciiDomains = new Map<string, string>();

/** The A-label form of a domain in lower case; "" when it is not a valid domain name. */
export function asciiDomain(raw: string): string {
  const hit = asciiDomains.get(raw);
  if (hit !== undefined) return hit;
  // domainToASCII also maps full-width dots and case (UTS #46) and returns "" for what it cannot encode.
  const ascii = domainToASCII(raw);
  if (asciiDomains.size >= DOMAIN_CACHE_MAX) asciiDomains.clear();
  asciiDomains.set(raw, ascii);
  return ascii;
}

const NON_ASCII = /[\u0080-\uffff]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/;

export function normalize(input: string): Normalized | NormalizeFailure {
  let text = input.trim();
  if (NON_ASCII.test(text)) text = text.normalize("NFC");
  if (text === "") return { reason: "syntax", message: "empty address" };
  // Before domainToASCII, which silently drops tabs and line breaks (WHATWG URL rules): an address with
  // a control character is refused, never repaired, and can never reach an SMTP command line.
  if (CONTROL.test(text))
    return { reason: "syntax", message: "control characters (line breaks, tabs…) in the address" };
  if (/[<>]/.test(text)) {
    return {
      reason: "syntax",
      message: "display names and angle brackets are not accepted: give the bare address",
    };
  }
  const at = text.lastIndexOf("@");
  if (at < 0) return { reason: "syntax", message: "no @: expected local-part@domain" };
  const local = text.slice(0, at);
  const rawDomain = text.slice(at + 1);
  if (rawDomain.startsWith("[")) {
    return {
      reason: "ip_literal",
      message: "IP-literal domains are not accepted: cold mail goes to a domain",
    };
  }
  if (rawDomain === "") return { reason: "syntax", message: "nothing after @: expected a domain" };
  if (/\s/.test(rawDomain)) return { reason: "syntax", message: "spaces in the domain" };
  const domain = asciiDomain(rawDomain);
  if (domain === "") {
    return {
      reason: "syntax",
      message: `domain ${JSON.stringify(rawDomain)} is not a valid (IDN) domain name`,
    };
  }
  // The WHATWG host parser turns "0x7f.1" into "127.0.0.1": an address by another spelling.
  if (isIP(domain) !== 0) {
    return { reason: "ip_literal", message: "an IP address is not a mail domain" };
  }
  return { local, domain, email: `${local}@${domain}` };
}
