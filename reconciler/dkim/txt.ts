// The DNS side of a DKIM key: the TXT value and its split into character-strings. A TXT
// character-string holds at most 255 bytes (RFC 1035 §3.3); a 2048-bit key's record is longer, so it
// is published as several strings that resolvers concatenate (RFC 6376 §3.6.2.2).

export function dkimTxtValue(publicKey: string): string {
  if (!/^[A-Za-z0-9+/]+=*$/.test(publicKey)) throw new Error("the DKIM public key must be base64 (SPKI DER)");
  return `v=DKIM1; k=rsa; p=${publicKey}`;
}

/** The record's owner name: `SELECTOR._domainkey.DOMAIN`. */
export function dkimRecordName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`;
}

/** Splits `value` into strings of at most `max` bytes (UTF-8), never inside a character. */
export function splitTxt(value: string, max = 255): string[] {
  if (max < 4) throw new RangeError("max must leave room for one UTF-8 character");
  const out: string[] = [];
  let current = "";
  let size = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch);
    if (size + n > max) {
      out.push(current);
      current = "";
      size = 0;
    }
    current += ch;
    size += n;
  }
  if (current !== "" || out.length === 0) out.push(current);
  return out;
}

/** Zone-file form: `"part1" "part2"`. Base64 and the tag list need no escaping. */
export function quoteTxt(parts: readonly string[]): string {
  return parts.map((p) => `"${p.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(" ");
}
