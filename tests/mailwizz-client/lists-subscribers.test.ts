// The client against the emulator over loopback HTTP (integration): lists, fields, segments and
// subscribers, with the error shapes, paging across several pages and a 10,000-row import.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailwizzClient } from "../../reconciler/mailwizz/client/index.ts";
import {
  MailwizzApiError,
  MailwizzNotFoundError,
  MailwizzValidationError,
} from "../../reconciler/mailwizz/client/index.ts";
import { startMailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import { listInput } from "./fixtures.ts";

const KEY = "5f1e0c2d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d";
let emu: MailwizzEmulator;
let mw: MailwizzClient;

beforeAll(async () => {
  emu = await startMailwizzEmulator({ access: { version: "2.x", apiKey: KEY } });
  mw = new MailwizzClient({ baseUrl: emu.baseUrl, auth: { version: "2.x", apiKey: KEY }, retries: 0 });
});
afterAll(async () => emu.close());

describe("lists, fields, segments", () => {
  it("creates, reads, lists and finds a list by name across pages", async () => {
    const needle = await mw.lists.create(listInput("Needle"));
    for (let i = 0; i < 55; i += 1) await mw.lists.create(listInput(`Filler ${i}`));
    const list = await mw.lists.get(needle);
    expect(list).toMatchObject({ uid: needle, name: "Needle", fromEmail: "news@acme.example" });
    expect(list?.company).toMatchObject({ name: "Acme GmbH", city: "Berlin", country: "Germany" });
    expect((await mw.lists.list()).length).toBeGreaterThanOrEqual(56);
    const before = emu.requests.length;
    expect((await mw.lists.findByName("Needle"))?.uid).toBe(needle);
    expect(emu.requests.length - before).toBe(2); // newest first: the needle is on page 2
    expect(await mw.lists.findByName("Missing")).toBeNull();
    expect(await mw.lists.get("zz000zzzzz000")).toBeNull();
  });

  it("turns a nested validation error into field and message", async () => {
    const bad = { ...listInput("Bad"), fromEmail: "not-an-address" };
    const error = await mw.lists.create(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailwizzValidationError);
    expect((error as MailwizzApiError).errors).toEqual([
      { field: "defaults.from_email", message: "From email is not a valid email address." },
    ]);
  });

  it("reads fields and segments", async () => {
    const uid = await mw.lists.create(listInput("Fields"));
    expect((await mw.lists.fields(uid)).map((f) => [f.tag, f.required, f.type])).toEqual([
      ["EMAIL", true, "text"],
      ["FNAME", false, "text"],
      ["LNAME", false, "text"],
    ]);
    emu.store.addSegment(uid, "Clickers", 3);
    expect(await mw.lists.segments(uid)).toEqual([
      { uid: expect.any(String) as string, name: "Clickers", subscribersCount: 3 },
    ]);
    await expect(mw.lists.fields("zz000zzzzz000")).rejects.toBeInstanceOf(MailwizzNotFoundError);
  });
});

describe("subscribers", () => {
  let list: string;
  beforeAll(async () => {
    list = await mw.lists.create(listInput("Subscribers"));
  });

  it("creates, searches, reads, updates and unsubscribes", async () => {
    const created = await mw.subscribers.create(list, { email: "ann@x.example", fields: { FNAME: "Ann" } });
    expect(created).toEqual({
      uid: expect.stringMatching(/^[a-z0-9]{13}$/) as string,
      email: "ann@x.example",
    });
    expect(await mw.subscribers.searchByEmail(list, "ann@x.example")).toMatchObject({
      uid: created.uid,
      status: "confirmed",
    });
    expect(await mw.subscribers.searchByEmail(list, "nobody@x.example")).toBeNull();
    await expect(mw.subscribers.searchByEmail("zz000zzzzz000", "ann@x.example")).rejects.toBeInstanceOf(
      MailwizzNotFoundError,
    );
    await mw.subscribers.update(list, created.uid, { fields: { FNAME: "Anna", LNAME: "Lee" } });
    expect(await mw.subscribers.get(list, created.uid)).toMatchObject({
      uid: created.uid,
      status: "confirmed",
      fields: { EMAIL: "ann@x.example", FNAME: "Anna", LNAME: "Lee" },
    });
    await mw.subscribers.unsubscribe(list, created.uid);
    expect((await mw.subscribers.get(list, created.uid))?.status).toBe("unsubscribed");
    expect(await mw.subscribers.get(list, "zz000zzzzz000")).toBeNull();
  });

  it("reports a duplicate (409) and an update of a missing subscriber (409) with MailWizz's words", async () => {
    await mw.subscribers.create(list, { email: "bob@x.example" });
    const dup = await mw.subscribers.create(list, { email: "bob@x.example" }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(MailwizzApiError);
    expect((dup as MailwizzApiError).status).toBe(409);
    expect((dup as Error).message).toBe(
      `MailWizz POST lists/${list}/subscribers answered 409: The subscriber already exists in this list.`,
    );
    const missing = await mw.subscribers
      .update(list, "zz000zzzzz000", { fields: { FNAME: "x" } })
      .catch((e: unknown) => e);
    expect((missing as MailwizzApiError).status).toBe(409);
  });

  it("upserts by email: creates once, then updates", async () => {
    const first = await mw.subscribers.upsert(list, { email: "up@x.example", fields: { FNAME: "Up" } });
    const second = await mw.subscribers.upsert(list, { email: "up@x.example", fields: { FNAME: "Again" } });
    expect(first.created).toBe(true);
    expect(second).toEqual({ uid: first.uid, created: false });
    expect((await mw.subscribers.get(list, first.uid))?.fields.FNAME).toBe("Again");
  });

  it("refuses a subscriber for an unknown list", async () => {
    const e = await mw.subscribers.create("zz000zzzzz000", { email: "c@x.example" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MailwizzNotFoundError);
    expect((e as MailwizzApiError).errors).toEqual([
      { field: "", message: "The subscribers list does not exist." },
    ]);
  });

  it("lists every subscriber across pages", async () => {
    const uid = await mw.lists.create(listInput("Paged"));
    const rows = Array.from({ length: 120 }, (_, i) => ({ email: `p${i}@x.example` }));
    await mw.subscribers.bulkCreate(uid, rows);
    const before = emu.requests.length;
    const all = await mw.subscribers.list(uid);
    expect(emu.requests.length - before).toBe(3);
    expect(all).toHaveLength(120);
    expect(new Set(all.map((s) => s.fields.EMAIL)).size).toBe(120);
    expect(all[0]?.dateAdded).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it("imports 10,000 subscribers in chunks with one result per row", async () => {
    const uid = await mw.lists.create(listInput("Big import"));
    await mw.subscribers.create(uid, { email: "u5@x.example" });
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      email: i === 7 ? "broken" : `u${i}@x.example`,
      fields: { FNAME: `N${i}` },
    }));
    const before = emu.requests.length;
    const results = await mw.subscribers.bulkCreate(uid, rows);
    // EMAIL + FNAME = 2 form pairs a row: 500 rows keep a request within PHP's max_input_vars (1,000).
    expect(emu.requests.length - before).toBe(20);
    expect(results).toHaveLength(10_000);
    expect(results.map((r) => r.index)).toEqual(rows.map((_, i) => i));
    expect(results.filter((r) => r.uid !== undefined)).toHaveLength(9_998);
    expect(results[7]).toEqual({
      index: 7,
      email: "broken",
      errors: [{ field: "EMAIL", message: "Please provide a valid email address." }],
    });
    expect(results[5]).toEqual({
      index: 5,
      email: "u5@x.example",
      errors: [{ field: "_common", message: "The subscriber already exists in this list." }],
    });
    expect(emu.store.subscribers.filter((s) => s.list_id === emu.store.listByUid(uid)?.list_id)).toHaveLength(
      9_999,
    );
  });
});

describe("bulk import and PHP's max_input_vars", () => {
  it("loses the rows past max_input_vars when told the server allows more, and says which", async () => {
    const uid = await mw.lists.create(listInput("Truncated"));
    const loose = new MailwizzClient({
      baseUrl: emu.baseUrl,
      auth: { version: "2.x", apiKey: KEY },
      maxInputVars: 5_000,
      bulkChunkSize: 5_000,
    });
    const rows = Array.from({ length: 1_200 }, (_, i) => ({ email: `t${i}@x.example` }));
    const results = await loose.subscribers.bulkCreate(uid, rows);
    expect(results.filter((r) => r.uid !== undefined)).toHaveLength(1_000);
    expect(results[1_000]).toEqual({
      index: 1_000,
      email: "t1000@x.example",
      errors: [{ field: "_common", message: "MailWizz returned no result for this row" }],
    });
  });
});
