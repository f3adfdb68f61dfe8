// What a route handler sees and returns, and the answer helpers shared by every controller.
import type { DeliveryServerSource } from "./servers.ts";
import type { PhpArray } from "./php.ts";
import type { EmulatorStore } from "./store.ts";

export interface RequestContext {
  /** The database, seen as the API key's customer (store.customerId is that customer's id). */
  readonly store: EmulatorStore;
  /** Where delivery-server rows are read: the store's own, or MailWizz's tables in MariaDB. */
  readonly servers: DeliveryServerSource;
  /** Decoded and cleaned query string ($_GET). */
  readonly query: PhpArray;
  /** Decoded and cleaned body ($_POST for POST, getRestParams() for PUT/DELETE). */
  readonly body: PhpArray;
  /** Path parameters by name (list_uid, subscriber_uid, …). */
  readonly params: Readonly<Record<string, string>>;
  /** The real HTTP method. */
  readonly method: string;
  /** getIsPutRequest()/getIsDeleteRequest(): the real method or the `_method` POST field. */
  readonly isPut: boolean;
  readonly isDelete: boolean;
  readonly isPost: boolean;
  /** X-MW-REMOTE-ADDR, else X-REMOTE-ADDR, else the peer address (present-but-empty gives ""). */
  readonly remoteAddr: string;
}

export interface Answer {
  readonly status: number;
  /** JSON-encodable; `undefined` answers an empty body. */
  readonly body: unknown;
}

export type Handler = (ctx: RequestContext) => Answer | Promise<Answer>;

export function ok(body: Record<string, unknown>, status = 200): Answer {
  return { status, body: { status: "success", ...body } };
}

export function fail(status: number, error: unknown): Answer {
  return { status, body: { status: "error", error } };
}

export const onlyPost = fail(400, "Only POST requests allowed for this endpoint.");
export const onlyPut = fail(400, "Only PUT requests allowed for this endpoint.");
export const onlyDelete = fail(400, "Only DELETE requests allowed for this endpoint.");

/** Yii's email validator, roughly: one @, a dot in the domain, no spaces. */
export function isEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text);
}

/** The paged index answer of every MailWizz controller (reference §2.5). */
export function paged<T>(rows: readonly T[], query: PhpArray, render: (row: T) => unknown): Answer {
  const rawPage = Number.parseInt(typeof query.page === "string" ? query.page : "", 10);
  const rawPer = Number.parseInt(typeof query.per_page === "string" ? query.per_page : "", 10);
  const page = Number.isNaN(rawPage) || rawPage < 1 ? 1 : rawPage;
  const perPage = Number.isNaN(rawPer) ? 10 : Math.min(50, Math.max(10, rawPer));
  const count = rows.length;
  if (count === 0) {
    const empty = { count: null, total_pages: null, current_page: null, next_page: null, prev_page: null };
    return ok({ data: { ...empty, records: [] } });
  }
  const totalPages = Math.ceil(count / perPage);
  return ok({
    data: {
      count: String(count),
      total_pages: totalPages,
      current_page: page,
      next_page: page < totalPages ? page + 1 : null,
      prev_page: page > 1 ? page - 1 : null,
      records: rows.slice((page - 1) * perPage, page * perPage).map(render),
    },
  });
}

/** PHP json_encode without flags: "/" as "\/", every non-ASCII character as \uXXXX. */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, "\\/")
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A PHP empty array: the `[]` MailWizz sends where an object is missing. */
export function objectOrEmpty(value: Record<string, unknown> | undefined): Record<string, unknown> | [] {
  return value === undefined || Object.keys(value).length === 0 ? [] : value;
}
