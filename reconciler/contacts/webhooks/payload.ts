// The contacts delivery a sibling tool posts (the seed's payload): { source, contacts: [{ email,
// first_name, last_name, country }] } with optional tenant, list and collected_at. Checked here for
// shape only; whether an address is any good is the import pipeline's verdict, counted in its report.
// Unknown fields are ignored so a sender may add some without breaking the hook.
import type { ContactInput } from "../import/types.ts";

/** More contacts than this in one delivery is refused: send several deliveries. */
export const MAX_CONTACTS = 10_000;
const MAX_TEXT = 256;
const MAX_EMAIL = 512;
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export interface ContactDelivery {
  /** The sender's own label of where it found the contacts (e.g. "google-maps"). */
  readonly source: string;
  readonly tenant?: string;
  readonly list?: string;
  /** ISO time the sender collected the contacts, normalized to UTC. */
  readonly collectedAt?: string;
  readonly contacts: readonly ContactInput[];
}

/** A body that is not the expected JSON: `field` is a JSON path such as contacts[3].email. */
export class PayloadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(field === "" ? message : `${field}: ${message}`);
  }
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function text(record: Record<string, unknown>, key: string, path: string, max: number): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new PayloadError(path, `expected a string, got ${kind(value)}`);
  if (value.length > max) throw new PayloadError(path, `longer than ${max} characters`);
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function name(record: Record<string, unknown>, key: string): string | undefined {
  const value = text(record, key, key, 63);
  if (value !== undefined && !NAME.test(value)) {
    throw new PayloadError(
      key,
      `${JSON.stringify(value)} is not a name (lower-case letters, digits, dashes)`,
    );
  }
  return value;
}

function contact(value: unknown, index: number): ContactInput {
  const path = `contacts[${index}]`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new PayloadError(path, `expected an object, got ${kind(value)}`);
  }
  const record = value as Record<string, unknown>;
  const email = text(record, "email", `${path}.email`, MAX_EMAIL);
  if (email === undefined) throw new PayloadError(`${path}.email`, "required (a non-empty string)");
  const fname = text(record, "first_name", `${path}.first_name`, MAX_TEXT);
  const lname = text(record, "last_name", `${path}.last_name`, MAX_TEXT);
  const country = text(record, "country", `${path}.country`, MAX_TEXT);
  const company = text(record, "company", `${path}.company`, MAX_TEXT);
  return {
    email,
    ...(fname === undefined ? {} : { fname }),
    ...(lname === undefined ? {} : { lname }),
    ...(country === undefined ? {} : { country }),
    ...(company === undefined ? {} : { company }),
  };
}

/** Parses and checks a delivery body; throws PayloadError naming the first bad field. */
export function parseDelivery(body: Buffer): ContactDelivery {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (error) {
    const why = error instanceof SyntaxError ? error.message : "not UTF-8";
    throw new PayloadError("", `the body is not JSON (${why})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new PayloadError("", `the body must be a JSON object, got ${kind(json)}`);
  }
  const record = json as Record<string, unknown>;
  const source = text(record, "source", "source", MAX_TEXT);
  if (source === undefined) throw new PayloadError("source", "required (a non-empty string)");
  const contacts = record.contacts;
  if (!Array.isArray(contacts)) {
    throw new PayloadError("contacts", `required: an array of contacts, got ${kind(contacts)}`);
  }
  if (contacts.length === 0) throw new PayloadError("contacts", "empty: send at least one contact");
  if (contacts.length > MAX_CONTACTS) {
    throw new PayloadError("contacts", `${contacts.length} contacts: at most ${MAX_CONTACTS} per delivery`);
  }
  const tenant = name(record, "tenant");
  const list = name(record, "list");
  const collected = text(record, "collected_at", "collected_at", 64);
  let collectedAt: string | undefined;
  if (collected !== undefined) {
    const time = Date.parse(collected);
    if (!ISO_TIME.test(collected) || Number.isNaN(time)) {
      throw new PayloadError("collected_at", `${JSON.stringify(collected)} is not an ISO 8601 time`);
    }
    collectedAt = new Date(time).toISOString();
  }
  return {
    source,
    ...(tenant === undefined ? {} : { tenant }),
    ...(list === undefined ? {} : { list }),
    ...(collectedAt === undefined ? {} : { collectedAt }),
    contacts: contacts.map(contact),
  };
}
