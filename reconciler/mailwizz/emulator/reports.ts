// Campaign stats, bounces, unsubscribes, delivery logs (reference §3.6, §3.7). The read-only delivery
// servers (§4.1) are in servers.ts.
import { campaignOf } from "./campaigns.ts";
import type { Handler } from "./context.ts";
import { fail, ok, onlyPost, paged } from "./context.ts";
import { str } from "./php.ts";
import type { CampaignRow, DeliveryLogRow, EmulatorStore } from "./store.ts";

const NO_CAMPAIGN = fail(404, "The campaign does not exist!");

function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100;
}

export const campaignStats: Handler = (ctx) => {
  const c = campaignOf(ctx);
  if (c === undefined) return fail(404, "The campaign does not exist.");
  const s = ctx.store;
  const logs = s.deliveryLogs.filter((l) => l.campaign_id === c.campaign_id);
  const processed = logs.length;
  const success = logs.filter((l) => l.status === "success").length;
  const bounces = s.bounces.filter((b) => b.campaign_id === c.campaign_id);
  const byType = (t: string) => bounces.filter((b) => b.bounce_type === t).length;
  const unsubscribes = s.unsubscribes.filter((u) => u.campaign_id === c.campaign_id).length;
  const segment = s.segments.find((x) => x.segment_id === c.segment_id);
  const subscribers =
    segment?.subscribers_count ??
    s.subscribers.filter((x) => x.list_id === c.list_id && x.status === "confirmed").length;
  const counts: Record<string, number> = {
    delivery_success: success,
    delivery_error: processed - success,
    // Opens, clicks and complaints are not modelled: always 0.
    opens: 0,
    unique_opens: 0,
    clicks: 0,
    unique_clicks: 0,
    unsubscribes,
    complaints: 0,
    bounces: bounces.length,
    hard_bounces: byType("hard"),
    soft_bounces: byType("soft"),
    internal_bounces: byType("internal"),
  };
  const data: Record<string, unknown> = {
    campaign_status: c.status,
    subscribers_count: subscribers,
    processed_count: processed,
  };
  for (const [k, v] of Object.entries(counts)) {
    data[`${k}_count`] = v;
    data[`${k}_rate`] = rate(v, processed);
  }
  return ok({ data });
};

function subscriberRef(store: EmulatorStore, id: number): { subscriber_uid: string; email: string } {
  const sub = store.subscribers.find((x) => x.subscriber_id === id);
  return { subscriber_uid: sub?.subscriber_uid ?? "", email: sub?.email ?? "" };
}

export const indexBounces: Handler = (ctx) => {
  const c = campaignOf(ctx);
  if (c === undefined) return NO_CAMPAIGN;
  const rows = ctx.store.bounces
    .filter((b) => b.campaign_id === c.campaign_id)
    .sort((a, b) => b.log_id - a.log_id);
  return paged(rows, ctx.query, (b) => ({
    message: b.message,
    processed: b.processed,
    bounce_type: b.bounce_type,
    subscriber: subscriberRef(ctx.store, b.subscriber_id),
  }));
};

export const createBounce: Handler = (ctx) => {
  if (!ctx.isPost) return onlyPost;
  const c = campaignOf(ctx);
  if (c === undefined) return NO_CAMPAIGN;
  const store = ctx.store;
  // Looked up by uid only, across every list (reference §3.7).
  const sub = store.subscribers.find((x) => x.subscriber_uid === str(ctx.body, "subscriber_uid"));
  if (sub === undefined) return fail(404, "The subscriber does not exist!");
  if (store.bounces.some((b) => b.campaign_id === c.campaign_id && b.subscriber_id === sub.subscriber_id))
    return fail(422, "This subscriber has already been marked as bounced!");
  const type = str(ctx.body, "bounce_type") || "internal";
  if (type !== "hard" && type !== "soft" && type !== "internal") return fail(422, "Invalid bounce type!");
  const row = {
    log_id: store.id(),
    campaign_id: c.campaign_id,
    subscriber_id: sub.subscriber_id,
    message: (str(ctx.body, "message") || "BOUNCED BACK").slice(0, 250),
    bounce_type: type,
    processed: "no",
  } as const;
  store.bounces.push(row);
  if (type === "hard") {
    store.blacklist.add(sub.email.toLowerCase());
    sub.status = "blacklisted";
  }
  const record = {
    message: row.message,
    processed: row.processed,
    bounce_type: type,
    subscriber: subscriberRef(store, sub.subscriber_id),
  };
  return ok({ data: { record } }, 201);
};

export const indexUnsubscribes: Handler = (ctx) => {
  const c = campaignOf(ctx);
  if (c === undefined) return NO_CAMPAIGN;
  const rows = ctx.store.unsubscribes
    .filter((u) => u.campaign_id === c.campaign_id)
    .sort((a, b) => b.log_id - a.log_id);
  return paged(rows, ctx.query, (u) => ({
    ip_address: u.ip_address,
    user_agent: u.user_agent,
    reason: u.reason,
    note: u.note,
    date_added: u.date_added,
    subscriber: subscriberRef(ctx.store, u.subscriber_id),
  }));
};

function renderLog(store: EmulatorStore, campaign: CampaignRow, l: DeliveryLogRow): unknown {
  const list = store.lists.find((x) => x.list_id === campaign.list_id);
  return {
    campaign: { campaign_uid: campaign.campaign_uid, list: { list_uid: list?.list_uid ?? "" } },
    subscriber: subscriberRef(store, l.subscriber_id),
    message: l.message,
    retries: String(l.retries),
    max_retries: String(l.max_retries),
    email_message_id: l.email_message_id,
    delivery_confirmed: l.delivery_confirmed,
    status: l.status,
    date_added: l.date_added,
  };
}

export const indexDeliveryLogs: Handler = (ctx) => {
  const c = campaignOf(ctx);
  if (c === undefined) return NO_CAMPAIGN;
  const rows = ctx.store.deliveryLogs
    .filter((l) => l.campaign_id === c.campaign_id)
    .sort((a, b) => b.log_id - a.log_id);
  return paged(rows, ctx.query, (l) => renderLog(ctx.store, c, l));
};

export const deliveryLogByMessageId: Handler = (ctx) => {
  const id = ctx.params.message_id ?? "";
  const store = ctx.store;
  const log = store.deliveryLogs.find((l) => l.email_message_id === id);
  const campaign =
    log &&
    store.campaigns.find((c) => c.campaign_id === log.campaign_id && c.customer_id === store.customerId);
  if (log === undefined || campaign === undefined) return fail(404, "The delivery log does not exist!");
  return ok({ data: { record: renderLog(store, campaign, log) } });
};
