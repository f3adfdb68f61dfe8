// The emulator's controllers on their own (integration, loopback), with hand-written form bodies:
// status codes, messages and the three error shapes of reference §3.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import { AUTH, AUTH_FORM, createList, KEY, LIST_BODY, raw } from "./raw.ts";

let emu: MailwizzEmulator;
let base: string;
const b64 = (s: string) => encodeURIComponent(Buffer.from(s).toString("base64"));
const GOOD_HTML = "<p>Hi</p>[UNSUBSCRIBE_URL] [COMPANY_FULL_ADDRESS]";

beforeAll(async () => {
  emu = await startMailwizzEmulator({ access: { version: "2.x", apiKey: KEY } });
  base = emu.baseUrl;
});
afterAll(async () => emu.close());

const post = (path: string, body: string) =>
  raw(`${base}/${path}`, { method: "POST", headers: AUTH_FORM, body });
const put = (path: string, body = "") => raw(`${base}/${path}`, { method: "PUT", headers: AUTH_FORM, body });
const get = (path: string) => raw(`${base}/${path}`, { headers: AUTH });

describe("lists, fields, segments", () => {
  it("creates a list with a 13-char uid, default fields, and [] for a missing zone", async () => {
    const uid = await createList(base);
    expect(uid).toMatch(/^[a-z]{2}[0-9a-f]{3}[a-z0-9]{5}[0-9a-f]{3}$/);
    const view = await get(`lists/${uid}`);
    expect(view.json).toMatchObject({
      status: "success",
      data: {
        record: {
          general: { list_uid: uid, name: "Warm leads", display_name: "Warm leads" },
          defaults: { from_email: "news@acme.example" },
          company: { country: { country_id: "81", name: "Germany", code: "DE" }, zone: [] },
        },
      },
    });
    const fields = await get(`lists/${uid}/fields`);
    const tags = (fields.json as { data: { records: { tag: string; required: string }[] } }).data.records;
    expect(tags.map((f) => `${f.tag}:${f.required}`)).toEqual(["EMAIL:yes", "FNAME:no", "LNAME:no"]);
  });

  it("reports the first failing block as a nested map", async () => {
    const body = LIST_BODY.replace(
      "defaults%5Bfrom_email%5D=news%40acme.example",
      "defaults%5Bfrom_email%5D=not-an-address",
    );
    const res = await post("lists", body);
    expect(res.status).toBe(422);
    expect(res.json).toEqual({
      status: "error",
      error: { defaults: { from_email: "From email is not a valid email address." } },
    });
  });

  it("answers 404 with the controller's wording for unknown lists", async () => {
    expect((await get("lists/zz000zzzzz000")).json).toEqual({
      status: "error",
      error: "The list does not exist.",
    });
    expect((await get("lists/zz000zzzzz000/fields")).json).toEqual({
      status: "error",
      error: "The subscribers list does not exist.",
    });
  });

  it("pages segments with an integer subscribers_count", async () => {
    const uid = await createList(base);
    emu.store.addSegment(uid, "Openers", 7);
    const res = await get(`lists/${uid}/segments`);
    expect(res.json).toMatchObject({
      data: { count: "1", records: [{ name: "Openers", subscribers_count: 7 }] },
    });
  });
});

