// Campaigns and their reports (reference §3.6, §3.7).
import { assertSendableContent, base64, formatSendAt } from "./content.ts";
import { MailwizzNotFoundError, MailwizzProtocolError, MailwizzRefusedError } from "./errors.ts";
import type { FormParams } from "./form.ts";
import { collect } from "./paging.ts";
import type { Transport } from "./transport.ts";
import type { Bounce, Campaign, CampaignStats, CampaignSummary, DeliveryLog, Unsubscribe } from "./types.ts";
import { date, num, obj, text, uidOrNull } from "./types.ts";
import type { Templates } from "./templates.ts";

export type CampaignTemplateInput =
  | { readonly templateUid: string }
  | {
      readonly content: string;
      readonly plainText?: string;
      readonly autoPlainText?: boolean;
      readonly inlineCss?: boolean;
    };

export interface CampaignInput {
  readonly name: string;
  readonly fromName: string;
  readonly fromEmail: string;
  readonly replyTo: string;
  readonly subject: string;
  readonly toName?: string;
  readonly listUid: string;
  readonly segmentUid?: string;
  readonly type?: "regular" | "autoresponder";
  /** MailWizz accepts only these on create (default pending-sending). */
  readonly status?: "pending-sending" | "draft" | "paused";
  /** When to send; written in the customer's time zone (the client's `timezone` option). */
  readonly sendAt: Date;
  readonly template: CampaignTemplateInput;
  /** Delivery server ids; honoured only if the customer group allows choosing servers. */
  readonly deliveryServerIds?: readonly number[];
  /** campaign_option columns (open_tracking, url_tracking, …) as MailWizz names them. */
  readonly options?: Readonly<Record<string, string | number>>;
}

const PAUSABLE = new Set(["sending", "processing", "pending-sending"]);

function readCampaign(raw: unknown): Campaign {
  const r = obj(raw);
  return {
    uid: text(r.campaign_uid),
    name: text(r.name),
    type: text(r.type),
    status: text(r.status),
    fromName: text(r.from_name),
    fromEmail: text(r.from_email),
    toName: text(r.to_name),
    replyTo: text(r.reply_to),
    subject: text(r.subject),
    listUid: text(obj(r.list).list_uid),
    segmentUid: uidOrNull(r.segment, "segment_uid"),
    dateAdded: text(r.date_added),
    sendAt: text(r.send_at),
  };
}

function subscriberOf(raw: unknown): { subscriberUid: string; email: string } {
  const s = obj(obj(raw).subscriber);
  return { subscriberUid: text(s.subscriber_uid), email: text(s.email) };
}

export function readDeliveryLog(raw: unknown): DeliveryLog {
  const r = obj(raw);
  const campaign = obj(r.campaign);
  return {
    campaignUid: text(campaign.campaign_uid),
    listUid: text(obj(campaign.list).list_uid),
    ...subscriberOf(r),
    messageId: text(r.email_message_id),
    status: text(r.status),
    message: text(r.message),
    retries: num(r.retries),
    maxRetries: num(r.max_retries),
    deliveryConfirmed: text(r.delivery_confirmed) === "yes",
    dateAdded: date(r.date_added),
  };
}

export class Campaigns {
  constructor(
    private readonly transport: Transport,
    private readonly templates: Templates,
    /** The MailWizz customer's time zone, in which send_at is read. */
    private readonly timeZone: string,
  ) {}

  /**
   * Creates a campaign. Content without [UNSUBSCRIBE_URL] (or an equivalent) and [COMPANY_FULL_ADDRESS]
   * is refused before anything is written: inline content is checked locally; a stored template is
   * read (GET) and checked before the create is sent.
   */
  async create(input: CampaignInput): Promise<string> {
    const t = input.template;
    let template: FormParams;
    if ("templateUid" in t) {
      const stored = await this.templates.get(t.templateUid);
      if (stored === null)
        throw new MailwizzRefusedError(`template ${t.templateUid} does not exist`, "template_uid");
      assertSendableContent(stored.content, `template ${t.templateUid}`);
      template = { template_uid: t.templateUid };
    } else {
      assertSendableContent(t.content, `campaign "${input.name}"`);
      template = {
        content: base64(t.content),
        plain_text: t.plainText === undefined ? undefined : base64(t.plainText),
        auto_plain_text: t.autoPlainText === undefined ? undefined : t.autoPlainText ? "yes" : "no",
        inline_css: t.inlineCss === undefined ? undefined : t.inlineCss ? "yes" : "no",
      };
    }
    const envelope = await this.transport.request({
      method: "POST",
      route: "campaigns",
      retry: "unsafe",
      body: {
        campaign: {
          name: input.name,
          type: input.type,
          from_name: input.fromName,
          from_email: input.fromEmail,
          subject: input.subject,
          reply_to: input.replyTo,
          to_name: input.toName,
          send_at: formatSendAt(input.sendAt, this.timeZone),
          list_uid: input.listUid,
          segment_uid: input.segmentUid,
          status: input.status,
          delivery_servers: input.deliveryServerIds?.join(","),
          options: input.options,
          template,
        },
      },
    });
    const uid = text(envelope.campaign_uid);
    if (uid === "") throw new MailwizzProtocolError("MailWizz POST campaigns: no campaign_uid in the answer");
    return uid;
  }

