// Classifies IP addresses for the inventory rules (sending IPs must be public unicast) and, later, for
// the contact prober (never connect to private, loopback or link-local targets).
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

export type AddressClass = "public" | "documentation" | "invalid" | "non-public";

const DOCUMENTATION = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"].map((c) =>
  ipaddr.parseCIDR(c),
);

export interface AddressVerdict {
  readonly kind: AddressClass;
  /** ipaddr.js's range name (private, loopback, linkLocal, …) for non-public addresses. */
  readonly range?: string;
}

export function classifyAddress(text: string): AddressVerdict {
  // node:net is strict about the textual form (no "127.1", no octal); ipaddr.js knows the ranges.
  if (isIP(text) === 0) return { kind: "invalid" };
  const address = ipaddr.parse(text);
  for (const [network, bits] of DOCUMENTATION) {
    if (address.kind() === network.kind() && address.match(network, bits)) return { kind: "documentation" };
  }
  const range = address.range();
  return range === "unicast" ? { kind: "public" } : { kind: "non-public", range };
}

export function isValidCidr(text: string): boolean {
  const [addr, bits, ...rest] = text.split("/");
  if (rest.length > 0 || addr === undefined || bits === undefined || !/^[0-9]{1,3}$/.test(bits)) return false;
  if (isIP(addr) === 0) return false;
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}