describe("subscribers", () => {
  let list: string;
  beforeAll(async () => {
    list = await createList(base);
  });

  it.each([
    ["missing email", "FNAME=x", 422, "Please provide the subscriber email address."],
    ["invalid email", "EMAIL=not-an-email", 422, "Please provide a valid email address."],
  ])("%s answers 422 with a string", async (_name, body, status, error) => {
    const res = await post(`lists/${list}/subscribers`, body);
    expect(res.status).toBe(status);
    expect(res.json).toEqual({ status: "error", error });
  });

  it("refuses a duplicate with 409 but re-subscribes an unsubscribed one", async () => {
    const first = await post(`lists/${list}/subscribers`, "EMAIL=dup%40x.example");
    expect(first.status).toBe(201);
    const again = await post(`lists/${list}/subscribers`, "EMAIL=DUP%40x.example");
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ status: "error", error: "The subscriber already exists in this list." });
    const uid = (first.json as { data: { record: { subscriber_uid: string } } }).data.record.subscriber_uid;
    expect((await put(`lists/${list}/subscribers/${uid}/unsubscribe`)).json).toEqual({ status: "success" });
    expect((await get(`lists/${list}/subscribers/${uid}`)).json).toMatchObject({
      data: { record: { status: "unsubscribed" } },
    });
    expect((await post(`lists/${list}/subscribers`, "EMAIL=dup%40x.example")).status).toBe(201);
  });

  it("answers update of a missing subscriber with 409, search misses with 404, search hits flat", async () => {
    const upd = await put(`lists/${list}/subscribers/zz000zzzzz000`, "FNAME=x");
    expect(upd.status).toBe(409);
    expect(upd.json).toEqual({ status: "error", error: "The subscriber does not exist in this list." });
    expect((await get(`lists/${list}/subscribers/search-by-email?EMAIL=none%40x.example`)).status).toBe(404);
    const hit = await get(`lists/${list}/subscribers/search-by-email?EMAIL=dup%40x.example`);
    expect(hit.json).toMatchObject({ status: "success", data: { status: "confirmed" } });
    expect(Object.keys((hit.json as { data: object }).data)).toEqual([
      "subscriber_uid",
      "status",
      "date_added",
    ]);
  });

  it("reports per-row bulk results with errors keyed by field", async () => {
    const body = [
      "subscribers%5B0%5D%5BEMAIL%5D=b1%40x.example&subscribers%5B0%5D%5BFNAME%5D=One",
      "subscribers%5B1%5D%5BEMAIL%5D=bad",
      "subscribers%5B2%5D%5BEMAIL%5D=b1%40x.example",
    ].join("&");
    const res = await post(`lists/${list}/subscribers/bulk`, body);
    expect(res.status).toBe(201);
    const records = (res.json as { data: { records: { data: Record<string, string>; errors?: object }[] } })
      .data.records;
    expect(records[0]?.data).toMatchObject({ EMAIL: "b1@x.example", FNAME: "One" });
    expect(records[0]?.data.subscriber_uid).toMatch(/^[a-z0-9]{13}$/);
    expect(records[1]).toEqual({
      data: { EMAIL: "bad" },
      errors: { EMAIL: "Please provide a valid email address." },
    });
    expect(records[2]?.errors).toEqual({ _common: "The subscriber already exists in this list." });
    expect((await post(`lists/${list}/subscribers/bulk`, "foo=bar")).json).toEqual({
      status: "error",
      error: "Please provide the subscribers list.",
    });
  });
});

