// RequestAccessFilter: the 2.x one-key check, and the 1.x public key + timestamp + HMAC-SHA1 check
// (reference §1.1, §1.2). Every failure is HTTP 400 with a string error.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Answer } from "./context.ts";
import { fail } from "./context.ts";
import { httpBuildQuery, ksortString } from "./php.ts";
import type { PhpArray } from "./php.ts";
import type { EmulatorStore } from "./store.ts";

export type AccessMode =
  | { readonly version: "2.x"; readonly apiKey: string }
  | {
      readonly version: "1.x";
      readonly publicKey: string;
      readonly privateKey: string;
      /** Backend option system.api.disable_signature_check. */
      readonly disableSignatureCheck?: boolean;
      /** system.api.request_timeframe, seconds (default 900). */
      readonly requestTimeframe?: number;
    };

export const PARAMS_ERROR = "Invalid API request params. Please refer to the documentation.";
export const KEY_ERROR = "Invalid API key. Please refer to the documentation.";
export const EXPIRED_ERROR = "Your request expired. Please refer to the documentation.";
export const SIGNATURE_ERROR = "Invalid API request signature. Please refer to the documentation.";

export interface AccessRequest {
  /** Lower-cased header names, as node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** getRequestType(): the verb after `_method` / X-HTTP-Method-Override. */
  readonly requestType: string;
  /** What the server believes its own absolute URL for this route is (no query). */
  readonly selfUrl: string;
  readonly query: PhpArray;
  /** $_POST merged with getRestParams() (empty for GET). */
  readonly bodyParams: PhpArray;
}

function header(req: AccessRequest, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

function customerChecks(store: EmulatorStore): Answer | undefined {
  if (store.customerStatus !== "active")
    return fail(400, "Your account must be active in order to use the API.");
  if (!store.apiEnabled) return fail(400, "Your account is not allowed to use the API.");
  return undefined;
}

/** Undefined when the request may proceed, else the 400 answer. */
export function checkAccess(
  mode: AccessMode,
  store: EmulatorStore,
  req: AccessRequest,
  nowSeconds: number,
): Answer | undefined {
  if (mode.version === "2.x") {
    // X-Api-Key wins when not empty ("keep BC"); else the legacy public-key header.
    const key = header(req, "x-api-key") || header(req, "x-mw-public-key");
    if (key === "") return fail(400, PARAMS_ERROR);
    if (key !== mode.apiKey) return fail(400, KEY_ERROR);
    return customerChecks(store);
  }
  const publicKey = header(req, "x-mw-public-key");
  const timestamp = header(req, "x-mw-timestamp");
  const signature = header(req, "x-mw-signature");
  const skipSignature = mode.disableSignatureCheck === true && signature === "";
  if (publicKey === "" || timestamp === "" || (signature === "" && !skipSignature))
    return fail(400, PARAMS_ERROR);
  if (publicKey !== mode.publicKey) return fail(400, KEY_ERROR);
  const denied = customerChecks(store);
  if (denied !== undefined) return denied;
  if (Number(timestamp) + (mode.requestTimeframe ?? 900) < nowSeconds) return fail(400, EXPIRED_ERROR);
  if (skipSignature) return undefined;
  const expected = signatureFor(req, mode.privateKey, publicKey, timestamp);
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return fail(400, SIGNATURE_ERROR);
  return undefined;
}

/** The server's side of the 1.x signature: rebuild the URL and the sorted params, HMAC-SHA1 them. */
export function signatureFor(
  req: AccessRequest,
  privateKey: string,
  publicKey: string,
  timestamp: string,
): string {
  const params = ksortString({
    "X-MW-PUBLIC-KEY": publicKey,
    "X-MW-TIMESTAMP": timestamp,
    "X-MW-REMOTE-ADDR": header(req, "x-mw-remote-addr"),
    ...req.bodyParams,
  });
  const hasGet = Object.keys(req.query).length > 0;
  const url = hasGet ? `${req.selfUrl}?${httpBuildQuery(ksortString(req.query))}` : req.selfUrl;
  const separator = hasGet && url.includes("?") ? "&" : "?";
  const text = `${req.requestType.toUpperCase()} ${url}${separator}${httpBuildQuery(params)}`;
  return createHmac("sha1", privateKey).update(text).digest("hex");
}
