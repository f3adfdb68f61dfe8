// List_subscribersController (reference §3.4): create, bulk, view, index, update, unsubscribe, search.
import type { Answer, Handler, RequestContext } from "./context.ts";
import { fail, isEmail, ok, onlyDelete, onlyPost, onlyPut, paged } from "./context.ts";
import { arr, str } from "./php.ts";
import type { PhpArray, PhpValue } from "./php.ts";
import type { ListRow, SubscriberRow, SubscriberStatus } from "./store.ts";

const BULK_MAX = 10_000;
const CREATE_STATUSES: readonly string[] = [
  "confirmed",
  "unconfirmed",
  "unsubscribed",
  "unapproved",
  "blacklisted",
];
const UPDATE_STATUSES: readonly string[] = ["confirmed", "unconfirmed", "unsubscribed"];
const NO_LIST = fail(404, "The subscribers list does not exist.");

function listOf(ctx: RequestContext): ListRow | undefined {
  const list = ctx.store.listByUid(ctx.params.list_uid ?? "");
  return list?.status === "active" ? list : undefined;
}

/** A field value as MailWizz stores it: multi-values joined by ", ", truncated to 255 characters. */
function fieldValue(v: PhpValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  const text =
    typeof v === "string"
      ? v
      : Object.values(v)
          .filter((x) => typeof x === "string")
          .join(", ");
  return text.slice(0, 255);
}

type Outcome = { ok: true; row: SubscriberRow } | { ok: false; status: number; error: unknown };

/** The create path shared by the single and the bulk endpoint. */
function createOne(ctx: RequestContext, list: ListRow, input: PhpArray, source: string): Outcome {
  const store = ctx.store;
  const email = str(input, "EMAIL");
  if (email === "") return { ok: false, status: 422, error: "Please provide the subscriber email address." };
  if (!isEmail(email)) return { ok: false, status: 422, error: "Please provide a valid email address." };
  if (store.blacklist.has(email.toLowerCase()))
    return { ok: false, status: 409, error: "This email address is blacklisted." };
  const existing = store.subscriberByEmail(list.list_id, email);
  if (existing !== undefined && existing.status !== "unsubscribed")
    return { ok: false, status: 409, error: "The subscriber already exists in this list." };
  const values: Record<string, string> = {};
  for (const field of store.fieldsOf(list.list_id)) {
    const v = fieldValue(input[field.tag]) ?? field.default_value;
    if (field.required === "yes" && v === "") {
      const msg = `The field ${field.tag} is required by the list but it has not been provided!`;
      return { ok: false, status: 422, error: { [field.tag]: msg } };
    }
    values[field.tag] = v;
  }
  const details = arr(input, "details");
  const wanted = str(details, "status");
  const status = (
    CREATE_STATUSES.includes(wanted) ? wanted : list.general.opt_in === "single" ? "confirmed" : "unconfirmed"
  ) as SubscriberStatus;
  const ip = str(details, "ip_address") || ctx.remoteAddr;
  const src = (
    ["api", "import", "web"].includes(str(details, "source")) ? str(details, "source") : source
  ) as "api" | "import" | "web";
  if (existing !== undefined) {
    // An unsubscribed subscriber is re-used and subscribed again (since 1.6.6).
    Object.assign(existing, {
      status,
      source: src,
      ip_address: ip,
      values: { ...existing.values, ...values },
    });
    return { ok: true, row: existing };
  }
  const row = store.addSubscriber({
    list_id: list.list_id,
    email,
    status,
    source: src,
    ip_address: ip,
    date_added: store.nowDb(),
    values,
  });
  return { ok: true, row };
}

/** The unsaved CDbExpression a create answer carries instead of a date (reference §3.4). */
const NOW_EXPRESSION = { expression: "NOW()", params: [] };

export const createSubscriber: Handler = (ctx) => {
  if (!ctx.isPost) return onlyPost;
  const list = listOf(ctx);
  if (list === undefined) return NO_LIST;
  const result = createOne(ctx, list, ctx.body, "api");
  if (!result.ok) return fail(result.status, result.error);
  const r = result.row;
  const record = {
    subscriber_uid: r.subscriber_uid,
    email: r.email,
    ip_address: r.ip_address,
    source: r.source,
    date_added: NOW_EXPRESSION,
  };
  return ok({ data: { record } }, 201);
};

export const bulkSubscribers: Handler = (ctx) => {
  if (!ctx.isPost) return onlyPost;
  const list = listOf(ctx);
  if (list === undefined) return NO_LIST;
  const items = arr(ctx.body, "subscribers");
  if (items === undefined) return fail(422, "Please provide the subscribers list.");
  const records = Object.values(items)
    .slice(0, BULK_MAX)
    .map((item) => {
      const input = typeof item === "object" ? item : {};
      const result = createOne(ctx, list, input, "api");
      if (result.ok) return { data: { ...input, subscriber_uid: result.row.subscriber_uid } };
      const error = result.error;
      if (typeof error !== "string") return { data: input, errors: error };
      const key = error.includes("email address.") ? "EMAIL" : "_common";
      return { data: input, errors: { [key]: error } };
    });
  return ok({ data: { records } }, 201);
};