describe("templates and campaigns", () => {
  let list: string;
  let template: string;
  beforeAll(async () => {
    list = await createList(base);
    const res = await post("templates", `template%5Bname%5D=Base&template%5Bcontent%5D=${b64(GOOD_HTML)}`);
    expect(res.status).toBe(201);
    template = (res.json as { template_uid: string }).template_uid;
  });

  it("answers a template without name and content with a field map", async () => {
    const res = await post("templates", "template%5Bname%5D=");
    expect(res.json).toEqual({
      status: "error",
      error: { name: "Name cannot be blank.", content: "Content cannot be blank." },
    });
  });

  const campaign = (extra: string) =>
    [
      "campaign%5Bname%5D=Launch",
      "campaign%5Bfrom_name%5D=Acme",
      "campaign%5Bfrom_email%5D=news%40acme.example",
      "campaign%5Bsubject%5D=Hello",
      "campaign%5Breply_to%5D=reply%40acme.example",
      "campaign%5Bsend_at%5D=2026-11-25+08%3A05%3A00",
      extra,
    ].join("&");

  it.each([
    ["no list", "", "Please provide a list for this campaign."],
    ["unknown list", "campaign%5Blist_uid%5D=zz000zzzzz000", "Provided list does not exist."],
  ])("%s → 422 string", async (_name, extra, error) => {
    const res = await post("campaigns", campaign(extra));
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ status: "error", error });
  });

  it("refuses content without the required tags, naming them", async () => {
    const res = await post(
      "campaigns",
      campaign(`campaign%5Blist_uid%5D=${list}&campaign%5Btemplate%5D%5Bcontent%5D=${b64("<p>x</p>")}`),
    );
    expect(res.status).toBe(422);
    expect(res.json).toEqual({
      status: "error",
      error: {
        content:
          "The following tags are required but were not found in your content: [COMPANY_FULL_ADDRESS], [UNSUBSCRIBE_URL]",
      },
    });
  });

  it("creates, shows localized dates, pauses, resumes and marks sent", async () => {
    const res = await post(
      "campaigns",
      campaign(`campaign%5Blist_uid%5D=${list}&campaign%5Btemplate%5D%5Btemplate_uid%5D=${template}`),
    );
    expect(res.status).toBe(201);
    const uid = (res.json as { campaign_uid: string }).campaign_uid;
    expect((await get(`campaigns/${uid}`)).json).toMatchObject({
      data: {
        record: {
          status: "pending-sending",
          send_at: "11/25/26 8:05 AM",
          segment: [],
          group: [],
          list: { list_uid: list },
        },
      },
    });
    expect((await put(`campaigns/${uid}/pause-unpause`)).json).toEqual({
      status: "success",
      campaign: { status: "paused" },
    });
    expect((await put(`campaigns/${uid}/pause-unpause`)).json).toEqual({
      status: "success",
      campaign: { status: "sending" },
    });
    expect((await put(`campaigns/${uid}/mark-sent`)).status).toBe(400);
    await put(`campaigns/${uid}/pause-unpause`);
    expect((await put(`campaigns/${uid}/mark-sent`)).json).toEqual({
      status: "success",
      campaign: { status: "sent" },
    });
    expect((await put(`campaigns/${uid}/mark-sent`)).json).toEqual({
      status: "error",
      error: "The campaign does not allow marking it as sent!",
    });
  });
});

describe("delivery servers and delivery logs", () => {
  it("lists only the customer's servers, by name, and has no write route", async () => {
    const common = {
      type: "smtp-pmta",
      username: "u",
      password: "p",
      port: 25,
      protocol: "" as const,
      from_email: "a@b.example",
      from_name: "",
      hourly_quota: 0,
      daily_quota: 50,
      monthly_quota: 0,
      meta_data: null,
      status: "active" as const,
    };
    emu.store.insertDeliveryServer({ ...common, customer_id: 1, name: "zeta", hostname: "10.0.0.2" });
    emu.store.insertDeliveryServer({ ...common, customer_id: null, name: "system", hostname: "10.0.0.3" });
    const id = emu.store.insertDeliveryServer({
      ...common,
      customer_id: 1,
      name: "alpha",
      hostname: "10.0.0.1",
    });
    const res = await get("delivery-servers");
    const records = (res.json as { data: { records: { name: string; server_id: string }[] } }).data.records;
    expect(records.map((r) => r.name)).toEqual(["alpha", "zeta"]);
    expect((await get(`delivery-servers/${id}`)).json).toMatchObject({
      data: { record: { server_id: String(id), type: "smtp-pmta" } },
    });
    expect((await get("delivery-servers/999")).json).toEqual({
      status: "error",
      error: "The server does not exist.",
    });
  });

  it("finds a delivery log by Message-Id and 404s otherwise", async () => {
    const miss = await get("campaigns/delivery-logs/email-message-id/nothing@x.example");
    expect(miss.json).toEqual({ status: "error", error: "The delivery log does not exist!" });
  });
});
