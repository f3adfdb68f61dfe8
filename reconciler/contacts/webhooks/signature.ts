// The family's webhook signature (reference/existing-engine.md §2.1): `X-Timestamp` is Unix seconds,
// `X-Signature` the lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>"), valid within ±300 s of
// our clock. The HMAC is over the body's exact bytes, so key order and whitespace never matter.
import { createHmac, timingSafeEqual } from "node:crypto";

export const REPLAY_WINDOW_SECONDS = 300;

/** Why a request's signature headers are refused (each answered 401 with its own message). */
export type SignatureFailure = "missing" | "malformed" | "stale" | "mismatch";

export class SignatureError extends Error {
  constructor(
    readonly reason: SignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The hex signature a sender puts in X-Signature (also what our own feedback sender uses). */
export function signBody(secret: string, timestamp: string, body: Buffer | string): string {
  return createHmac("sha256", secret).update(`${timestamp}.`, "utf8").update(body).digest("hex");
}

/** Header values as Node gives them. */
type Header = string | readonly string[] | undefined;

function single(header: Header): string | undefined {
  const value = Array.isArray(header) ? (header as readonly string[])[0] : (header as string | undefined);
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

export interface SignatureHeaders {
  readonly timestamp: string;
  /** The 32 bytes of the presented HMAC. */
  readonly signature: Buffer;
  /** The signature as hex, lower case, without its prefix (part of a delivery's identity). */
  readonly signatureHex: string;
}

/**
 * Checks the headers alone, before the body is read: both present, the timestamp an integer within
 * the window of `now`, the signature 64 hex digits (an optional `sha256=` prefix is accepted).
 */
export function readSignatureHeaders(
  timestampHeader: Header,
  signatureHeader: Header,
  now: Date,
  windowSeconds = REPLAY_WINDOW_SECONDS,
): SignatureHeaders {
  const timestamp = single(timestampHeader);
  const presented = single(signatureHeader);
  if (timestamp === undefined || presented === undefined) {
    const missing = [
      timestamp === undefined ? "X-Timestamp" : "",
      presented === undefined ? "X-Signature" : "",
    ]
      .filter(Boolean)
      .join(" and ");
    throw new SignatureError("missing", `missing ${missing}: sign the request (X-Timestamp, X-Signature)`);
  }
  if (!/^[0-9]{1,12}$/.test(timestamp)) {
    throw new SignatureError("malformed", "X-Timestamp is not an integer number of Unix seconds");
  }
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp));
  if (skew > windowSeconds) {
    throw new SignatureError(
      "stale",
      `stale request: X-Timestamp is ${skew} s away from the server's clock (at most ${windowSeconds} s); sign with the current time`,
    );
  }
  const hex = presented.replace(/^sha256=/i, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new SignatureError("malformed", "X-Signature is not a hex HMAC-SHA256 (64 hex digits)");
  }
  return { timestamp, signature: Buffer.from(hex, "hex"), signatureHex: hex };
}

/**
 * True when the signature matches the body under one of `secrets`. Every secret is compared, each in
 * constant time on equal-length buffers, so the timing tells nothing about which one (or how much of
 * one) matched.
 */
export function matchesAnySecret(
  headers: SignatureHeaders,
  body: Buffer,
  secrets: readonly string[],
): boolean {
  let match = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signBody(secret, headers.timestamp, body), "hex");
    match = timingSafeEqual(expected, headers.signature) || match;
  }
  return match;
}
