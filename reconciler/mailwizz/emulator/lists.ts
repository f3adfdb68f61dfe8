// ListsController, List_fieldsController, List_segmentsController (reference §3.1–§3.3).
import type { Answer, Handler, RequestContext } from "./context.ts";
import { fail, isEmail, objectOrEmpty, ok, onlyPost, onlyPut, paged } from "./context.ts";
import { arr } from "./php.ts";
import type { PhpArray } from "./php.ts";
import { COUNTRIES, newUid } from "./store.ts";
import type { ListRow } from "./store.ts";

type Rule = { field: string; required?: boolean; min?: number; max?: number; email?: boolean; in?: string[] };

const RULES: Record<"general" | "defaults" | "notifications" | "company", Rule[]> = {
  general: [
    { field: "name", required: true, min: 2, max: 255 },
    { field: "description", required: true, min: 2, max: 255 },
    { field: "display_name", min: 2, max: 255 },
    { field: "opt_in", in: ["double", "single"] },
    { field: "opt_out", in: ["double", "single"] },
    { field: "visibility", in: ["public", "private"] },
    { field: "welcome_email", in: ["yes", "no"] },
    { field: "subscriber_require_approval", in: ["yes", "no"] },
  ],
  defaults: [
    { field: "from_name", required: true, min: 2, max: 255 },
    { field: "from_email", required: true, email: true, min: 5, max: 100 },
    { field: "reply_to", required: true, email: true, min: 5, max: 100 },
    { field: "subject", max: 255 },
  ],
  notifications: [
    { field: "subscribe", in: ["yes", "no"] },
    { field: "unsubscribe", in: ["yes", "no"] },
    { field: "daily", in: ["yes", "no"] },
  ],
  company: [
    { field: "name", required: true, max: 100 },
    { field: "country_id", required: true },
    { field: "address_1", required: true, max: 255 },
    { field: "city", required: true, max: 150 },
    { field: "zip_code", required: true, max: 10 },
    { field: "address_format", required: true, max: 255 },
    { field: "phone", max: 32 },
  ],
};

const DEFAULTS: Record<string, Record<string, string>> = {
  general: { opt_in: "double", opt_out: "double", visibility: "public" },
  notifications: { subscribe: "no", unsubscribe: "no", daily: "no" },
};

