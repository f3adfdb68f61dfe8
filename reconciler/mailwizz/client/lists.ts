// Lists, their custom fields and segments (reference §3.1–§3.3).
import { MailwizzNotFoundError, MailwizzProtocolError } from "./errors.ts";
import { allRecords, collect } from "./paging.ts";
import type { Transport } from "./transport.ts";
import type { ListField, MailwizzList, Segment } from "./types.ts";
import { num, obj, text } from "./types.ts";

export interface ListCompanyInput {
  readonly name: string;
  /** Country name as MailWizz knows it ("Germany"); MailWizz looks the id up. */
  readonly country: string;
  readonly address1: string;
  readonly address2?: string;
  readonly city: string;
  readonly zipCode: string;
  readonly zoneName?: string;
  readonly phone?: string;
  readonly website?: string;
  /** Defaults to a MailWizz-style address block built from the company tags. */
  readonly addressFormat?: string;
}

export interface ListInput {
  readonly name: string;
  readonly description: string;
  readonly displayName?: string;
  readonly optIn?: "single" | "double";
  readonly optOut?: "single" | "double";
  readonly fromName: string;
  readonly fromEmail: string;
  readonly replyTo: string;
  readonly subject?: string;
  readonly company: ListCompanyInput;
}

/** The fields of a list update; company and notifications are left as they are. */
export type ListUpdate = Partial<
  Pick<ListInput, "name" | "description" | "displayName" | "fromName" | "fromEmail" | "replyTo" | "subject">
>;

const DEFAULT_ADDRESS_FORMAT =
  "[COMPANY_NAME]\n[COMPANY_ADDRESS_1] [COMPANY_ADDRESS_2]\n[COMPANY_CITY] [COMPANY_ZONE] [COMPANY_ZIP]\n[COMPANY_COUNTRY]";

export function readList(record: unknown): MailwizzList {
  const r = obj(record);
  const general = obj(r.general);
  const defaults = obj(r.defaults);
  const companyRaw = obj(r.company);
  const company: Record<string, string> = {};
  for (const [k, v] of Object.entries(companyRaw)) if (typeof v === "string") company[k] = v;
  const country = text(obj(companyRaw.country).name);
  if (country !== "") company.country = country;
  return {
    uid: text(general.list_uid),
    name: text(general.name),
    displayName: text(general.display_name),
    description: text(general.description),
    fromName: text(defaults.from_name),
    fromEmail: text(defaults.from_email),
    replyTo: text(defaults.reply_to),
    subject: text(defaults.subject),
    company,
  };
}

export class Lists {
  constructor(private readonly transport: Transport) {}

  /** Creates a list (and MailWizz's default EMAIL/FNAME/LNAME fields); returns its uid. */
  async create(input: ListInput): Promise<string> {
    const c = input.company;
    const envelope = await this.transport.request({
      method: "POST",
      route: "lists",
      retry: "unsafe",
      body: {
        general: {
          name: input.name,
          description: input.description,
          display_name: input.displayName,
          opt_in: input.optIn,
          opt_out: input.optOut,
        },
        defaults: {
          from_name: input.fromName,
          from_email: input.fromEmail,
          reply_to: input.replyTo,
          subject: input.subject,
        },
        company: {
          name: c.name,
          country: c.country,
          address_1: c.address1,
          address_2: c.address2,
          city: c.city,
          zip_code: c.zipCode,
          zone_name: c.zoneName,
          phone: c.phone,
          website: c.website,
          address_format: c.addressFormat ?? DEFAULT_ADDRESS_FORMAT,
        },
      },
    });
    const uid = text(envelope.list_uid);
    if (uid === "") throw new MailwizzProtocolError("MailWizz POST lists: no list_uid in the answer");
    return uid;
  }

  /**
   * Changes a list (PUT lists/{uid}): only the fields given are sent, MailWizz keeps the others.
   * A PUT that sets values is safe to repeat.
   */
  async update(listUid: string, input: ListUpdate): Promise<void> {
    await this.transport.request({
      method: "PUT",
      route: `lists/${listUid}`,
      retry: "safe",
      body: {
        general: { name: input.name, description: input.description, display_name: input.displayName },
        defaults: {
          from_name: input.fromName,
          from_email: input.fromEmail,
          reply_to: input.replyTo,
          subject: input.subject,
        },
      },
    });
  }

  /** The list, or null when MailWizz says it does not exist. */
  async get(listUid: string): Promise<MailwizzList | null> {
    try {
      const envelope = await this.transport.request({
        method: "GET",
        route: `lists/${listUid}`,
        retry: "safe",
      });
      return readList(obj(envelope.data).record);
    } catch (error) {
      if (error instanceof MailwizzNotFoundError) return null;
      throw error;
    }
  }

  async list(): Promise<MailwizzList[]> {
    return collect(this.transport, "lists", readList);
  }

  /** The first list named exactly `name`, searching every page; null when there is none. */
  async findByName(name: string): Promise<MailwizzList | null> {
    for await (const record of allRecords(this.transport, "lists")) {
      const list = readList(record);
      if (list.name === name) return list;
    }
    return null;
  }

  /** The list's custom fields ([] when it has none; MailWizz answers 404 for that). */
  async fields(listUid: string): Promise<ListField[]> {
    try {
      const envelope = await this.transport.request({
        method: "GET",
        route: `lists/${listUid}/fields`,
        retry: "safe",
      });
      const records = obj(envelope.data).records;
      return (Array.isArray(records) ? records : []).map((raw: unknown) => {
        const r = obj(raw);
        return {
          tag: text(r.tag),
          label: text(r.label),
          required: text(r.required) === "yes",
          type: text(obj(r.type).identifier),
          helpText: text(r.help_text),
        };
      });
    } catch (error) {
      if (
        error instanceof MailwizzNotFoundError &&
        error.errors.some((e) => e.message.includes("custom field"))
      )
        return [];
      throw error;
    }
  }

  async segments(listUid: string): Promise<Segment[]> {
    return collect(this.transport, `lists/${listUid}/segments`, (raw) => {
      const r = obj(raw);
      return { uid: text(r.segment_uid), name: text(r.name), subscribersCount: num(r.subscribers_count) };
    });
  }
}
