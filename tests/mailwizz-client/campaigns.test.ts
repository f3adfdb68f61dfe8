// The client against the emulator over loopback HTTP (integration): templates, campaigns, their
// reports, delivery logs and the read-only delivery servers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailwizzClient } from "../../reconciler/mailwizz/client/index.ts";
import { MailwizzRefusedError, MailwizzValidationError } from "../../reconciler/mailwizz/client/index.ts";
import type { MailwizzApiError } from "../../reconciler/mailwizz/client/index.ts";
import { startMailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import { listInput } from "./fixtures.ts";

const KEY = "5f1e0c2d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d";
const HTML =
  '<html><body><p>Hello [FNAME]</p><a href="[UNSUBSCRIBE_URL]">unsubscribe</a> [COMPANY_FULL_ADDRESS]</body></html>';
let emu: MailwizzEmulator;
let mw: MailwizzClient;

beforeAll(async () => {
  emu = await startMailwizzEmulator({ access: { version: "2.x", apiKey: KEY } });
  mw = new MailwizzClient({ baseUrl: emu.baseUrl, auth: { version: "2.x", apiKey: KEY }, retries: 0 });
});
afterAll(async () => emu.close());

describe("templates and campaigns", () => {
  let list: string;
  beforeAll(async () => {
    list = await mw.lists.create(listInput("Campaigns"));
    await mw.subscribers.create(list, { email: "reader@x.example" });
  });

  it("creates, updates and reads a template (content survives base64 untouched)", async () => {
    const uid = await mw.templates.create({ name: "Welcome", content: HTML });
    expect(await mw.templates.get(uid)).toEqual({ uid, name: "Welcome", content: HTML });
    await mw.templates.update(uid, { content: `${HTML}<!-- é -->` });
    expect((await mw.templates.get(uid))?.content).toBe(`${HTML}<!-- é -->`);
    expect((await mw.templates.list("welc")).map((t) => t.uid)).toContain(uid);
    expect(await mw.templates.get("zz000zzzzz000")).toBeNull();
  });

  const base = {
    name: "Launch",
    fromName: "Acme",
    fromEmail: "news@acme.example",
    replyTo: "reply@acme.example",
    subject: "Hi",
  };

  it("refuses content without the tags before any request", async () => {
    const before = emu.requests.length;
    const e = await mw.campaigns
      .create({
        ...base,
        listUid: list,
        sendAt: new Date(),
        template: { content: "<p>[UNSUBSCRIBE_URL] only</p>" },
      })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MailwizzRefusedError);
    expect((e as Error).message).toContain("[COMPANY_FULL_ADDRESS]");
    expect(emu.requests.length).toBe(before);
  });

  it("refuses a stored template without the unsubscribe tag after reading it, without creating", async () => {
    const tpl = await mw.templates.create({ name: "No unsub", content: "<p>[COMPANY_FULL_ADDRESS]</p>" });
    const before = emu.requests.length;
    const e = await mw.campaigns
      .create({ ...base, listUid: list, sendAt: new Date(), template: { templateUid: tpl } })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MailwizzRefusedError);
    expect((e as Error).message).toContain("[UNSUBSCRIBE_URL]");
    expect(emu.requests.slice(before).map((r) => r.method)).toEqual(["GET"]);
  });

  it("reports an unknown list as MailWizz's 422 string", async () => {
    const e = await mw.campaigns
      .create({ ...base, listUid: "zz000zzzzz000", sendAt: new Date(), template: { content: HTML } })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MailwizzValidationError);
    expect((e as MailwizzApiError).errors).toEqual([{ field: "", message: "Provided list does not exist." }]);
  });

  it("creates with segment, template, schedule and delivery servers; reads, pauses, resumes, marks sent", async () => {
    const server = emu.store.insertDeliveryServer({
      customer_id: null,
      type: "smtp-pmta",
      name: "ip-1",
      hostname: "10.0.0.1",
      username: "",
      password: "",
      port: 2525,
      protocol: "",
      from_email: "a@acme.example",
      from_name: "",
      hourly_quota: 0,
      daily_quota: 50,
      monthly_quota: 0,
      meta_data: null,
      status: "active",
    });
    const segment = emu.store.addSegment(list, "Engaged", 1).segment_uid;
    const tpl = await mw.templates.create({ name: "Launch tpl", content: HTML });
    const uid = await mw.campaigns.create({
      ...base,
      listUid: list,
      segmentUid: segment,
      sendAt: new Date("2026-12-01T09:00:00Z"),
      template: { templateUid: tpl },
      deliveryServerIds: [server],
      options: { open_tracking: "yes" },
    });
    const row = emu.store.campaigns.find((c) => c.campaign_uid === uid);
    expect(row).toMatchObject({
      send_at: "2026-12-01 09:00:00",
      delivery_server_ids: [server],
      content: HTML,
      options: { open_tracking: "yes" },
    });
    expect(await mw.campaigns.get(uid)).toMatchObject({
      uid,
      status: "pending-sending",
      listUid: list,
      segmentUid: segment,
      sendAt: "12/1/26 9:00 AM",
    });
    expect((await mw.campaigns.list()).map((c) => c.uid)).toContain(uid);
    expect(await mw.campaigns.pause(uid)).toBe("paused");
    expect(await mw.campaigns.pause(uid)).toBe("paused"); // no second toggle
    expect(await mw.campaigns.unpause(uid)).toBe("sending");
    expect(await mw.campaigns.unpause(uid)).toBe("sending");
    await mw.campaigns.pause(uid);
    expect(await mw.campaigns.markSent(uid)).toBe("sent");
    await expect(mw.campaigns.markSent(uid)).rejects.toThrow(
      "The campaign does not allow marking it as sent!",
    );
    await expect(mw.campaigns.pause(uid)).rejects.toBeInstanceOf(MailwizzRefusedError);
    expect(await mw.campaigns.get("zz000zzzzz000")).toBeNull();
  });

  it("reads stats, bounces, unsubscribes and delivery logs (by campaign and by Message-Id)", async () => {
    const uid = await mw.campaigns.create({
      ...base,
      listUid: list,
      sendAt: new Date(),
      template: { content: HTML },
    });
    const sub = await mw.subscribers.searchByEmail(list, "reader@x.example");
    const other = await mw.subscribers.create(list, { email: "other@x.example" });
    emu.store.addDeliveryLog(uid, sub!.uid, "3f2a9c@bounces.acme.example");
    emu.store.addDeliveryLog(uid, other.uid, "77aa@bounces.acme.example");
    emu.store.addUnsubscribe(uid, other.uid, "too many");
    await mw.campaigns.createBounce(uid, {
      subscriberUid: sub!.uid,
      type: "hard",
      message: "550 5.1.1 user unknown",
    });
    expect(await mw.campaigns.bounces(uid)).toEqual([
      {
        subscriberUid: sub!.uid,
        email: "reader@x.example",
        type: "hard",
        message: "550 5.1.1 user unknown",
        processed: false,
      },
    ]);
    expect(await mw.campaigns.unsubscribes(uid)).toMatchObject([
      { subscriberUid: other.uid, reason: "too many" },
    ]);
    const stats = await mw.campaigns.stats(uid);
    expect(stats.counts).toMatchObject({
      processed: 2,
      delivery_success: 2,
      bounces: 1,
      hard_bounces: 1,
      unsubscribes: 1,
    });
    expect(stats.rates).toMatchObject({ bounces: 50, unsubscribes: 50, opens: 0 });
    expect((await mw.campaigns.deliveryLogs(uid)).map((l) => l.messageId).sort()).toEqual([
      "3f2a9c@bounces.acme.example",
      "77aa@bounces.acme.example",
    ]);
    expect(await mw.deliveryLogByMessageId("<3f2a9c@bounces.acme.example>")).toMatchObject({
      campaignUid: uid,
      listUid: list,
      subscriberUid: sub!.uid,
      email: "reader@x.example",
      status: "success",
      retries: 0,
      maxRetries: 3,
      deliveryConfirmed: true,
    });
    expect(await mw.deliveryLogByMessageId("<unknown@x.example>")).toBeNull();
    const before = emu.requests.length;
    expect(await mw.deliveryLogByMessageId("<Weird+Id=@x>")).toBeNull();
    expect(emu.requests.length).toBe(before);
  });
});

describe("delivery servers (read-only)", () => {
  it("lists the customer's servers and reads one", async () => {
    const row = {
      customer_id: 1,
      type: "smtp-pmta",
      hostname: "10.1.0.1",
      username: "",
      password: "",
      port: 25,
      protocol: "" as const,
      from_email: "a@acme.example",
      from_name: "",
      hourly_quota: 0,
      daily_quota: 200,
      monthly_quota: 0,
      meta_data: null,
      status: "active" as const,
    };
    const id = emu.store.insertDeliveryServer({ ...row, name: "pmta-b" });
    emu.store.insertDeliveryServer({ ...row, name: "pmta-a" });
    const servers = await mw.deliveryServers();
    expect(servers.map((s) => s.name)).toEqual(["pmta-a", "pmta-b"]);
    expect(await mw.deliveryServer(id)).toEqual({
      id,
      type: "smtp-pmta",
      name: "pmta-b",
      hostname: "10.1.0.1",
      status: "active",
    });
    expect(await mw.deliveryServer(9999)).toBeNull();
  });
});
