// One MailWizz HTTP exchange: URL, auth, form body, timeouts, a bound on the answer, retries, the
// envelope. Everything else in the client goes through `request()`.
//
// Retry policy (got's own retry is off so that this policy is the only one):
// - Only network errors and 5xx are retried, never 4xx: a 4xx is MailWizz's verdict on the input and
//   will not change by asking again.
// - "safe" requests (GET, and PUTs that set a state rather than toggle it) are retried on any network
//   error, timeout or 5xx: repeating them has the same effect as doing them once.
// - "unsafe" requests (every POST create — MailWizz has no idempotency keys, so a repeated create makes
//   a second list/campaign/subscriber — and the pause-unpause toggle) are retried only when the
//   request provably never reached PHP: the connection was refused or never opened (ECONNREFUSED,
//   DNS failure, connect timeout), or the answer was 503, which MailWizz gives from Controller::init
//   before any action runs (and proxies give when no backend took the request). A timeout or reset
//   after sending, or a 500/502/504, may hide a done write, so it is reported, not repeated.
// Backoff is "full jitter": a random delay in [0, min(max, base * 2^attempt)).
import got from "got";
import type { MailwizzAuth } from "./auth.ts";
import { authHeaders } from "./auth.ts";
import { apiError, MailwizzProtocolError, MailwizzUnavailableError } from "./errors.ts";
import type { FormParams } from "./form.ts";
import { encodeForm, sortKeys } from "./form.ts";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface RequestSpec {
  readonly method: Method;
  /** Route without leading slash, e.g. "lists/ab123cd456efg/subscribers". */
  readonly route: string;
  readonly query?: FormParams;
  readonly body?: FormParams;
  /** "safe" may be repeated after any network failure or 5xx; "unsafe" only when provably not received. */
  readonly retry: "safe" | "unsafe";
}

/** A success envelope: `{status: "success", ...}` with `data` or top-level fields. */
export type Envelope = Record<string, unknown>;

export interface MailwizzLogEvent {
  readonly method: string;
  /** The route without the query string. */
  readonly route: string;
  readonly attempt: number;
  readonly outcome: "ok" | "retry" | "error";
  readonly status?: number;
  readonly durationMs: number;
  readonly error?: string;
}

export interface TransportOptions {
  /** `https://host/api/index.php` or `https://host/api` (with clean URLs); a trailing slash is ignored. */
  readonly baseUrl: string;
  readonly auth: MailwizzAuth;
  /** Whole-request timeout in ms (default 30 000). */
  readonly timeoutMs?: number;
  /** Connect timeout in ms (default 5 000). */
  readonly connectTimeoutMs?: number;
  /** Largest answer read, in bytes (default 16 MiB). */
  readonly maxResponseBytes?: number;
  /** Retries after the first attempt (default 3). */
  readonly retries?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Send PUT/DELETE as POST + `_method` (for hosts whose WAF blocks PUT/DELETE, reference §6.2). */
  readonly tunnelPutDelete?: boolean;
  readonly log?: (event: MailwizzLogEvent) => void;
  readonly now?: () => Date;
  readonly random?: () => number;
}

