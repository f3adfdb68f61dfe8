// CampaignsController (reference §3.6): create, view, index, pause-unpause, mark-sent.
import type { Answer, Handler, RequestContext } from "./context.ts";
import { fail, isEmail, objectOrEmpty, ok, onlyPost, onlyPut, paged } from "./context.ts";
import { validate } from "./lists.ts";
import { arr, str } from "./php.ts";
import type { PhpArray } from "./php.ts";
import { newUid } from "./store.ts";
import type { CampaignRow, CampaignStatus } from "./store.ts";
import { base64Decode } from "./templates.ts";

const UNSUBSCRIBE_TAGS = [
  "[UNSUBSCRIBE_URL]",
  "[UNSUBSCRIBE_LINK]",
  "[DIRECT_UNSUBSCRIBE_URL]",
  "[DIRECT_UNSUBSCRIBE_LINK]",
];

/** CampaignTemplateValidator's default required tags; the message lists what is missing. */
export function missingTags(content: string): string[] {
  const missing: string[] = [];
  if (!content.includes("[COMPANY_FULL_ADDRESS]")) missing.push("[COMPANY_FULL_ADDRESS]");
  if (!UNSUBSCRIBE_TAGS.some((t) => content.includes(t))) missing.push("[UNSUBSCRIBE_URL]");
  return missing;
}

const FIELD_RULES = [
  { field: "name", required: true, max: 255 },
  { field: "from_name", required: true, max: 100 },
  { field: "from_email", required: true, max: 100 },
  { field: "reply_to", required: true, max: 100 },
  { field: "subject", required: true, max: 255 },
  { field: "to_name", max: 255 },
  { field: "send_at", required: true },
  { field: "type", in: ["regular", "autoresponder"] },
];

function fieldErrors(input: Record<string, string>): Record<string, string> {
  const errors = validate(input, FIELD_RULES);
  // Campaign emails may carry tags ([LIST_FROM_EMAIL]), so only tag-free values must look like emails.
  for (const f of ["from_email", "reply_to"])
    if (errors[f] === undefined && input[f] && !input[f].includes("[") && !isEmail(input[f]))
      errors[f] = `${f === "from_email" ? "From email" : "Reply to"} is not a valid email address.`;
  if (errors.send_at === undefined && !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(input.send_at ?? ""))
    errors.send_at = "Send at is not a valid date.";
  return errors;
}

async function serverIds(ctx: RequestContext, value: PhpArray[string] | undefined): Promise<number[]> {
  if (value === undefined) return [];
  const raw = typeof value === "string" ? value.split(",") : Object.values(value).map(String);
  const usable = new Set(
    (await ctx.servers.all())
      .filter((s) => s.customerId === null || s.customerId === ctx.store.customerId)
      .map((s) => s.serverId),
  );
  // MailWizz keeps only ids of servers the customer may use; the others are dropped silently.
  return [...new Set(raw.map((x) => Number.parseInt(x.trim(), 10)))].filter((id) => usable.has(id));
}

export const createCampaign: Handler = async (ctx): Promise<Answer> => {
  if (!ctx.isPost) return onlyPost;
  const store = ctx.store;
  const input = arr(ctx.body, "campaign") ?? {};
  const listUid = str(input, "list_uid");
  if (listUid === "") return fail(422, "Please provide a list for this campaign.");
  const list = store.listByUid(listUid);
  if (list === undefined || list.status !== "active") return fail(422, "Provided list does not exist.");
  const segmentUid = str(input, "segment_uid");
  const segment = store.segments.find((s) => s.segment_uid === segmentUid && s.list_id === list.list_id);
  if (segmentUid !== "" && segment === undefined) return fail(422, "Provided list segment does not exist.");
  const template = arr(input, "template");
  let content: string;
  const templateUid = str(template, "template_uid");
  if (templateUid !== "") {
    const t = store.templates.find(
      (x) => x.template_uid === templateUid && x.customer_id === store.customerId,
    );
    if (t === undefined) return fail(422, "Provided template does not exist.");
    content = t.content;
  } else if (str(template, "content") !== "") {
    content = base64Decode(str(template, "content"));
  } else if (str(template, "archive") !== "") {
    return fail(422, { archive: "Your archive does not seem to be a valid zip file." });
  } else return fail(422, "Please provide a template for your campaign.");
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(input)) if (typeof v === "string") fields[k] = v;
  const errors = fieldErrors(fields);
  if (Object.keys(errors).length > 0) return fail(422, errors);
  const missing = missingTags(content);
  if (missing.length > 0)
    return fail(422, {
      content: `The following tags are required but were not found in your content: ${missing.join(", ")}`,
    });
  const wanted = fields.status ?? "";
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(arr(input, "options") ?? {})) if (typeof v === "string") options[k] = v;
  const row: CampaignRow = {
    campaign_id: store.id(),
    campaign_uid: newUid(),
    customer_id: store.customerId,
    list_id: list.list_id,
    segment_id: segment?.segment_id ?? null,
    type: fields.type === "autoresponder" ? "autoresponder" : "regular",
    name: fields.name!,
    from_name: fields.from_name!,
    from_email: fields.from_email!,
    to_name: fields.to_name || "[EMAIL]",
    reply_to: fields.reply_to!,
    subject: fields.subject!,
    status: (["draft", "paused"].includes(wanted) ? wanted : "pending-sending") as CampaignStatus,
    // The customer's time zone is UTC in the emulator, so send_at is stored as given.
    send_at: fields.send_at!,
    date_added: store.nowDb(),
    content,
    plain_text: base64Decode(str(template, "plain_text")),
    delivery_server_ids: await serverIds(ctx, input.delivery_servers),
    options,
  };
  store.campaigns.push(row);
  return ok({ campaign_uid: row.campaign_uid }, 201);
};

