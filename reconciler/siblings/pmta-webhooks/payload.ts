// The PowerMTA pipes' requests (reference existing-engine §1, bounce and delivery pipe rows): the
// signature check and the two bodies, validated field by field with messages that say what to fix.
import { createHmac, timingSafeEqual } from "node:crypto";
import { HttpProblem } from "../../http/module.ts";

export type BounceType = "hard" | "soft" | "complaint";
export const BOUNCE_TYPES: readonly BounceType[] = ["hard", "soft", "complaint"];

export interface BounceBody {
  readonly email: string;
  readonly bounce_type: BounceType;
  readonly reason: string;
  readonly source_ip: string;
  readonly vmta: string;
}

export interface DeliveryBody {
  readonly domain: string;
  readonly count: number;
}

/**
 * X-Webhook-Signature: hex HMAC-SHA256(secret, raw body), with or without a "sha256=" prefix, any
 * case. Compared in constant time. Without a configured secret every request passes (the old pipes
 * send none), which is why the address allow-list defaults to loopback.
 */
export function checkSignature(
  secret: string | undefined,
  header: string | string[] | undefined,
  raw: Buffer,
): void {
  if (secret === undefined) return;
  const given = (Array.isArray(header) ? header[0] : header)?.trim().replace(/^sha256=/i, "") ?? "";
  const expected = createHmac("sha256", secret).update(raw).digest();
  const presented = /^[0-9a-fA-F]{64}$/.test(given) ? Buffer.from(given, "hex") : Buffer.alloc(32);
  // Always compare (a wrong length compares zeros), so the timing says nothing about the header.
  const equal = timingSafeEqual(expected, presented);
  if (!equal || given.length !== 64) {
    throw new HttpProblem(401, "invalid_signature", "Invalid or missing X-Webhook-Signature");
  }
}

function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpProblem(400, "invalid_json", "the body is not JSON: send a JSON object");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpProblem(422, "invalid_body", "the body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function text(
  body: Record<string, unknown>,
  field: string,
  fallback: string | undefined,
  max: number,
): string {
  const value = body[field];
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new HttpProblem(422, "invalid_body", `${field} is required`);
  }
  if (typeof value !== "string") throw new HttpProblem(422, "invalid_body", `${field} must be a string`);
  if (value.length > max)
    throw new HttpProblem(422, "invalid_body", `${field} is longer than ${max} characters`);
  return value;
}

export function parseBounce(raw: Buffer): BounceBody {
  const body = parseJsonObject(raw);
  const email = text(body, "email", undefined, 320).trim();
  const at = email.lastIndexOf("@");
  if (at < 1 || at === email.length - 1) {
    throw new HttpProblem(
      422,
      "invalid_body",
      `email ${JSON.stringify(email.slice(0, 80))} is not an address (local@domain)`,
    );
  }
  const type = text(body, "bounce_type", "hard", 20);
  if (!(BOUNCE_TYPES as readonly string[]).includes(type)) {
    throw new HttpProblem(
      422,
      "invalid_body",
      `bounce_type must be one of hard, soft, complaint; got ${JSON.stringify(type)}`,
    );
  }
  return {
    email,
    bounce_type: type as BounceType,
    reason: text(body, "reason", "", 1000),
    source_ip: text(body, "source_ip", "", 64).trim(),
    vmta: text(body, "vmta", "", 200).trim(),
  };
}

export function parseDelivery(raw: Buffer): DeliveryBody {
  const body = parseJsonObject(raw);
  const domain = text(body, "domain", undefined, 253).trim().toLowerCase();
  if (!domain.includes(".") || /[\s@/]/.test(domain)) {
    throw new HttpProblem(
      422,
      "invalid_body",
      `domain ${JSON.stringify(domain.slice(0, 80))} is not a domain name`,
    );
  }
  const count = body.count ?? 1;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 10_000_000) {
    throw new HttpProblem(422, "invalid_body", "count must be an integer from 1 to 10000000");
  }
  return { domain, count };
}
