// The route table of apps/api/config/main.php for what the emulator models (reference §3). Matching is
// case-insensitive; uid segments must match [a-z0-9]+; the verb compared is getRequestType() (which
// honours `_method` and X-HTTP-Method-Override), while handlers check the real method themselves.
import { createCampaign, indexCampaigns, markSent, pauseUnpause, viewCampaign } from "./campaigns.ts";
import type { Handler } from "./context.ts";
import { createList, indexLists, listFields, listSegments, updateList, viewList } from "./lists.ts";
import {
  campaignStats,
  createBounce,
  deliveryLogByMessageId,
  indexBounces,
  indexDeliveryLogs,
  indexUnsubscribes,
} from "./reports.ts";
import { indexDeliveryServers, viewDeliveryServer } from "./servers.ts";
import {
  bulkSubscribers,
  createSubscriber,
  indexSubscribers,
  deleteSubscriber,
  searchByEmail,
  unsubscribeSubscriber,
  updateSubscriber,
  viewSubscriber,
} from "./subscribers.ts";
import { createTemplate, indexTemplates, updateTemplate, viewTemplate } from "./templates.ts";

export interface Route {
  readonly verb: "GET" | "POST" | "PUT" | "DELETE";
  readonly pattern: string;
  readonly handler: Handler;
}

const PARAM_PATTERNS: Record<string, RegExp> = {
  list_uid: /^[a-z0-9]+$/i,
  subscriber_uid: /^[a-z0-9]+$/i,
  campaign_uid: /^[a-z0-9]+$/i,
  template_uid: /^[a-z0-9]+$/i,
  server_id: /^[0-9]+$/,
  message_id: /^[a-z0-9@._-]+$/i,
};

const siteIndex: Handler = () => ({ status: 200, body: [] });

export const ROUTES: readonly Route[] = [
  { verb: "GET", pattern: "", handler: siteIndex },
  { verb: "GET", pattern: "lists", handler: indexLists },
  { verb: "POST", pattern: "lists", handler: createList },
  { verb: "GET", pattern: "lists/:list_uid", handler: viewList },
  { verb: "PUT", pattern: "lists/:list_uid", handler: updateList },
  { verb: "GET", pattern: "lists/:list_uid/fields", handler: listFields },
  { verb: "GET", pattern: "lists/:list_uid/segments", handler: listSegments },
  { verb: "GET", pattern: "lists/:list_uid/subscribers", handler: indexSubscribers },
  { verb: "POST", pattern: "lists/:list_uid/subscribers", handler: createSubscriber },
  { verb: "POST", pattern: "lists/:list_uid/subscribers/bulk", handler: bulkSubscribers },
  { verb: "GET", pattern: "lists/:list_uid/subscribers/search-by-email", handler: searchByEmail },
  { verb: "GET", pattern: "lists/:list_uid/subscribers/:subscriber_uid", handler: viewSubscriber },
  { verb: "PUT", pattern: "lists/:list_uid/subscribers/:subscriber_uid", handler: updateSubscriber },
  { verb: "DELETE", pattern: "lists/:list_uid/subscribers/:subscriber_uid", handler: deleteSubscriber },
  {
    verb: "PUT",
    pattern: "lists/:list_uid/subscribers/:subscriber_uid/unsubscribe",
    handler: unsubscribeSubscriber,
  },
  { verb: "GET", pattern: "templates", handler: indexTemplates },
  { verb: "POST", pattern: "templates", handler: createTemplate },
  { verb: "GET", pattern: "templates/:template_uid", handler: viewTemplate },
  { verb: "PUT", pattern: "templates/:template_uid", handler: updateTemplate },
  { verb: "GET", pattern: "campaigns", handler: indexCampaigns },
  { verb: "POST", pattern: "campaigns", handler: createCampaign },
  {
    verb: "GET",
    pattern: "campaigns/delivery-logs/email-message-id/:message_id",
    handler: deliveryLogByMessageId,
  },
  { verb: "GET", pattern: "campaigns/:campaign_uid", handler: viewCampaign },
  { verb: "PUT", pattern: "campaigns/:campaign_uid/pause-unpause", handler: pauseUnpause },
  { verb: "PUT", pattern: "campaigns/:campaign_uid/mark-sent", handler: markSent },
  { verb: "GET", pattern: "campaigns/:campaign_uid/stats", handler: campaignStats },
  { verb: "GET", pattern: "campaigns/:campaign_uid/bounces", handler: indexBounces },
  { verb: "POST", pattern: "campaigns/:campaign_uid/bounces", handler: createBounce },
  { verb: "GET", pattern: "campaigns/:campaign_uid/unsubscribes", handler: indexUnsubscribes },
  { verb: "GET", pattern: "campaigns/:campaign_uid/delivery-logs", handler: indexDeliveryLogs },
  { verb: "GET", pattern: "delivery-servers", handler: indexDeliveryServers },
  { verb: "GET", pattern: "delivery-servers/:server_id", handler: viewDeliveryServer },
];

/** Controllers that need no API key (apps/api/config/main.php `unprotectedControllers`). */
export function isUnprotected(route: Route): boolean {
  return route.pattern === "" || route.pattern.startsWith("customers");
}

export function matchRoute(
  verb: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  const segments = path === "" ? [] : path.split("/");
  for (const route of ROUTES) {
    if (route.verb !== verb) continue;
    const parts = route.pattern === "" ? [] : route.pattern.split("/");
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      const seg = segments[i]!;
      if (!part.startsWith(":")) return part === seg.toLowerCase();
      if (!PARAM_PATTERNS[part.slice(1)]!.test(seg)) return false;
      params[part.slice(1)] = seg;
      return true;
    });
    if (matches) return { route, params };
  }
  return undefined;
}