const PRE_SEND_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const SAFE_NETWORK_CODES = new Set([
  ...PRE_SEND_CODES,
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

interface Attempt {
  readonly status?: number;
  readonly body?: string;
  readonly code?: string;
  readonly timeoutEvent?: string;
  readonly tooLarge?: boolean;
}

export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new MailwizzProtocolError("MailWizz base URL is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new MailwizzProtocolError(`MailWizz base URL must be http(s): ${url.origin}`);
  if (url.username !== "" || url.password !== "" || url.search !== "")
    throw new MailwizzProtocolError("MailWizz base URL must not carry credentials or a query string");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

export class Transport {
  readonly #auth: MailwizzAuth;
  readonly #options: TransportOptions;
  readonly baseUrl: string;

  constructor(options: TransportOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.#auth = options.auth;
    this.#options = options;
  }

  async request(spec: RequestSpec): Promise<Envelope> {
    const retries = this.#options.retries ?? 3;
    for (let attempt = 1; ; attempt += 1) {
      const started = Date.now();
      const result = await this.#once(spec);
      const durationMs = Date.now() - started;
      const verdict = this.#verdict(spec, result);
      const log = { method: spec.method, route: spec.route, attempt, status: result.status, durationMs };
      if (verdict.ok) {
        this.#options.log?.({ ...log, outcome: "ok" });
        return verdict.envelope;
      }
      const failure = verdict.error;
      const retryable = this.#retryable(spec, result);
      if (!retryable || attempt > retries) {
        this.#options.log?.({ ...log, outcome: "error", error: failure.message });
        throw failure;
      }
      this.#options.log?.({ ...log, outcome: "retry", error: failure.message });
      const base = this.#options.backoffBaseMs ?? 250;
      const cap = Math.min(this.#options.backoffMaxMs ?? 5_000, base * 2 ** (attempt - 1));
      await new Promise((r) => setTimeout(r, Math.floor((this.#options.random ?? Math.random)() * cap)));
    }
  }

  async #once(spec: RequestSpec): Promise<Attempt> {
    const tunnel =
      this.#options.tunnelPutDelete === true && (spec.method === "PUT" || spec.method === "DELETE");
    const body: FormParams = tunnel ? { ...spec.body, _method: spec.method } : (spec.body ?? {});
    const query = sortKeys(spec.query ?? {});
    const url = `${this.baseUrl}/${spec.route}`;
    const headers: Record<string, string> = {
      Accept: "application/json",
      ...authHeaders(
        this.#auth,
        { method: spec.method, url, query, body: spec.method === "GET" ? {} : body },
        (this.#options.now ?? (() => new Date()))(),
      ),
    };
    if (spec.method === "PUT" || spec.method === "DELETE") headers["X-HTTP-Method-Override"] = spec.method;
    const search = encodeForm(query);
    const hasBody = spec.method !== "GET";
    if (hasBody) headers["Content-Type"] = "application/x-www-form-urlencoded";
    const limit = this.#options.maxResponseBytes ?? 16 * 1024 * 1024;
    let tooLarge = false;
    const pending = got(search === "" ? url : `${url}?${search}`, {
      method: tunnel ? "POST" : spec.method,
      headers,
      body: hasBody ? encodeForm(body) : undefined,
      throwHttpErrors: false,
      followRedirect: false,
      retry: { limit: 0 },
      responseType: "text",
      timeout: {
        lookup: this.#options.connectTimeoutMs ?? 5_000,
        connect: this.#options.connectTimeoutMs ?? 5_000,
        secureConnect: this.#options.connectTimeoutMs ?? 5_000,
        request: this.#options.timeoutMs ?? 30_000,
      },
    });
    // .on() returns the same promise, awaited below.
    void pending.on("downloadProgress", (progress: { transferred: number; total?: number }) => {
      if (progress.transferred > limit || (progress.total ?? 0) > limit) {
        tooLarge = true;
        pending.cancel();
      }
    });
    try {
      const res = await pending;
      return { status: res.statusCode, body: res.body };
    } catch (error) {
      if (tooLarge) return { tooLarge: true };
      // Only the code and the timeout phase are kept: got's error objects hold the request options,
      // headers included, and must not travel further.
      const e = error as { code?: unknown; event?: unknown };
      return {
        code: typeof e.code === "string" ? e.code : "EUNKNOWN",
        ...(typeof e.event === "string" ? { timeoutEvent: e.event } : {}),
      };
    }
  }

  #retryable(spec: RequestSpec, a: Attempt): boolean {
    if (a.tooLarge) return false;
    if (a.status !== undefined) return spec.retry === "safe" ? a.status >= 500 : a.status === 503;
    const code = a.code ?? "";
    if (spec.retry === "safe") return SAFE_NETWORK_CODES.has(code);
    const beforeSend =
      a.timeoutEvent === "lookup" || a.timeoutEvent === "connect" || a.timeoutEvent === "secureConnect";
    return PRE_SEND_CODES.has(code) || beforeSend;
  }

  /** The success envelope, or the error the attempt maps to. */
  #verdict(spec: RequestSpec, a: Attempt): { ok: true; envelope: Envelope } | { ok: false; error: Error } {
    const error = (e: Error) => ({ ok: false, error: e }) as const;
    const what = `MailWizz ${spec.method} ${spec.route}`;
    if (a.tooLarge)
      return error(
        new MailwizzProtocolError(
          `${what}: answer larger than ${this.#options.maxResponseBytes ?? 16 * 1024 * 1024} bytes`,
        ),
      );
    if (a.status === undefined) {
      const detail = a.timeoutEvent !== undefined ? `timed out (${a.timeoutEvent})` : `failed (${a.code})`;
      return error(
        new MailwizzUnavailableError(`${what} ${detail}`, spec.method, spec.route, undefined, a.code),
      );
    }
    const parsed = parseJson(a.body ?? "");
    if (a.status >= 200 && a.status < 300 && isObject(parsed) && parsed.status === "success")
      return { ok: true, envelope: parsed };
    if (isObject(parsed) && parsed.status === "error")
      return error(apiError(a.status, spec.method, spec.route, parsed.error));
    if (a.status >= 500)
      return error(apiError(a.status, spec.method, spec.route, `non-MailWizz answer (HTTP ${a.status})`));
    return error(
      new MailwizzProtocolError(
        `${what} answered HTTP ${a.status} without a MailWizz envelope; check the base URL (${this.baseUrl}): ` +
          `with index.php unless MailWizz has clean URLs on`,
      ),
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
