// The emulator's in-memory database: one customer (the API key's owner) and the rows MailWizz keeps
// for it. Column names follow MailWizz's tables (reference/mailwizz-api.md §3, §4.2) so that the
// "side door" used by tests and by the embedded default looks like a direct SQL write would.
import { randomBytes } from "node:crypto";
import type {
  ListRow,
  FieldRow,
  SegmentRow,
  SubscriberRow,
  TemplateRow,
  CampaignRow,
  DeliveryLogRow,
  BounceRow,
  UnsubscribeRow,
  DeliveryServerRow,
} from "./rows.ts";

export type {
  SubscriberStatus,
  CampaignStatus,
  ListRow,
  FieldRow,
  SegmentRow,
  SubscriberRow,
  TemplateRow,
  CampaignRow,
  DeliveryLogRow,
  BounceRow,
  UnsubscribeRow,
  DeliveryServerRow,
  Country,
} from "./rows.ts";
export { COUNTRIES } from "./rows.ts";

/** A MailWizz uid: 2 letters, 3 hex, 5 lowercase alphanumerics, 3 hex (StringHelper::uniqid). */
export function newUid(): string {
  const bytes = randomBytes(13);
  const pick = (alphabet: string, i: number) => alphabet[bytes[i]! % alphabet.length]!;
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const hex = "0123456789abcdef";
  const alnum = letters + "0123456789";
  const kinds = [letters, letters, hex, hex, hex, alnum, alnum, alnum, alnum, alnum, hex, hex, hex];
  return kinds.map((a, i) => pick(a, i)).join("");
}

/** "YYYY-MM-DD HH:MM:SS" in UTC, MySQL's DATETIME text. */
export function dbDate(at: Date): string {
  return at.toISOString().slice(0, 19).replace("T", " ");
}

export class EmulatorStore {
  readonly customerId = 1;
  customerStatus: "active" | "inactive" = "active";
  apiEnabled = true;
  readonly lists: ListRow[] = [];
  readonly fields: FieldRow[] = [];
  readonly segments: SegmentRow[] = [];
  readonly subscribers: SubscriberRow[] = [];
  readonly templates: TemplateRow[] = [];
  readonly campaigns: CampaignRow[] = [];
  readonly deliveryLogs: DeliveryLogRow[] = [];
  readonly bounces: BounceRow[] = [];
  readonly unsubscribes: UnsubscribeRow[] = [];
  readonly deliveryServers: DeliveryServerRow[] = [];
  /** The global email blacklist (hard bounces land here). Lower-cased emails. */
  readonly blacklist = new Set<string>();
  /** (list_id, lower-cased email) → subscriber, so a 10,000-row import stays linear. */
  private readonly byEmail = new Map<string, SubscriberRow>();
  private nextId = 1;

  constructor(readonly now: () => Date = () => new Date()) {}

  id(): number {
    return this.nextId++;
  }

  nowDb(): string {
    return dbDate(this.now());
  }

  listByUid(uid: string): ListRow | undefined {
    return this.lists.find((l) => l.list_uid === uid && l.customer_id === this.customerId);
  }

  fieldsOf(listId: number): FieldRow[] {
    return this.fields.filter((f) => f.list_id === listId).sort((a, b) => a.sort_order - b.sort_order);
  }

  subscriberByEmail(listId: number, email: string): SubscriberRow | undefined {
    return this.byEmail.get(`${listId}\n${email.toLowerCase()}`);
  }

  addSubscriber(row: Omit<SubscriberRow, "subscriber_id" | "subscriber_uid">): SubscriberRow {
    const full: SubscriberRow = { subscriber_id: this.id(), subscriber_uid: newUid(), ...row };
    this.subscribers.push(full);
    this.byEmail.set(`${full.list_id}\n${full.email.toLowerCase()}`, full);
    return full;
  }

  removeSubscriber(row: SubscriberRow): void {
    const at = this.subscribers.indexOf(row);
    if (at >= 0) this.subscribers.splice(at, 1);
    this.byEmail.delete(`${row.list_id}\n${row.email.toLowerCase()}`);
  }

  reindexEmail(row: SubscriberRow, oldEmail: string): void {
    this.byEmail.delete(`${row.list_id}\n${oldEmail.toLowerCase()}`);
    this.byEmail.set(`${row.list_id}\n${row.email.toLowerCase()}`, row);
  }

  campaignByUid(uid: string): CampaignRow | undefined {
    return this.campaigns.find(
      (c) => c.campaign_uid === uid && c.customer_id === this.customerId && c.status !== "pending-delete",
    );
  }

  /** Side door: a segment (the 2.1.13 API cannot create them). */
  addSegment(listUid: string, name: string, subscribersCount = 0): SegmentRow {
    const list = this.listByUid(listUid);
    if (list === undefined) throw new Error(`no list ${listUid}`);
    const row = { segment_id: this.id(), segment_uid: newUid(), list_id: list.list_id, name };
    const full: SegmentRow = { ...row, subscribers_count: subscribersCount };
    this.segments.push(full);
    return full;
  }

  /** Side door: what MailWizz's sender writes after handing a message to the MTA. */
  addDeliveryLog(campaignUid: string, subscriberUid: string, messageId: string, status = "success"): void {
    const campaign = this.campaigns.find((c) => c.campaign_uid === campaignUid);
    const subscriber = this.subscribers.find((s) => s.subscriber_uid === subscriberUid);
    if (campaign === undefined || subscriber === undefined) throw new Error("no such campaign/subscriber");
    this.deliveryLogs.push({
      log_id: this.id(),
      campaign_id: campaign.campaign_id,
      subscriber_id: subscriber.subscriber_id,
      message: status === "success" ? "OK" : "Failed",
      retries: 0,
      max_retries: 3,
      email_message_id: messageId,
      delivery_confirmed: "yes",
      status,
      date_added: this.nowDb(),
    });
  }

  /** Side door: an unsubscribe through the campaign's link. */
  addUnsubscribe(campaignUid: string, subscriberUid: string, reason = ""): void {
    const campaign = this.campaigns.find((c) => c.campaign_uid === campaignUid);
    const subscriber = this.subscribers.find((s) => s.subscriber_uid === subscriberUid);
    if (campaign === undefined || subscriber === undefined) throw new Error("no such campaign/subscriber");
    subscriber.status = "unsubscribed";
    this.unsubscribes.push({
      log_id: this.id(),
      campaign_id: campaign.campaign_id,
      subscriber_id: subscriber.subscriber_id,
      ip_address: "127.0.0.1",
      user_agent: "",
      reason,
      note: "",
      date_added: this.nowDb(),
    });
  }

  /** Side door: the equivalent of an INSERT into mw_delivery_server. Returns the new server_id. */
  insertDeliveryServer(row: Omit<DeliveryServerRow, "server_id" | "date_added" | "last_updated">): number {
    const now = this.nowDb();
    const serverId = this.deliveryServers.reduce((m, s) => Math.max(m, s.server_id), 0) + 1;
    this.deliveryServers.push({ ...row, server_id: serverId, date_added: now, last_updated: now });
    return serverId;
  }

  /** Side door: the equivalent of an UPDATE of mw_delivery_server by server_id. */
  updateDeliveryServer(serverId: number, patch: Partial<Omit<DeliveryServerRow, "server_id">>): boolean {
    const row = this.deliveryServers.find((s) => s.server_id === serverId);
    if (row === undefined) return false;
    Object.assign(row, patch, { last_updated: this.nowDb() });
    return true;
  }
}
