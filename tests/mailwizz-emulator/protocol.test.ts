// The emulator on its own (integration, loopback): URL layout, auth answers, body decoding, envelopes,
// paging clamps, quirks and fault injection, each checked against reference/mailwizz-api.md.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import { AUTH, AUTH_FORM, createList, KEY, raw } from "./raw.ts";

let emu: MailwizzEmulator;
let base: string;
let origin: string;

beforeAll(async () => {
  emu = await startMailwizzEmulator({ access: { version: "2.x", apiKey: KEY } });
  base = emu.baseUrl;
  origin = `http://127.0.0.1:${emu.port}`;
});
afterAll(async () => emu.close());

describe("URL layout and envelope", () => {
  it("answers GET / with a literal [] and no key (site controller is unprotected)", async () => {
    const res = await raw(`${base}/`);
    expect(res).toMatchObject({ status: 200, text: "[]", contentType: "application/json" });
  });

  it.each(["/api/index.php/lists", "/api/lists", "/api/index.php/LISTS"])("serves %s", async (path) => {
    const res = await raw(`${origin}${path}`, { headers: AUTH });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      status: "success",
      data: {
        count: null,
        total_pages: null,
        current_page: null,
        next_page: null,
        prev_page: null,
        records: [],
      },
    });
  });

  it.each([
    ["GET", "/api/index.php/nothing-here"],
    ["POST", "/api/index.php/delivery-servers"],
    ["PUT", "/api/index.php/delivery-servers/1"],
    ["GET", "/api/v1/lists"],
    ["GET", "/api/index.php/lists/NOT_A_UID!"],
  ])("%s %s is 404 Page not found.", async (method, path) => {
    const res = await raw(`${origin}${path}`, { method, headers: AUTH });
    expect(res.status).toBe(404);
    expect(res.text).toBe('{"status":"error","error":"Page not found."}');
  });
});

describe("auth answers (all 400, reference §1.1)", () => {
  it.each([
    ["no key", {}, "Invalid API request params. Please refer to the documentation."],
    ["empty key", { "X-Api-Key": "" }, "Invalid API request params. Please refer to the documentation."],
    ["unknown key", { "X-Api-Key": "f".repeat(40) }, "Invalid API key. Please refer to the documentation."],
    [
      "unknown legacy key",
      { "X-MW-PUBLIC-KEY": "nope" },
      "Invalid API key. Please refer to the documentation.",
    ],
  ])("%s", async (_name, headers, message) => {
    const res = await raw(`${base}/lists`, { headers });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ status: "error", error: message });
  });

  it("accepts the legacy X-MW-PUBLIC-KEY, and X-Api-Key wins over it", async () => {
    expect((await raw(`${base}/lists`, { headers: { "X-MW-PUBLIC-KEY": KEY } })).status).toBe(200);
    const both = { "x-api-key": KEY, "X-MW-PUBLIC-KEY": "wrong" };
    expect((await raw(`${base}/lists`, { headers: both })).status).toBe(200);
  });

  it("ignores 1.x signature headers in 2.x mode", async () => {
    const headers = { ...AUTH, "X-MW-SIGNATURE": "deadbeef", "X-MW-TIMESTAMP": "1" };
    expect((await raw(`${base}/lists`, { headers })).status).toBe(200);
  });

  it.each([
    ["inactive customer", "Your account must be active in order to use the API."],
    ["API disabled for the group", "Your account is not allowed to use the API."],
  ])("%s", async (name, message) => {
    if (name.startsWith("inactive")) emu.store.customerStatus = "inactive";
    else emu.store.apiEnabled = false;
    try {
      const res = await raw(`${base}/lists`, { headers: AUTH });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ status: "error", error: message });
    } finally {
      emu.store.customerStatus = "active";
      emu.store.apiEnabled = true;
    }
  });
});

describe("body decoding like PHP", () => {
  it("treats a JSON POST body as empty", async () => {
    const body = JSON.stringify({ general: { name: "x", description: "y" } });
    const res = await raw(`${base}/lists`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body,
    });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({
      status: "error",
      error: { general: { name: "Name cannot be blank.", description: "Description cannot be blank." } },
    });
  });

  it("answers a subscriber POSTed as JSON with the missing-email message", async () => {
    const list = await createList(base);
    const res = await raw(`${base}/lists/${list}/subscribers`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: '{"EMAIL":"a@b.example"}',
    });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ status: "error", error: "Please provide the subscriber email address." });
  });

  it("decodes brackets, '+' as space, trims and strips tags from plain values", async () => {
    const list = await createList(base);
    const body = "EMAIL=+jo%40x.example+&FNAME=%3Cb%3EJo%3C%2Fb%3E+Smith&details%5Bstatus%5D=confirmed";
    const res = await raw(`${base}/lists/${list}/subscribers`, { method: "POST", headers: AUTH_FORM, body });
    expect(res.status).toBe(201);
    const uid = (res.json as { data: { record: { subscriber_uid: string } } }).data.record.subscriber_uid;
    const view = await raw(`${base}/lists/${list}/subscribers/${uid}`, { headers: AUTH });
    expect(view.json).toMatchObject({
      data: { record: { EMAIL: "jo@x.example", FNAME: "Jo Smith", status: "confirmed" } },
    });
  });
});