/** Yii's generated attribute label: "from_email" → "From email". */
export function label(field: string): string {
  const words = field.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Yii's default validator messages, one per attribute (AttributesShortErrorsBehavior). */
export function validate(values: Record<string, string>, rules: Rule[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const r of rules) {
    const v = values[r.field] ?? "";
    const name = label(r.field);
    if (v === "") {
      if (r.required) errors[r.field] = `${name} cannot be blank.`;
      continue;
    }
    if (r.min !== undefined && v.length < r.min)
      errors[r.field] = `${name} is too short (minimum is ${r.min} characters).`;
    else if (r.max !== undefined && v.length > r.max)
      errors[r.field] = `${name} is too long (maximum is ${r.max} characters).`;
    else if (r.email && !isEmail(v)) errors[r.field] = `${name} is not a valid email address.`;
    else if (r.in && !r.in.includes(v)) errors[r.field] = `${name} is not in the list.`;
  }
  return errors;
}

function block(body: PhpArray, name: string): Record<string, string> {
  const out: Record<string, string> = { ...DEFAULTS[name] };
  for (const [k, v] of Object.entries(arr(body, name) ?? {})) if (typeof v === "string") out[k] = v;
  return out;
}

function company(values: Record<string, string>): Record<string, string> {
  const out = { ...values };
  // `country` (a name) is looked up into country_id; unknown names leave country_id empty.
  if (out.country_id === undefined && out.country !== undefined) {
    const c = COUNTRIES.find((x) => x.name.toLowerCase() === out.country!.toLowerCase());
    if (c !== undefined) out.country_id = c.country_id;
  }
  if (out.country_id !== undefined && !COUNTRIES.some((c) => c.country_id === out.country_id))
    out.country_id = "";
  delete out.country;
  return out;
}

export const createList: Handler = (ctx) => {
  if (!ctx.isPost) return onlyPost;
  const general = block(ctx.body, "general");
  if (general.display_name === undefined && general.name !== undefined) general.display_name = general.name;
  const blocks = {
    general,
    defaults: block(ctx.body, "defaults"),
    notifications: block(ctx.body, "notifications"),
    company: company(block(ctx.body, "company")),
  };
  for (const name of ["general", "defaults", "notifications", "company"] as const) {
    const errors = validate(blocks[name], RULES[name]);
    if (Object.keys(errors).length > 0) return fail(422, { [name]: errors });
  }
  const store = ctx.store;
  const row: ListRow = {
    list_id: store.id(),
    list_uid: newUid(),
    customer_id: store.customerId,
    status: "active",
    ...blocks,
  };
  store.lists.push(row);
  const defaults = [
    ["EMAIL", "Email", "yes"],
    ["FNAME", "First name", "no"],
    ["LNAME", "Last name", "no"],
  ] as const;
  defaults.forEach(([tag, lbl, required], i) =>
    store.fields.push({
      field_id: store.id(),
      list_id: row.list_id,
      tag,
      label: lbl,
      required,
      type: "text",
      sort_order: i,
      default_value: "",
      help_text: "",
    }),
  );
  return ok({ list_uid: row.list_uid }, 201);
};

function pick(values: Record<string, string>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = values[k] ?? "";
  return out;
}

function renderList(list: ListRow): unknown {
  const country = COUNTRIES.find((c) => c.country_id === list.company.country_id);
  return {
    general: { list_uid: list.list_uid, ...pick(list.general, ["name", "display_name", "description"]) },
    defaults: pick(list.defaults, ["from_email", "from_name", "reply_to", "subject"]),
    notifications: pick(list.notifications, ["subscribe", "unsubscribe", "subscribe_to", "unsubscribe_to"]),
    company: {
      ...pick(list.company, ["name", "address_1", "address_2", "zone_name", "city", "zip_code", "phone"]),
      address_format: list.company.address_format ?? "",
      country: objectOrEmpty(country === undefined ? undefined : { ...country }),
      zone: [],
    },
  };
}

function visibleList(ctx: RequestContext): ListRow | undefined {
  const list = ctx.store.listByUid(ctx.params.list_uid ?? "");
  return list?.status === "active" ? list : undefined;
}

export const viewList: Handler = (ctx) => {
  const list = visibleList(ctx);
  if (list === undefined) return fail(404, "The list does not exist.");
  return ok({ data: { record: renderList(list) } });
};

/**
 * PUT lists/{L}: the same blocks as create, each optional; a block's fields override the stored ones
 * and the whole list is validated again, block by block, before anything is saved (reference §3.1).
 */
export const updateList: Handler = (ctx) => {
  if (!ctx.isPut) return onlyPut;
  const list = visibleList(ctx);
  if (list === undefined) return fail(404, "The list does not exist.");
  const given = (name: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(arr(ctx.body, name) ?? {})) if (typeof v === "string") out[k] = v;
    return out;
  };
  const companyGiven = given("company");
  const merged: Record<string, string> = { ...list.company, ...companyGiven };
  // A country name given now replaces the stored id (looked up again by company()).
  if (companyGiven.country !== undefined && companyGiven.country_id === undefined) delete merged.country_id;
  const blocks = {
    general: { ...list.general, ...given("general") },
    defaults: { ...list.defaults, ...given("defaults") },
    notifications: { ...list.notifications, ...given("notifications") },
    company: company(merged),
  };
  for (const name of ["general", "defaults", "notifications", "company"] as const) {
    const errors = validate(blocks[name], RULES[name]);
    if (Object.keys(errors).length > 0) return fail(422, { [name]: errors });
  }
  Object.assign(list, blocks);
  return ok({});
};

export const indexLists: Handler = (ctx) => {
  const rows = ctx.store.lists
    .filter((l) => l.customer_id === ctx.store.customerId && l.status === "active")
    .sort((a, b) => b.list_id - a.list_id);
  return paged(rows, ctx.query, renderList);
};

export const listFields: Handler = (ctx): Answer => {
  const list = visibleList(ctx);
  if (list === undefined) return fail(404, "The subscribers list does not exist.");
  const fields = ctx.store.fieldsOf(list.list_id);
  if (fields.length === 0) return fail(404, "The subscribers list does not have any custom field defined.");
  const records = fields.map((f) => ({
    tag: f.tag,
    label: f.label,
    required: f.required,
    help_text: f.help_text,
    type: { name: label(f.type), identifier: f.type, description: label(f.type) },
  }));
  return ok({ data: { records } });
};

export const listSegments: Handler = (ctx) => {
  const list = visibleList(ctx);
  if (list === undefined) return fail(404, "The subscribers list does not exist.");
  const rows = ctx.store.segments
    .filter((s) => s.list_id === list.list_id)
    .sort((a, b) => b.segment_id - a.segment_id);
  return paged(rows, ctx.query, (s) => ({
    segment_uid: s.segment_uid,
    name: s.name,
    subscribers_count: s.subscribers_count,
  }));
};