function subscriberOf(ctx: RequestContext, list: ListRow): SubscriberRow | undefined {
  const uid = ctx.params.subscriber_uid ?? "";
  return ctx.store.subscribers.find((s) => s.subscriber_uid === uid && s.list_id === list.list_id);
}

export const viewSubscriber: Handler = (ctx) => {
  const list = listOf(ctx);
  if (list === undefined) return NO_LIST;
  const s = subscriberOf(ctx, list);
  if (s === undefined) return fail(404, "The subscriber does not exist in this list.");
  const record = {
    subscriber_uid: s.subscriber_uid,
    status: s.status,
    source: s.source,
    ip_address: s.ip_address,
  };
  return ok({ data: { record: { ...record, ...s.values } } });
};

export const indexSubscribers: Handler = (ctx) => {
  const list = listOf(ctx);
  if (list === undefined) return NO_LIST;
  const status = str(ctx.query, "status");
  const rows = ctx.store.subscribers
    .filter((s) => s.list_id === list.list_id && (status === "" || s.status === status))
    .sort((a, b) => b.subscriber_id - a.subscriber_id);
  return paged(rows, ctx.query, (s) => ({
    subscriber_uid: s.subscriber_uid,
    ...s.values,
    status: s.status,
    source: s.source,
    ip_address: s.ip_address,
    date_added: s.date_added,
  }));
};

export const updateSubscriber: Handler = (ctx): Answer => {
  if (!ctx.isPut) return onlyPut;
  const list = listOf(ctx);
  if (list === undefined) return NO_LIST;
  const s = subscriberOf(ctx, list);
  if (s === undefined) return fail(409, "The subscriber does not exist in this list.");
  const email = str(ctx.body, "EMAIL");
  if (email !== "" && !isEmail(email)) return fail(422, "Please provide a valid email address.");
  if (email !== "") {
    const other = ctx.store.subscriberByEmail(list.list_id, email);
    if (other !== undefined && other !== s)
      return fail(409, "Another subscriber with this email address already exists in this list.");
  }
  const changes: Record<string, string> = {};
  for (const field of ctx.store.fieldsOf(list.list_id)) {
    if (field.tag === "EMAIL") continue;
    const v = fieldValue(ctx.body[field.tag]);
    if (field.required === "yes" && (v === undefined || v === ""))
      return fail(422, {
        [field.tag]: `The field ${field.tag} is required by the list but it has not been provided!`,
      });
    if (v !== undefined) changes[field.tag] = v;
  }
  if (email !== "" && email !== s.email) {
    const old = s.email;
    s.email = email;
    changes.EMAIL = email;
    ctx.store.reindexEmail(s, old);
  }
  Object.assign(s.values, changes);
  const details = arr(ctx.body, "details");
  if (UPDATE_STATUSES.includes(str(details, "status"))) s.status = str(details, "status") as SubscriberStatus;
  const record = {
    subscriber_uid: s.subscriber_uid,
    email: s.email,
    ip_address: s.ip_address,
    source: s.source,
    date_added: s.date_added,
  };
  return ok({ data: { record } });
};

export const unsubscribeSubscriber: Handler = (ctx) => {
  if (!ctx.isPut) return onlyPut;
  const list = listOf(ctx);
  if (list === undefined) return NO_LIST;
  const s = subscriberOf(ctx, list);
  if (s === undefined) return fail(404, "The subscriber does not exist in this list.");
  // Only a confirmed subscriber changes; any other status still answers success.
  if (s.status === "confirmed") s.status = "unsubscribed";
  return ok({});
};

export const searchByEmail: Handler = (ctx) => {
  const list = listOf(ctx);
  if (list === undefined) return NO_LIST;
  const email = str(ctx.query, "EMAIL");
  if (email === "") return fail(422, "Please provide the subscriber email address.");
  const s = ctx.store.subscriberByEmail(list.list_id, email);
  if (s === undefined) return fail(404, "The subscriber does not exist in this list.");
  return ok({ data: { subscriber_uid: s.subscriber_uid, status: s.status, date_added: s.date_added } });
};

/** DELETE lists/{L}/subscribers/{S} (reference §3.4): the row is gone; 200 {"status":"success"}. */
export const deleteSubscriber: Handler = (ctx): Answer => {
  if (!ctx.isDelete) return onlyDelete;
  const list = listOf(ctx);
  if (list === undefined) return NO_LIST;
  const s = subscriberOf(ctx, list);
  if (s === undefined) return fail(404, "The subscriber does not exist in this list.");
  ctx.store.removeSubscriber(s);
  return ok({});
};
