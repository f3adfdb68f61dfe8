// Feedback to Scraper-Pro from the accounting records read over SSH, the engine's main source of
// outcomes (the old engine only forwarded what its PowerMTA pipe posted, and its multi-node installers
// wired no pipe). Pure: records → payloads, each with a key that is stable for the same records read
// from the same cursor, so a batch read again after a crash queues nothing twice.
import type { Inventory } from "../../inventory/types.gen.ts";
import type { AcctEvent } from "../../pmta/host/accounting.ts";
import type { AcctCursor } from "../../pmta/host/observe.ts";
import type { Store } from "../../store/index.ts";
import { feedbackPolicy } from "../config.ts";
import type { FeedbackPayload } from "./body.ts";
import { enqueueFeedback } from "./queue.ts";

export interface KeyedFeedback {
  readonly payload: FeedbackPayload;
  /** Unique within the batch. */
  readonly key: string;
}

/**
 * One bounce feedback per bounced or complaining recipient (the old engine's vocabulary: a hard
 * bounce is `hard`, any other refusal `soft`, a feedback-loop report `complaint`), and one delivery
 * feedback per recipient domain with the batch's count. Deferrals are not outcomes and send nothing.
 */
export function accountingFeedback(events: readonly AcctEvent[]): KeyedFeedback[] {
  const out: KeyedFeedback[] = [];
  const delivered = new Map<string, number>();
  events.forEach((event, i) => {
    const email = event.recipient;
    if (!email || !email.includes("@")) return;
    if (event.kind === "bounced") {
      const bounce_type = event.bounceClass === "hard" ? "hard" : "soft";
      out.push({ payload: { kind: "bounce", email, bounce_type }, key: `b${i}` });
    } else if (event.kind === "complaint") {
      out.push({ payload: { kind: "bounce", email, bounce_type: "complaint" }, key: `b${i}` });
    } else if (event.kind === "delivered" && event.recipientDomain?.includes(".")) {
      delivered.set(event.recipientDomain, (delivered.get(event.recipientDomain) ?? 0) + 1);
    }
  });
  for (const [domain, count] of [...delivered].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    out.push({ payload: { kind: "delivery", domain, count }, key: `d:${domain}` });
  return out;
}

/**
 * The `forward` hook of ingestAccounting for one PowerMTA host: queues the batch's feedback, each
 * keyed by host, cursor and record, so the same batch read again queues nothing new. Undefined when
 * api.feedback configures no URL, or when the host's source is the pipes (api.pmta.ledger).
 */
export function accountingForwarder(
  store: Pick<Store, "queue">,
  inventory: Inventory,
  host: string,
): ((events: readonly AcctEvent[], from: AcctCursor | null) => Promise<void>) | undefined {
  const policy = feedbackPolicy(inventory);
  // A server whose source is the pipes (api.pmta.ledger) is reported by the pipes' webhooks.
  if (policy === undefined || (inventory.api?.pmta?.ledger ?? []).includes(host)) return undefined;
  return async (events, from) => {
    const queue = await store.queue();
    const at = `acct:${host}:${JSON.stringify(from)}`;
    for (const f of accountingFeedback(events))
      await enqueueFeedback(queue, policy, f.payload, `${at}:${f.key}`);
  };
}
