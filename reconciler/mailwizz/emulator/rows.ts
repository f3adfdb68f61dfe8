// Rows of the emulator's in-memory tables. Column names follow MailWizz's tables (reference §3,
// §4.2) so that what tests and the embedded default write through the side door looks like SQL rows.

export type SubscriberStatus =
  "confirmed" | "unconfirmed" | "unsubscribed" | "unapproved" | "blacklisted" | "disabled" | "moved";

export type CampaignStatus =
  | "draft"
  | "pending-sending"
  | "sending"
  | "sent"
  | "processing"
  | "paused"
  | "pending-delete"
  | "blocked"
  | "pending-approve";

export interface ListRow {
  list_id: number;
  list_uid: string;
  customer_id: number;
  status: "active" | "pending-delete" | "archived";
  general: Record<string, string>;
  defaults: Record<string, string>;
  notifications: Record<string, string>;
  company: Record<string, string>;
}

export interface FieldRow {
  field_id: number;
  list_id: number;
  tag: string;
  label: string;
  required: "yes" | "no";
  type: string;
  sort_order: number;
  default_value: string;
  help_text: string;
}

export interface SegmentRow {
  segment_id: number;
  segment_uid: string;
  list_id: number;
  name: string;
  /** Segment conditions are not modelled: tests say how many subscribers match. */
  subscribers_count: number;
}

export interface SubscriberRow {
  subscriber_id: number;
  subscriber_uid: string;
  list_id: number;
  email: string;
  status: SubscriberStatus;
  source: "api" | "import" | "web";
  ip_address: string;
  date_added: string;
  /** Custom-field values by TAG (EMAIL included). */
  values: Record<string, string>;
}

export interface TemplateRow {
  template_id: number;
  template_uid: string;
  customer_id: number;
  name: string;
  content: string;
}

export interface CampaignRow {
  campaign_id: number;
  campaign_uid: string;
  customer_id: number;
  list_id: number;
  segment_id: number | null;
  type: "regular" | "autoresponder";
  name: string;
  from_name: string;
  from_email: string;
  to_name: string;
  reply_to: string;
  subject: string;
  status: CampaignStatus;
  send_at: string;
  date_added: string;
  content: string;
  plain_text: string;
  delivery_server_ids: number[];
  options: Record<string, string>;
}

export interface DeliveryLogRow {
  log_id: number;
  campaign_id: number;
  subscriber_id: number;
  message: string;
  retries: number;
  max_retries: number;
  email_message_id: string;
  delivery_confirmed: "yes" | "no";
  status: string;
  date_added: string;
}

export interface BounceRow {
  log_id: number;
  campaign_id: number;
  subscriber_id: number;
  message: string;
  bounce_type: "hard" | "soft" | "internal";
  processed: "yes" | "no";
}

export interface UnsubscribeRow {
  log_id: number;
  campaign_id: number;
  subscriber_id: number;
  ip_address: string;
  user_agent: string;
  reason: string;
  note: string;
  date_added: string;
}

/** A row of `mw_delivery_server` (the columns the reconciler manages). customer_id null = system. */
export interface DeliveryServerRow {
  server_id: number;
  customer_id: number | null;
  type: string;
  name: string;
  hostname: string;
  username: string;
  password: string;
  port: number;
  protocol: "" | "tls" | "ssl" | "starttls";
  from_email: string;
  from_name: string;
  hourly_quota: number;
  daily_quota: number;
  monthly_quota: number;
  /** PHP-serialized array, as MailWizz stores it. */
  meta_data: string | null;
  status: "active" | "in-use" | "inactive" | "disabled" | "hidden" | "pending-delete";
  date_added: string;
  last_updated: string;
}

export interface Country {
  country_id: string;
  name: string;
  code: string;
}

/** A few rows of MailWizz's `country` table; enough for list companies. */
export const COUNTRIES: readonly Country[] = [
  { country_id: "223", name: "United States", code: "US" },
  { country_id: "222", name: "United Kingdom", code: "GB" },
  { country_id: "81", name: "Germany", code: "DE" },
  { country_id: "73", name: "France", code: "FR" },
  { country_id: "150", name: "Netherlands", code: "NL" },
];