  async get(campaignUid: string): Promise<Campaign | null> {
    try {
      const envelope = await this.transport.request({
        method: "GET",
        route: `campaigns/${campaignUid}`,
        retry: "safe",
      });
      return readCampaign(obj(envelope.data).record);
    } catch (error) {
      if (error instanceof MailwizzNotFoundError) return null;
      throw error;
    }
  }

  async list(): Promise<CampaignSummary[]> {
    return collect(this.transport, "campaigns", (raw) => {
      const r = obj(raw);
      return { uid: text(r.campaign_uid), name: text(r.name), type: text(r.type), status: text(r.status) };
    });
  }

  /**
   * Pauses a sending campaign and returns its status. MailWizz only has a toggle, which is not safe to
   * repeat, so the status is read first: an already paused campaign is left alone.
   */
  async pause(campaignUid: string): Promise<string> {
    const status = await this.#status(campaignUid);
    if (status === "paused") return status;
    if (!PAUSABLE.has(status))
      throw new MailwizzRefusedError(
        `campaign ${campaignUid} is ${status}; only a sending campaign can be paused`,
        "status",
      );
    return this.#toggle(campaignUid);
  }

  /** Resumes a paused campaign; a campaign already sending is left alone. */
  async unpause(campaignUid: string): Promise<string> {
    const status = await this.#status(campaignUid);
    if (PAUSABLE.has(status)) return status;
    if (status !== "paused")
      throw new MailwizzRefusedError(
        `campaign ${campaignUid} is ${status}; only a paused campaign can be resumed`,
        "status",
      );
    return this.#toggle(campaignUid);
  }

  /** Marks the campaign sent (MailWizz refuses with 400 unless it is paused/processing/pending/blocked). */
  async markSent(campaignUid: string): Promise<string> {
    const envelope = await this.transport.request({
      method: "PUT",
      route: `campaigns/${campaignUid}/mark-sent`,
      retry: "safe",
    });
    return text(obj(envelope.campaign).status);
  }

  async stats(campaignUid: string): Promise<CampaignStats> {
    const envelope = await this.transport.request({
      method: "GET",
      route: `campaigns/${campaignUid}/stats`,
      retry: "safe",
    });
    const d = obj(envelope.data);
    const counts: Record<string, number> = {};
    const rates: Record<string, number> = {};
    for (const [k, v] of Object.entries(d)) {
      if (k.endsWith("_count")) counts[k.slice(0, -6)] = num(v);
      else if (k.endsWith("_rate")) rates[k.slice(0, -5)] = num(v);
    }
    return { status: text(d.campaign_status), counts, rates };
  }

  async bounces(campaignUid: string): Promise<Bounce[]> {
    return collect(this.transport, `campaigns/${campaignUid}/bounces`, (raw) => {
      const r = obj(raw);
      const processed = text(r.processed) === "yes";
      return { ...subscriberOf(r), type: text(r.bounce_type), message: text(r.message), processed };
    });
  }

  /** Records a bounce (a hard bounce also blacklists the email in MailWizz). */
  async createBounce(
    campaignUid: string,
    bounce: { subscriberUid: string; type: "hard" | "soft" | "internal"; message?: string },
  ): Promise<void> {
    await this.transport.request({
      method: "POST",
      route: `campaigns/${campaignUid}/bounces`,
      body: { subscriber_uid: bounce.subscriberUid, bounce_type: bounce.type, message: bounce.message },
      retry: "unsafe",
    });
  }

  async unsubscribes(campaignUid: string): Promise<Unsubscribe[]> {
    return collect(this.transport, `campaigns/${campaignUid}/unsubscribes`, (raw) => {
      const r = obj(raw);
      return {
        ...subscriberOf(r),
        ipAddress: text(r.ip_address),
        userAgent: text(r.user_agent),
        reason: text(r.reason),
        note: text(r.note),
        dateAdded: date(r.date_added),
      };
    });
  }

  async deliveryLogs(campaignUid: string): Promise<DeliveryLog[]> {
    return collect(this.transport, `campaigns/${campaignUid}/delivery-logs`, readDeliveryLog);
  }

  async #status(campaignUid: string): Promise<string> {
    const campaign = await this.get(campaignUid);
    if (campaign === null)
      throw new MailwizzRefusedError(`campaign ${campaignUid} does not exist`, "campaign_uid");
    return campaign.status;
  }

  async #toggle(campaignUid: string): Promise<string> {
    const envelope = await this.transport.request({
      method: "PUT",
      route: `campaigns/${campaignUid}/pause-unpause`,
      retry: "unsafe",
    });
    return text(obj(envelope.campaign).status);
  }
}
