// DKIM (RFC 6376 §3.6.1, RFC 8301): the selector's TXT record exists once, parses, carries an RSA key of
// at least 1024 bits (2048 recommended) and that key is the public half of the key we sign with.
// A 2048-bit key does not fit one 255-octet string: the strings of one record are joined first.
import type { KeyObject } from "node:crypto";
import { createPublicKey } from "node:crypto";
import type { DnsClient } from "./resolver.ts";
import type { Finding } from "./finding.ts";
import { finding, lookupError } from "./finding.ts";

export interface DkimInput {
  readonly domain: string;
  readonly selector: string;
  /** The key email-engine signs with (PEM, public or private, or base64 SPKI); undefined when not held. */
  readonly expectedKey: string | undefined;
  /** Key size the inventory asks for (dkim.bits). */
  readonly bits?: number;
}

export const MIN_RSA_BITS = 1024;
export const RECOMMENDED_RSA_BITS = 2048;

/** `tag=value; …` lists (DKIM and DMARC records). Duplicate tags are an error (RFC 6376 §3.2). */
export function parseTagList(text: string): { tags: Map<string, string>; errors: string[] } {
  const tags = new Map<string, string>();
  const errors: string[] = [];
  for (const raw of text.split(";")) {
    const spec = raw.trim();
    if (spec === "") continue;
    const eq = spec.indexOf("=");
    const name = eq < 0 ? "" : spec.slice(0, eq).trim();
    if (!/^[a-z][a-z0-9_]*$/i.test(name)) {
      errors.push(`malformed tag ${JSON.stringify(spec)}`);
      continue;
    }
    if (tags.has(name.toLowerCase())) errors.push(`duplicate tag ${name}`);
    tags.set(name.toLowerCase(), spec.slice(eq + 1).trim());
  }
  return { tags, errors };
}

/** Parses a public or private key in PEM or base64 SPKI DER form and returns its public half. */
export function publicKeyOf(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith("-----BEGIN")) return createPublicKey(trimmed);
  return createPublicKey({
    key: Buffer.from(trimmed.replace(/\s+/g, ""), "base64"),
    format: "der",
    type: "spki",
  });
}

function spkiDer(key: KeyObject): Buffer {
  return key.export({ type: "spki", format: "der" });
}

export async function checkDkim(dns: DnsClient, input: DkimInput): Promise<Finding[]> {
  const name = `${input.selector}._domainkey.${input.domain}`;
  const base = {
    subject: input.domain,
    domain: input.domain,
    check: "dkim.record",
    severity: "critical" as const,
  };
  const answer = await dns.query(name, "TXT");
  if (answer.kind === "error") return [lookupError(base, `TXT ${name}`, answer.code)];
  const records = answer.kind === "ok" ? answer.records.map((chunks) => chunks.join("")) : [];
  const expected = `one TXT record at ${name}: v=DKIM1; k=rsa; p=<public key, ${RECOMMENDED_RSA_BITS} bits>`;
  const fix = `publish the public key at ${name} (several strings in one TXT record when longer than 255 characters)`;
  if (records.length !== 1) {
    return [
      finding({
        ...base,
        status: "fail",
        seen: records.join(" | "),
        expected,
        fix,
        detail:
          records.length === 0 ? `no DKIM record at ${name}` : `${records.length} TXT records at ${name}`,
      }),
    ];
  }
  const record = records[0]!;
  const strings = answer.kind === "ok" ? answer.records[0]!.length : 0;
  const { tags, errors } = parseTagList(record);
  const v = tags.get("v");
  if (v !== undefined && v !== "DKIM1") errors.push(`v=${v} (must be DKIM1)`);
  if (v !== undefined && !/^\s*v\s*=/.test(record)) errors.push("v= must be the first tag");
  const k = tags.get("k") ?? "rsa";
  if (k !== "rsa") errors.push(`k=${k}: the signing key is RSA`);
  const p = (tags.get("p") ?? "").replace(/\s+/g, "");
  if (!tags.has("p")) errors.push("no p= tag");
  else if (p === "") errors.push("empty p=: the key is revoked");
  let key: KeyObject | undefined;
  if (p !== "" && errors.length === 0) {
    try {
      key = publicKeyOf(p);
      if (key.asymmetricKeyType !== "rsa") errors.push(`p= holds a ${key.asymmetricKeyType} key, not RSA`);
    } catch {
      errors.push("p= is not a valid base64 public key");
    }
  }
  const parsed = finding({
    ...base,
    status: errors.length > 0 ? "fail" : "ok",
    seen: record,
    expected,
    fix,
    detail:
      errors.length > 0
        ? `invalid: ${errors.join("; ")}`
        : `valid DKIM record (${strings} string${strings === 1 ? "" : "s"})`,
  });
  if (errors.length > 0 || key === undefined) return [parsed];
  const findings = [parsed];
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  const testing = (tags.get("t") ?? "")
    .split(":")
    .map((f) => f.trim())
    .includes("y");
  const otherSize = input.bits !== undefined && bits >= MIN_RSA_BITS && bits !== input.bits;
  findings.push(
    finding({
      ...base,
      check: "dkim.strength",
      status:
        bits < MIN_RSA_BITS ? "fail" : bits < RECOMMENDED_RSA_BITS || testing || otherSize ? "warn" : "ok",
      seen: `RSA ${bits} bits${testing ? ", t=y" : ""}`,
      expected: `RSA ${input.bits ?? `≥ ${MIN_RSA_BITS}`} bits (${RECOMMENDED_RSA_BITS} recommended), no t=y`,
      detail:
        bits < MIN_RSA_BITS
          ? `RSA ${bits} bits: receivers reject keys under ${MIN_RSA_BITS} (RFC 8301)`
          : `RSA ${bits} bits${bits < RECOMMENDED_RSA_BITS ? `, under the recommended ${RECOMMENDED_RSA_BITS}` : ""}${testing ? "; t=y marks the key as testing" : ""}${otherSize ? `; the inventory asks for ${input.bits}` : ""}`,
      fix: `rotate to a ${RECOMMENDED_RSA_BITS}-bit key under a new selector${testing ? " and remove t=y" : ""}`,
    }),
  );
  findings.push(matchFinding(input, key, name));
  return findings;
}

function matchFinding(input: DkimInput, published: KeyObject, name: string): Finding {
  const base = {
    subject: input.domain,
    domain: input.domain,
    check: "dkim.key",
    severity: "critical" as const,
  };
  if (input.expectedKey === undefined) {
    return finding({
      ...base,
      status: "warn",
      severity: "warning",
      detail: `no key held for selector ${input.selector}: the published key was not compared`,
      fix: "give the DKIM key directory so the published key can be compared with the signing key",
    });
  }
  let expected: KeyObject;
  try {
    expected = publicKeyOf(input.expectedKey);
  } catch {
    return finding({
      ...base,
      status: "error",
      detail: "could not check: the key held for this selector does not parse",
    });
  }
  const same = spkiDer(expected).equals(spkiDer(published));
  return finding({
    ...base,
    status: same ? "ok" : "fail",
    seen: `p=${spkiDer(published).toString("base64").slice(-16)} (last 16 characters)`,
    expected: `p=${spkiDer(expected).toString("base64").slice(-16)} (last 16 characters)`,
    detail: same
      ? `the key at ${name} is the signing key`
      : `the key at ${name} is not the signing key: receivers will fail every signature`,
    fix: `publish the public half of the signing key at ${name}`,
  });
}
