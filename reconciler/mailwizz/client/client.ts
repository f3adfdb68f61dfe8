// The MailWizz API client: one object per MailWizz install, grouping the resources. Delivery servers
// are read-only here because MailWizz's API has no write route for them (reference §4.1); they are
// written through MailWizz's database elsewhere (reconciler/mailwizz/delivery-servers/).
import { readDeliveryLog } from "./campaigns.ts";
import { Campaigns } from "./campaigns.ts";
import { MailwizzNotFoundError } from "./errors.ts";
import { Lists } from "./lists.ts";
import { collect } from "./paging.ts";
import { BULK_LIMIT, PHP_MAX_INPUT_VARS, Subscribers } from "./subscribers.ts";
import { Templates } from "./templates.ts";
import type { TransportOptions } from "./transport.ts";
import { Transport } from "./transport.ts";
import type { DeliveryLog, DeliveryServerSummary } from "./types.ts";
import { num, obj, text } from "./types.ts";

export interface MailwizzClientOptions extends TransportOptions {
  /** The MailWizz customer's time zone: campaign send_at is written in it (default "UTC"). */
  readonly timeZone?: string;
  /** Rows per bulk-import request (default 1,000; at most MailWizz's 10,000). */
  readonly bulkChunkSize?: number;
  /** The server's php.ini max_input_vars (default PHP's 1,000); bulk requests stay within it. */
  readonly maxInputVars?: number;
}

/** MailWizz generates `sha1@domain` ids; the route accepts only these characters (reference §3.7). */
const MESSAGE_ID = /^[a-z0-9@._-]+$/i;

function readServer(raw: unknown): DeliveryServerSummary {
  const r = obj(raw);
  return {
    id: num(r.server_id),
    type: text(r.type),
    name: text(r.name),
    hostname: text(r.hostname),
    status: text(r.status),
  };
}

export class MailwizzClient {
  readonly lists: Lists;
  readonly subscribers: Subscribers;
  readonly templates: Templates;
  readonly campaigns: Campaigns;
  readonly #transport: Transport;

  constructor(options: MailwizzClientOptions) {
    this.#transport = new Transport(options);
    const chunk = Math.min(BULK_LIMIT, Math.max(1, options.bulkChunkSize ?? 1_000));
    this.lists = new Lists(this.#transport);
    this.subscribers = new Subscribers(this.#transport, chunk, options.maxInputVars ?? PHP_MAX_INPUT_VARS);
    this.templates = new Templates(this.#transport);
    this.campaigns = new Campaigns(this.#transport, this.templates, options.timeZone ?? "UTC");
  }

  get baseUrl(): string {
    return this.#transport.baseUrl;
  }

  /**
   * The campaign delivery log of a message, by its Message-Id (with or without <>), or null when
   * MailWizz has none. Ids MailWizz cannot have generated (characters outside its route's pattern)
   * answer null without a request.
   */
  async deliveryLogByMessageId(messageId: string): Promise<DeliveryLog | null> {
    const id = messageId.trim().replace(/^<|>$/g, "");
    if (!MESSAGE_ID.test(id)) return null;
    try {
      const envelope = await this.#transport.request({
        method: "GET",
        route: `campaigns/delivery-logs/email-message-id/${id}`,
        retry: "safe",
      });
      return readDeliveryLog(obj(envelope.data).record);
    } catch (error) {
      if (error instanceof MailwizzNotFoundError) return null;
      throw error;
    }
  }

  /** The delivery servers the API key's customer owns (system servers are never listed by the API). */
  async deliveryServers(): Promise<DeliveryServerSummary[]> {
    return collect(this.#transport, "delivery-servers", readServer);
  }

  async deliveryServer(serverId: number): Promise<DeliveryServerSummary | null> {
    try {
      const envelope = await this.#transport.request({
        method: "GET",
        route: `delivery-servers/${serverId}`,
        retry: "safe",
      });
      return readServer(obj(envelope.data).record);
    } catch (error) {
      if (error instanceof MailwizzNotFoundError) return null;
      throw error;
    }
  }
}
