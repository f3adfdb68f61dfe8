// The family's HMAC scheme (pure): the signature of a known vector (computed with openssl), the
// header checks run before the body is read, the ±300 s window and several secrets at once.
import { describe, expect, it } from "vitest";
import {
  matchesAnySecret,
  readSignatureHeaders,
  SignatureError,
  signBody,
} from "../../../reconciler/contacts/webhooks/signature.ts";

const BODY = '{"source":"google-maps","contacts":[]}';
// printf '%s' '1700000000.<BODY>' | openssl dgst -sha256 -hmac topsecret
const VECTOR = "c797917538afb662aa21cc43e0ece9de5d93813923fcb9f2f869dfc02221a0cb";
const AT = new Date(1_700_000_000_000);

function failure(fn: () => unknown): SignatureError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SignatureError) return error;
    throw error;
  }
  throw new Error("expected a SignatureError");
}

describe("webhook signature (pure)", () => {
  it("signs '<timestamp>.<body>' as lowercase hex HMAC-SHA256, as Scraper-Pro does", () => {
    expect(signBody("topsecret", "1700000000", BODY)).toBe(VECTOR);
    expect(signBody("topsecret", "1700000000", Buffer.from(BODY))).toBe(VECTOR);
  });

  it("accepts the signature with or without a sha256= prefix, in either case", () => {
    for (const presented of [VECTOR, `sha256=${VECTOR}`, VECTOR.toUpperCase()]) {
      const headers = readSignatureHeaders("1700000000", presented, AT);
      expect(matchesAnySecret(headers, Buffer.from(BODY), ["topsecret"])).toBe(true);
    }
  });

  it("refuses a body changed by one byte, or another secret", () => {
    const headers = readSignatureHeaders("1700000000", VECTOR, AT);
    expect(matchesAnySecret(headers, Buffer.from(`${BODY} `), ["topsecret"])).toBe(false);
    expect(matchesAnySecret(headers, Buffer.from(BODY), ["other"])).toBe(false);
    expect(matchesAnySecret(headers, Buffer.from(BODY), [])).toBe(false);
  });

  it("accepts any of several secrets (rotation), wherever it is in the list", () => {
    const headers = readSignatureHeaders("1700000000", VECTOR, AT);
    expect(matchesAnySecret(headers, Buffer.from(BODY), ["old", "topsecret"])).toBe(true);
    expect(matchesAnySecret(headers, Buffer.from(BODY), ["topsecret", "new"])).toBe(true);
  });

  it("refuses missing headers, naming them", () => {
    expect(failure(() => readSignatureHeaders(undefined, VECTOR, AT))).toMatchObject({
      reason: "missing",
      message: "missing X-Timestamp: sign the request (X-Timestamp, X-Signature)",
    });
    expect(failure(() => readSignatureHeaders("1700000000", "  ", AT)).message).toContain(
      "missing X-Signature",
    );
    expect(failure(() => readSignatureHeaders(undefined, undefined, AT)).message).toContain(
      "missing X-Timestamp and X-Signature",
    );
  });

  it.each([
    ["a timestamp in milliseconds-ish text", "1700000000.5", VECTOR],
    ["a negative timestamp", "-1700000000", VECTOR],
    ["a date instead of seconds", "2023-11-14T22:13:20Z", VECTOR],
    ["a short signature", "1700000000", VECTOR.slice(2)],
    ["a signature that is not hex", "1700000000", "z".repeat(64)],
    ["a base64 signature", "1700000000", Buffer.from(VECTOR, "hex").toString("base64")],
  ])("refuses %s as malformed", (_name, timestamp, signature) => {
    expect(failure(() => readSignatureHeaders(timestamp, signature, AT)).reason).toBe("malformed");
  });

  it("keeps the ±300 s window: 300 s either way passes, 301 s is stale", () => {
    expect(() => readSignatureHeaders("1699999700", VECTOR, AT)).not.toThrow();
    expect(() => readSignatureHeaders("1700000300", VECTOR, AT)).not.toThrow();
    const old = failure(() => readSignatureHeaders("1699999699", VECTOR, AT));
    expect(old.reason).toBe("stale");
    expect(old.message).toBe(
      "stale request: X-Timestamp is 301 s away from the server's clock (at most 300 s); sign with the current time",
    );
    expect(failure(() => readSignatureHeaders("1700000301", VECTOR, AT)).reason).toBe("stale");
  });
});
