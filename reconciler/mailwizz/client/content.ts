// Campaign/template content rules the client enforces before sending (reference §2.2, §3.6).
import { MailwizzRefusedError } from "./errors.ts";

/** Any of these satisfies MailWizz's default unsubscribe requirement (CampaignTemplate.php). */
export const UNSUBSCRIBE_TAGS = [
  "[UNSUBSCRIBE_URL]",
  "[UNSUBSCRIBE_LINK]",
  "[DIRECT_UNSUBSCRIBE_URL]",
  "[DIRECT_UNSUBSCRIBE_LINK]",
] as const;
export const COMPANY_ADDRESS_TAG = "[COMPANY_FULL_ADDRESS]";

/** The required tags that `html` lacks, in MailWizz's wording order; [] when it may be sent. */
export function missingRequiredTags(html: string): string[] {
  const missing: string[] = [];
  if (!html.includes(COMPANY_ADDRESS_TAG)) missing.push(COMPANY_ADDRESS_TAG);
  if (!UNSUBSCRIBE_TAGS.some((t) => html.includes(t))) missing.push("[UNSUBSCRIBE_URL]");
  return missing;
}

/** Throws MailwizzRefusedError naming the missing tags; `what` says whose content it is. */
export function assertSendableContent(html: string, what: string): void {
  const missing = missingRequiredTags(html);
  if (missing.length > 0)
    throw new MailwizzRefusedError(
      `${what} lacks the tags MailWizz requires in campaign content: ${missing.join(", ")} ` +
        `(an unsubscribe link and the sender's postal address are also legal requirements for bulk mail)`,
      "content",
    );
}

/** Base64 for HTML/text fields: MailWizz strips tags from every plain POST value (IOFilter). */
export function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/** "Y-m-d H:i:s" of `at` in `timeZone` (MailWizz reads campaign send_at in the customer's zone). */
export function formatSendAt(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}:${get("second")}`;
}
