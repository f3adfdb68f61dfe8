// Request authentication (reference §1). MailWizz 2.x: one key in X-Api-Key (we also send it as
// X-MW-PUBLIC-KEY, which 2.x accepts too). MailWizz 1.x: public key + timestamp + HMAC-SHA1 over
// "METHOD url?sorted-params" computed exactly like the official 1.x PHP SDK.
import { createHmac } from "node:crypto";
import type { FormParams } from "./form.ts";
import { encodeForm, sortKeys } from "./form.ts";

export type MailwizzAuth =
  | { readonly version: "2.x"; readonly apiKey: string }
  | {
      readonly version: "1.x";
      readonly publicKey: string;
      readonly privateKey: string;
      /** The end user's IP for X-MW-REMOTE-ADDR; sent (and signed) even when empty. */
      readonly remoteAddr?: string;
    };

export interface SignedRequest {
  /** The verb the server will see through getRequestType() (PUT for a tunnelled PUT). */
  readonly method: string;
  /** Base URL (no trailing slash) + "/" + route, without query. */
  readonly url: string;
  readonly query: FormParams;
  /** The form body exactly as sent (empty for GET). */
  readonly body: FormParams;
}

/** The headers that authenticate one request. The result carries secrets: never log it. */
export function authHeaders(auth: MailwizzAuth, request: SignedRequest, now: Date): Record<string, string> {
  if (auth.version === "2.x") return { "X-Api-Key": auth.apiKey, "X-MW-PUBLIC-KEY": auth.apiKey };
  const base = {
    "X-MW-PUBLIC-KEY": auth.publicKey,
    "X-MW-TIMESTAMP": String(Math.floor(now.getTime() / 1000)),
    "X-MW-REMOTE-ADDR": auth.remoteAddr ?? "",
  };
  return { ...base, "X-MW-SIGNATURE": sign(auth.privateKey, request, base) };
}

/** SDK1 Request::sign(): GET query params go in the URL, never in the signed params. */
export function signatureString(request: SignedRequest, authParams: FormParams): string {
  const params = sortKeys({ ...authParams, ...(request.method === "GET" ? {} : request.body) });
  const query = encodeForm(sortKeys(request.query));
  const url = query === "" ? request.url : `${request.url}?${query}`;
  const separator = query !== "" && url.includes("?") ? "&" : "?";
  return `${request.method.toUpperCase()} ${url}${separator}${encodeForm(params)}`;
}

function sign(privateKey: string, request: SignedRequest, authParams: FormParams): string {
  return createHmac("sha1", privateKey).update(signatureString(request, authParams)).digest("hex");
}