describe("method tunnelling (reference §2.2)", () => {
  it("routes POST + _method=PUT to the update, but POST + override header alone is refused", async () => {
    const list = await createList(base);
    const created = await raw(`${base}/lists/${list}/subscribers`, {
      method: "POST",
      headers: AUTH_FORM,
      body: "EMAIL=t%40x.example",
    });
    const uid = (created.json as { data: { record: { subscriber_uid: string } } }).data.record.subscriber_uid;
    const url = `${base}/lists/${list}/subscribers/${uid}`;
    const tunnelled = await raw(url, {
      method: "POST",
      headers: AUTH_FORM,
      body: "_method=PUT&FNAME=Tunnel",
    });
    expect(tunnelled.status).toBe(200);
    const headerOnly = await raw(url, {
      method: "POST",
      headers: { ...AUTH_FORM, "X-HTTP-Method-Override": "PUT" },
      body: "FNAME=Header",
    });
    expect(headerOnly.status).toBe(400);
    expect(headerOnly.json).toEqual({
      status: "error",
      error: "Only PUT requests allowed for this endpoint.",
    });
    const json = await raw(url, {
      method: "PUT",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: '{"FNAME":"Json"}',
    });
    expect(json.status).toBe(200);
    const view = await raw(url, { headers: AUTH });
    expect(view.json).toMatchObject({ data: { record: { FNAME: "Json" } } });
  });
});

describe("paging (reference §2.5)", () => {
  let list: string;
  beforeAll(async () => {
    list = await createList(base);
    const rows = Array.from({ length: 23 }, (_, i) => `subscribers%5B${i}%5D%5BEMAIL%5D=p${i}%40x.example`);
    const res = await raw(`${base}/lists/${list}/subscribers/bulk`, {
      method: "POST",
      headers: AUTH_FORM,
      body: rows.join("&"),
    });
    expect(res.status).toBe(201);
  });

  it.each([
    [
      "per_page=1 is raised to 10",
      "per_page=1",
      { count: "23", total_pages: 3, current_page: 1, next_page: 2, prev_page: null },
      10,
    ],
    [
      "per_page=500 is lowered to 50",
      "per_page=500",
      { count: "23", total_pages: 1, current_page: 1, next_page: null, prev_page: null },
      23,
    ],
    ["page=0 becomes 1", "page=0&per_page=10", { current_page: 1, next_page: 2, prev_page: null }, 10],
    ["the last page", "page=3&per_page=10", { current_page: 3, next_page: null, prev_page: 2 }, 3],
    [
      "past the end echoes the page",
      "page=9&per_page=10",
      { current_page: 9, next_page: null, prev_page: 8 },
      0,
    ],
  ])("%s", async (_name, query, meta, records) => {
    const res = await raw(`${base}/lists/${list}/subscribers?${query}`, { headers: AUTH });
    const data = (res.json as { data: Record<string, unknown> & { records: unknown[] } }).data;
    expect(data).toMatchObject(meta);
    expect(data.records).toHaveLength(records);
  });

  it("orders subscribers newest first", async () => {
    const res = await raw(`${base}/lists/${list}/subscribers?per_page=10`, { headers: AUTH });
    const first = (res.json as { data: { records: { EMAIL: string }[] } }).data.records[0];
    expect(first?.EMAIL).toBe("p22@x.example");
  });
});

describe("JSON quirks", () => {
  it("encodes like PHP json_encode: escaped slashes, \\u escapes, NOW() expression on create", async () => {
    const list = await createList(base);
    const res = await raw(`${base}/lists/${list}/subscribers`, {
      method: "POST",
      headers: { ...AUTH_FORM, "X-MW-REMOTE-ADDR": "" },
      body: "EMAIL=ren%C3%A9%40x.example",
    });
    expect(res.status).toBe(201);
    expect(res.text).toContain('"email":"ren\\u00e9@x.example"');
    expect(res.text).toContain('"ip_address":""');
    expect(res.text).toContain('"date_added":{"expression":"NOW()","params":[]}');
    const created = await raw(`${base}/templates`, {
      method: "POST",
      headers: AUTH_FORM,
      body: `template%5Bname%5D=T&template%5Bcontent%5D=${encodeURIComponent(Buffer.from("<a href='/x'>x</a>").toString("base64"))}`,
    });
    const uid = (created.json as { template_uid: string }).template_uid;
    const view = await raw(`${base}/templates/${uid}`, { headers: AUTH });
    expect(view.text).toContain("<a href='\\/x'>x<\\/a>");
  });
});

describe("faults", () => {
  it("answers 503 Service Unavailable for the next N requests, then normally", async () => {
    emu.failNext(2);
    const a = await raw(`${base}/lists`, { headers: AUTH });
    const b = await raw(`${base}/lists`, { headers: AUTH });
    const c = await raw(`${base}/lists`, { headers: AUTH });
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.json).toEqual({ status: "error", error: "Service Unavailable." });
  });

  it("hangs the next request (no answer at all)", async () => {
    emu.hangNext(1);
    const hung = raw(`${base}/lists`, { headers: AUTH, signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow();
    expect((await raw(`${base}/lists`, { headers: AUTH })).status).toBe(200);
  });

  it("drops form pairs past max_input_vars (1,000) like PHP", async () => {
    const list = await createList(base);
    const rows = Array.from(
      { length: 1_001 },
      (_, i) => `subscribers%5B${i}%5D%5BEMAIL%5D=m${i}%40x.example`,
    );
    const res = await raw(`${base}/lists/${list}/subscribers/bulk`, {
      method: "POST",
      headers: AUTH_FORM,
      body: rows.join("&"),
    });
    expect(res.status).toBe(201);
    expect((res.json as { data: { records: unknown[] } }).data.records).toHaveLength(1_000);
  });

  it("refuses fault orders without the key", async () => {
    const res = await raw(`${origin}/__emulator/fail?count=5`, { method: "POST" });
    expect(res.status).toBe(400);
    expect((await raw(`${base}/lists`, { headers: AUTH })).status).toBe(200);
  });

  it("a form body sent as text/plain is not $_POST", async () => {
    const res = await raw(`${base}/lists`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "text/plain" },
      body: "general%5Bname%5D=x",
    });
    expect(res.status).toBe(422);
  });
});
