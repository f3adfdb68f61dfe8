// The key every contact table matches addresses by: a SHA-256 of the normalized address, so the
// suppression list can keep refusing an erased address without holding it (CNIL opposition guidance).
import { createHash } from "node:crypto";
import { domainToASCII } from "node:url";

/**
 * The address as matching sees it: trimmed, NFC, domain in A-labels, all lower-case. The local part is
 * lower-cased too although RFC 5321 calls it case-sensitive: no mailbox provider in practice tells
 * John@ from john@, and a suppression that missed on case would re-mail someone who opted out.
 */
export function addressKey(email: string): string {
  const text = email.trim().normalize("NFC");
  const at = text.lastIndexOf("@");
  if (at < 0) return text.toLowerCase();
  const domain = text.slice(at + 1).replace(/\.$/, "");
  const ascii = domainToASCII(domain);
  return `${text.slice(0, at)}@${ascii === "" ? domain : ascii}`.toLowerCase();
}

/** Hex SHA-256 of the address key. */
export function emailHash(email: string): string {
  return createHash("sha256").update(addressKey(email)).digest("hex");
}
