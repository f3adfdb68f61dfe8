// List subscribers (reference §3.4): create, bulk create in chunks, search, update, unsubscribe.
import type { FieldError } from "./errors.ts";
import { MailwizzAuthError, MailwizzNotFoundError, MailwizzProtocolError } from "./errors.ts";
import { flattenErrors } from "./errors.ts";
import type { FormParams } from "./form.ts";
import { formPairs } from "./form.ts";
import { collect } from "./paging.ts";
import type { Transport } from "./transport.ts";
import type { BulkRowResult, CreatedSubscriber, Subscriber } from "./types.ts";
import { date, obj, text } from "./types.ts";

export type SettableStatus = "confirmed" | "unconfirmed" | "unsubscribed";

export interface SubscriberInput {
  readonly email: string;
  /** Custom-field values by TAG (FNAME, LNAME, …); arrays for multi-value fields. */
  readonly fields?: Readonly<Record<string, string | readonly string[]>>;
  /** On create also "unapproved" or "blacklisted". Default: the list's opt-in decides. */
  readonly status?: SettableStatus | "unapproved" | "blacklisted";
  readonly ipAddress?: string;
  readonly source?: "api" | "import" | "web";
}

export interface SubscriberUpdate {
  readonly email?: string;
  /** Only the fields sent change; required fields other than EMAIL must be re-sent (reference §3.4). */
  readonly fields?: Readonly<Record<string, string | readonly string[]>>;
  readonly status?: SettableStatus;
}

/** MailWizz accepts at most 10,000 rows per bulk request and silently drops the rest. */
export const BULK_LIMIT = 10_000;
/**
 * PHP's default max_input_vars. PHP counts every form pair of a POST (nested ones too) and silently
 * drops those past the limit, so a bulk body of more pairs would lose its last rows without an error.
 */
export const PHP_MAX_INPUT_VARS = 1_000;
const KEYS = new Set(["subscriber_uid", "status", "source", "ip_address", "date_added"]);

function form(input: SubscriberInput | SubscriberUpdate): FormParams {
  return {
    ...input.fields,
    EMAIL: input.email,
    details: {
      status: input.status,
      ip_address: "ipAddress" in input ? input.ipAddress : undefined,
      source: "source" in input ? input.source : undefined,
    },
  };
}

export function readSubscriber(raw: unknown): Subscriber {
  const r = obj(raw);
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) if (!KEYS.has(k) && typeof v === "string") fields[k] = v;
  return {
    uid: text(r.subscriber_uid),
    status: text(r.status),
    source: text(r.source),
    ipAddress: text(r.ip_address),
    fields,
    dateAdded: date(r.date_added),
  };
}

