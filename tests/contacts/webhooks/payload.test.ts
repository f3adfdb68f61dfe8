// The delivery body (pure): the seed's payload mapped to the pipeline's contacts, and each wrong shape
// refused with the field it is about.
import { describe, expect, it } from "vitest";
import { MAX_CONTACTS, parseDelivery, PayloadError } from "../../../reconciler/contacts/webhooks/payload.ts";

const parse = (value: unknown) =>
  parseDelivery(Buffer.from(typeof value === "string" ? value : JSON.stringify(value)));

function refusal(value: unknown): string {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof PayloadError) return error.message;
    throw error;
  }
  throw new Error("expected a PayloadError");
}

describe("webhook payload (pure)", () => {
  it("maps the seed's fields to the pipeline's contact and keeps the optional routing fields", () => {
    const delivery = parse({
      source: "google-maps",
      tenant: "sos-expat",
      list: "cold-notaires",
      collected_at: "2026-11-20T08:30:00+01:00",
      contacts: [
        { email: " Jean@Acme.example ", first_name: "Jean", last_name: "Dupont", country: "FR", extra: 1 },
        { email: "b@acme.example", first_name: null, last_name: "" },
      ],
    });
    expect(delivery).toEqual({
      source: "google-maps",
      tenant: "sos-expat",
      list: "cold-notaires",
      collectedAt: "2026-11-20T07:30:00.000Z",
      contacts: [
        { email: "Jean@Acme.example", fname: "Jean", lname: "Dupont", country: "FR" },
        { email: "b@acme.example" },
      ],
    });
  });

  it.each([
    ["not JSON", "{source: 1", /^the body is not JSON \(/],
    ["not UTF-8", Buffer.from([0x7b, 0xff, 0x7d]).toString("latin1"), /^the body is not JSON/],
    ["a JSON array", [], /^the body must be a JSON object, got an array$/],
    ["no source", { contacts: [{ email: "a@b.example" }] }, /^source: required/],
    ["a numeric source", { source: 3, contacts: [] }, /^source: expected a string, got a number$/],
    ["no contacts", { source: "x" }, /^contacts: required: an array of contacts, got nothing$/],
    ["empty contacts", { source: "x", contacts: [] }, /^contacts: empty/],
    [
      "a contact that is a string",
      { source: "x", contacts: ["a@b.example"] },
      /^contacts\[0\]: expected an object, got a string$/,
    ],
    [
      "a missing email",
      { source: "x", contacts: [{ email: "a@b.example" }, { first_name: "A" }] },
      /^contacts\[1\]\.email: required/,
    ],
    [
      "a numeric email",
      { source: "x", contacts: [{ email: 42 }] },
      /^contacts\[0\]\.email: expected a string, got a number$/,
    ],
    [
      "a long first name",
      { source: "x", contacts: [{ email: "a@b.example", first_name: "x".repeat(300) }] },
      /^contacts\[0\]\.first_name: longer than 256/,
    ],
    [
      "a tenant that is not a name",
      { source: "x", tenant: "SOS Expat", contacts: [{ email: "a@b.example" }] },
      /^tenant: "SOS Expat" is not a name/,
    ],
    [
      "a bad collected_at",
      { source: "x", collected_at: "yesterday", contacts: [{ email: "a@b.example" }] },
      /^collected_at: "yesterday" is not an ISO 8601 time$/,
    ],
  ])("refuses %s, naming the field", (_name, body, message) => {
    expect(refusal(body)).toMatch(message);
  });

  it("refuses more than the per-delivery maximum of contacts", () => {
    const contacts = Array.from({ length: MAX_CONTACTS + 1 }, (_, i) => ({ email: `c${i}@acme.example` }));
    expect(refusal({ source: "x", contacts })).toBe(
      `contacts: ${MAX_CONTACTS + 1} contacts: at most ${MAX_CONTACTS} per delivery`,
    );
  });
});