/** Yii's short/short localized date time for en_US: "11/24/26 8:05 PM" (reference §3.6). */
export function localized(db: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)/.exec(db);
  if (m === null) return db;
  const hour = Number(m[4]);
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${Number(m[2])}/${Number(m[3])}/${m[1]!.slice(2)} ${h12}:${m[5]} ${hour < 12 ? "AM" : "PM"}`;
}

export function campaignOf(ctx: RequestContext): CampaignRow | undefined {
  return ctx.store.campaignByUid(ctx.params.campaign_uid ?? "");
}

export const viewCampaign: Handler = (ctx) => {
  const c = campaignOf(ctx);
  if (c === undefined) return fail(404, "The campaign does not exist.");
  const store = ctx.store;
  const list = store.lists.find((l) => l.list_id === c.list_id);
  const segment = store.segments.find((s) => s.segment_id === c.segment_id);
  const confirmed = store.subscribers.filter(
    (s) => s.list_id === c.list_id && s.status === "confirmed",
  ).length;
  const record = {
    campaign_uid: c.campaign_uid,
    name: c.name,
    type: c.type,
    from_name: c.from_name,
    from_email: c.from_email,
    to_name: c.to_name,
    reply_to: c.reply_to,
    subject: c.subject,
    status: c.status,
    date_added: localized(c.date_added),
    send_at: localized(c.send_at),
    list: { list_uid: list?.list_uid ?? "", name: list?.general.name ?? "", subscribers_count: confirmed },
    segment: objectOrEmpty(
      segment && {
        segment_uid: segment.segment_uid,
        name: segment.name,
        subscribers_count: segment.subscribers_count,
      },
    ),
    group: [],
  };
  return ok({ data: { record } });
};

export const indexCampaigns: Handler = (ctx) => {
  const rows = ctx.store.campaigns
    .filter((c) => c.customer_id === ctx.store.customerId && c.status !== "pending-delete")
    .sort((a, b) => b.campaign_id - a.campaign_id);
  return paged(rows, ctx.query, (c) => ({
    campaign_uid: c.campaign_uid,
    type: c.type,
    name: c.name,
    status: c.status,
    group: [],
  }));
};

export const pauseUnpause: Handler = (ctx) => {
  if (!ctx.isPut) return onlyPut;
  const c = campaignOf(ctx);
  if (c === undefined) return fail(404, "The campaign does not exist.");
  if (c.status === "paused") c.status = "sending";
  else if (["sending", "processing", "pending-sending"].includes(c.status)) c.status = "paused";
  return ok({ campaign: { status: c.status } });
};

const MARKABLE: readonly string[] = ["blocked", "pending-approve", "processing", "paused", "pending-sending"];

export const markSent: Handler = (ctx) => {
  if (!ctx.isPut) return onlyPut;
  const c = campaignOf(ctx);
  if (c === undefined) return fail(404, "The campaign does not exist.");
  if (!MARKABLE.includes(c.status)) return fail(400, "The campaign does not allow marking it as sent!");
  c.status = "sent";
  return ok({ campaign: { status: c.status } });
};