/** Splits rows into chunks of at most `maxRows` rows and at most `maxPairs` form pairs each. */
export function chunkRows<T>(
  rows: readonly T[],
  pairsOf: (row: T) => number,
  maxRows: number,
  maxPairs: number,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let pairs = 0;
  for (const row of rows) {
    const n = pairsOf(row);
    if (current.length > 0 && (current.length >= maxRows || pairs + n > maxPairs)) {
      chunks.push(current);
      current = [];
      pairs = 0;
    }
    current.push(row);
    pairs += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class Subscribers {
  constructor(
    private readonly transport: Transport,
    private readonly chunkSize: number,
    /** The server's max_input_vars (PHP_MAX_INPUT_VARS unless the operator raised it). */
    private readonly maxInputVars: number,
  ) {}

  async create(listUid: string, input: SubscriberInput): Promise<CreatedSubscriber> {
    const envelope = await this.transport.request({
      method: "POST",
      route: `lists/${listUid}/subscribers`,
      body: form(input),
      retry: "unsafe",
    });
    const record = obj(obj(envelope.data).record);
    const uid = text(record.subscriber_uid);
    if (uid === "")
      throw new MailwizzProtocolError("MailWizz POST subscribers: no subscriber_uid in the answer");
    return { uid, email: text(record.email) };
  }

  /**
   * Creates many subscribers, at most `chunkSize` rows and `maxInputVars` form pairs per request, and
   * returns one result per input row in input order. A chunk refused as a whole (e.g. a network
   * failure) marks its rows with that error and the import goes on; auth, protocol and not-found
   * failures stop it, since every chunk would fail the same way.
   */
  async bulkCreate(listUid: string, rows: readonly SubscriberInput[]): Promise<BulkRowResult[]> {
    const results: BulkRowResult[] = [];
    // The "subscribers[i]" prefix does not change the count: one pair per leaf value.
    const pairsOf = (row: SubscriberInput) => formPairs(form(row)).length;
    let start = 0;
    for (const chunk of chunkRows(rows, pairsOf, this.chunkSize, this.maxInputVars)) {
      let records: unknown[] = [];
      let chunkError: FieldError | undefined;
      try {
        const envelope = await this.transport.request({
          method: "POST",
          route: `lists/${listUid}/subscribers/bulk`,
          body: { subscribers: chunk.map(form) },
          retry: "unsafe",
        });
        const raw = obj(envelope.data).records;
        records = Array.isArray(raw) ? raw : [];
      } catch (error) {
        if (error instanceof MailwizzAuthError || error instanceof MailwizzProtocolError) throw error;
        if (error instanceof MailwizzNotFoundError) throw error;
        chunkError = { field: "_request", message: error instanceof Error ? error.message : String(error) };
      }
      chunk.forEach((row, i) => {
        const index = start + i;
        if (chunkError !== undefined) return results.push({ index, email: row.email, errors: [chunkError] });
        const record = obj(records[i]);
        const errors = flattenErrors(record.errors);
        const uid = text(obj(record.data).subscriber_uid);
        if (records[i] === undefined)
          errors.push({ field: "_common", message: "MailWizz returned no result for this row" });
        results.push(
          uid !== "" && errors.length === 0
            ? { index, email: row.email, uid, errors }
            : { index, email: row.email, errors },
        );
      });
      start += chunk.length;
    }
    return results;
  }

  /** The subscriber with this email in the list, or null. An unknown list is an error, not null. */
  async searchByEmail(
    listUid: string,
    email: string,
  ): Promise<{ uid: string; status: string; dateAdded: string | null } | null> {
    try {
      const envelope = await this.transport.request({
        method: "GET",
        route: `lists/${listUid}/subscribers/search-by-email`,
        query: { EMAIL: email },
        retry: "safe",
      });
      const d = obj(envelope.data);
      return { uid: text(d.subscriber_uid), status: text(d.status), dateAdded: date(d.date_added) };
    } catch (error) {
      if (
        error instanceof MailwizzNotFoundError &&
        !error.errors.some((e) => e.message.includes("list does not"))
      )
        return null;
      throw error;
    }
  }

  async get(listUid: string, subscriberUid: string): Promise<Subscriber | null> {
    try {
      const envelope = await this.transport.request({
        method: "GET",
        route: `lists/${listUid}/subscribers/${subscriberUid}`,
        retry: "safe",
      });
      return readSubscriber(obj(envelope.data).record);
    } catch (error) {
      if (
        error instanceof MailwizzNotFoundError &&
        !error.errors.some((e) => e.message.includes("list does not"))
      )
        return null;
      throw error;
    }
  }

  /** Every subscriber of the list (newest first), optionally only those with `status`. */
  async list(listUid: string, status?: string): Promise<Subscriber[]> {
    return collect(this.transport, `lists/${listUid}/subscribers`, readSubscriber, { status });
  }

  /** Updates fields/status. Repeating it has the same effect, so it is retried like a read. */
  async update(listUid: string, subscriberUid: string, update: SubscriberUpdate): Promise<void> {
    await this.transport.request({
      method: "PUT",
      route: `lists/${listUid}/subscribers/${subscriberUid}`,
      body: form(update),
      retry: "safe",
    });
  }

  /**
   * Create-or-update by email (MailWizz's create is not an upsert: it answers 409 for an existing
   * subscriber). Returns the uid and whether it was created.
   */
  async upsert(listUid: string, input: SubscriberInput): Promise<{ uid: string; created: boolean }> {
    const found = await this.searchByEmail(listUid, input.email);
    if (found === null) return { uid: (await this.create(listUid, input)).uid, created: true };
    const status =
      input.status === "confirmed" || input.status === "unconfirmed" || input.status === "unsubscribed"
        ? input.status
        : undefined;
    await this.update(listUid, found.uid, { fields: input.fields, status });
    return { uid: found.uid, created: false };
  }

  /** Deletes the subscriber from the list (data-subject erasure). A subscriber already gone is not an
   *  error: repeating an erasure must succeed. */
  async delete(listUid: string, subscriberUid: string): Promise<void> {
    try {
      await this.transport.request({
        method: "DELETE",
        route: `lists/${listUid}/subscribers/${subscriberUid}`,
        retry: "safe",
      });
    } catch (error) {
      if (error instanceof MailwizzNotFoundError) return;
      throw error;
    }
  }

  /** Unsubscribes a confirmed subscriber; MailWizz answers success (and changes nothing) otherwise. */
  async unsubscribe(listUid: string, subscriberUid: string): Promise<void> {
    await this.transport.request({
      method: "PUT",
      route: `lists/${listUid}/subscribers/${subscriberUid}/unsubscribe`,
      retry: "safe",
    });
  }
}
