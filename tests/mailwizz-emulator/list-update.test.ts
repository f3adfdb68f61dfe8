// PUT lists/{uid} (reference §3.1: partial update, same blocks as create) and customers with keys of
// their own, checked with raw HTTP written out by hand.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import { AUTH, AUTH_FORM, FORM, LIST_BODY, createList, raw } from "./raw.ts";

const OTHER = { "X-Api-Key": "second-customer-key" };
let emu: MailwizzEmulator;
let base: string;

beforeAll(async () => {
  emu = await startMailwizzEmulator({
    access: { version: "2.x", apiKey: AUTH["X-Api-Key"] },
    customers: [{ apiKey: OTHER["X-Api-Key"], customerId: 2 }],
  });
  base = emu.baseUrl;
});
afterAll(async () => emu.close());

const put = (path: string, body: string, headers: Record<string, string> = AUTH_FORM) =>
  raw(`${base}/${path}`, { method: "PUT", headers, body });
const get = (path: string, headers: Record<string, string> = AUTH) => raw(`${base}/${path}`, { headers });

describe("PUT lists/{list_uid}", () => {
  it("changes only the fields sent and keeps the others", async () => {
    const uid = await createList(base);
    const res = await put(
      `lists/${uid}`,
      "defaults%5Bfrom_name%5D=Acme+Team&general%5Bdescription%5D=New+description",
    );
    expect([res.status, res.json]).toEqual([200, { status: "success" }]);
    expect((await get(`lists/${uid}`)).json).toMatchObject({
      data: {
        record: {
          general: { name: "Warm leads", description: "New description" },
          defaults: {
            from_name: "Acme Team",
            from_email: "news@acme.example",
            reply_to: "reply@acme.example",
          },
          company: { name: "Acme GmbH", country: { name: "Germany" } },
        },
      },
    });
  });

  it.each([
    [
      "an invalid email",
      "defaults%5Breply_to%5D=not-an-email",
      { defaults: { reply_to: "Reply to is not a valid email address." } },
    ],
    ["a blank name", "general%5Bname%5D=", { general: { name: "Name cannot be blank." } }],
    [
      "an unknown country",
      "company%5Bcountry%5D=Atlantis",
      { company: { country_id: "Country id cannot be blank." } },
    ],
  ])("answers 422 for %s and saves nothing", async (_what, body, error) => {
    const uid = await createList(base);
    const before = (await get(`lists/${uid}`)).json;
    const res = await put(`lists/${uid}`, `defaults%5Bfrom_name%5D=Changed&${body}`);
    expect([res.status, res.json]).toEqual([422, { status: "error", error }]);
    expect((await get(`lists/${uid}`)).json).toEqual(before);
  });

  it("answers 404 for an unknown list and 400 for a POST", async () => {
    expect((await put("lists/zz000zzzzz000", "general%5Bname%5D=X")).json).toEqual({
      status: "error",
      error: "The list does not exist.",
    });
    const uid = await createList(base);
    // Routed as PUT through the override header, refused by the action's own method check.
    const res = await raw(`${base}/lists/${uid}`, {
      method: "POST",
      headers: { ...AUTH_FORM, "X-HTTP-Method-Override": "PUT" },
      body: "general%5Bname%5D=X",
    });
    expect([res.status, res.json]).toEqual([
      400,
      { status: "error", error: "Only PUT requests allowed for this endpoint." },
    ]);
  });
});

describe("several customers", () => {
  it("gives each key its own lists", async () => {
    const uid = await createList(base);
    expect((await get(`lists/${uid}`, OTHER)).json).toEqual({
      status: "error",
      error: "The list does not exist.",
    });
    expect((await put(`lists/${uid}`, "general%5Bname%5D=Taken", { ...OTHER, ...FORM })).status).toBe(404);
    const created = await raw(`${base}/lists`, {
      method: "POST",
      headers: { ...OTHER, ...FORM },
      body: LIST_BODY,
    });
    expect(created.status).toBe(201);
    const mine = (created.json as { list_uid: string }).list_uid;
    const index = (await get("lists", OTHER)).json as { data: { count: string; records: unknown[] } };
    expect(index.data.count).toBe("1");
    expect(JSON.stringify(index.data.records)).toContain(mine);
    expect(emu.store.lists.find((l) => l.list_uid === mine)?.customer_id).toBe(2);
  });

  it("still refuses an unknown key", async () => {
    expect((await get("lists", { "X-Api-Key": "nobody" })).json).toEqual({
      status: "error",
      error: "Invalid API key. Please refer to the documentation.",
    });
  });
});
