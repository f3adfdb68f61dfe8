// What the client returns, and the tolerant readers that turn MailWizz's loosely typed JSON into it
// (reference §6.6): ids and counts arrive as strings, empty objects as `[]`, the create-time date as
// `{"expression":"NOW()","params":[]}`, campaign dates as localized display strings.
import type { FieldError } from "./errors.ts";

export interface MailwizzList {
  readonly uid: string;
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly fromName: string;
  readonly fromEmail: string;
  readonly replyTo: string;
  readonly subject: string;
  readonly company: Readonly<Record<string, string>>;
}

export interface ListField {
  readonly tag: string;
  readonly label: string;
  readonly required: boolean;
  /** Field type identifier: text, dropdown, date, … */
  readonly type: string;
  readonly helpText: string;
}

export interface Segment {
  readonly uid: string;
  readonly name: string;
  readonly subscribersCount: number;
}

export interface Subscriber {
  readonly uid: string;
  readonly status: string;
  readonly source: string;
  readonly ipAddress: string;
  /** Custom-field values by TAG (EMAIL, FNAME, …); multi-values arrive joined by ", ". */
  readonly fields: Readonly<Record<string, string>>;
  /** "YYYY-MM-DD HH:MM:SS" as MailWizz stored it; null when not sent or still the NOW() expression. */
  readonly dateAdded: string | null;
}

export interface CreatedSubscriber {
  readonly uid: string;
  readonly email: string;
  readonly status?: string;
}

export interface BulkRowResult {
  /** Position in the caller's input array. */
  readonly index: number;
  readonly email: string;
  readonly uid?: string;
  /** Empty on success. */
  readonly errors: readonly FieldError[];
}

export interface Template {
  readonly uid: string;
  readonly name: string;
  /** The HTML as MailWizz stores it (decoded). */
  readonly content: string;
}

export interface CampaignSummary {
  readonly uid: string;
  readonly name: string;
  readonly type: string;
  readonly status: string;
}

export interface Campaign extends CampaignSummary {
  readonly fromName: string;
  readonly fromEmail: string;
  readonly toName: string;
  readonly replyTo: string;
  readonly subject: string;
  readonly listUid: string;
  readonly segmentUid: string | null;
  /** Localized display strings in the customer's time zone (e.g. "11/24/26 8:05 PM"), as sent. */
  readonly dateAdded: string;
  readonly sendAt: string;
}

export interface CampaignStats {
  readonly status: string;
  /** `<name>_count` values by name: subscribers, processed, delivery_success, bounces, hard_bounces, … */
  readonly counts: Readonly<Record<string, number>>;
  /** `<name>_rate` values (percent, 0–100) by name. */
  readonly rates: Readonly<Record<string, number>>;
}

export interface Bounce {
  readonly subscriberUid: string;
  readonly email: string;
  readonly type: string;
  readonly message: string;
  readonly processed: boolean;
}

export interface Unsubscribe {
  readonly subscriberUid: string;
  readonly email: string;
  readonly ipAddress: string;
  readonly userAgent: string;
  readonly reason: string;
  readonly note: string;
  readonly dateAdded: string | null;
}

export interface DeliveryLog {
  readonly campaignUid: string;
  readonly listUid: string;
  readonly subscriberUid: string;
  readonly email: string;
  readonly messageId: string;
  readonly status: string;
  readonly message: string;
  readonly retries: number;
  readonly maxRetries: number;
  readonly deliveryConfirmed: boolean;
  readonly dateAdded: string | null;
}

export interface DeliveryServerSummary {
  readonly id: number;
  readonly type: string;
  readonly name: string;
  readonly hostname: string;
  readonly status: string;
}

// --- tolerant readers -------------------------------------------------------------------------

/** An object, or {} for PHP's empty array `[]`, null, or anything that is not an object. */
export function obj(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** A string from a string or number; "" for null, missing, arrays and objects. */
export function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

/** A number from a number or numeric string ("13"); 0 when absent or not numeric. */
export function num(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

/** A date as MailWizz sent it, or null for the unsaved `NOW()` expression and missing values. */
export function date(value: unknown): string | null {
  if (typeof value === "string" && value !== "") return value;
  return null;
}

export function uidOrNull(value: unknown, key: string): string | null {
  const v = text(obj(value)[key]);
  return v === "" ? null : v;
}
