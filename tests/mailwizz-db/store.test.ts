// The delivery-server store's behaviour, run against MariaDB (MailWizz's tables in a throwaway
// database) and against the in-memory store: both must behave the same.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../reconciler/errors.ts";
import type { Harness, HarnessKind } from "./harness.ts";
import { NEW_FORMAT_META, OLD_FORMAT_META, desiredServer, memoryHarness, mysqlHarness } from "./harness.ts";

const kinds: HarnessKind[] = [mysqlHarness(), memoryHarness()];
afterAll(async () => {
  for (const k of kinds) await k.dispose();
});

describe.each(kinds)("delivery-server store ($kind)", (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await kind.open();
  });
  afterEach(async () => {
    await h.close();
  });

  it("creates a server and reads it back as desired", async () => {
    const result = await h.store.upsert(desiredServer());
    expect(result.action).toBe("created");
    const [server, ...rest] = await h.store.list();
    expect(rest).toEqual([]);
    expect(server).toEqual({
      serverId: result.serverId,
      customerId: null,
      name: "ee-pmta-vmta0",
      type: "smtp-pmta",
      hostname: "pmta.sos-mail.com",
      port: 2525,
      protocol: "",
      username: "mailwizz",
      password: "s3cret-pmta-password",
      fromEmail: "noreply@sos-mail.com",
      fromName: "SOS-Expat",
      quotas: { hourly: 5, daily: 50 },
      headers: [{ name: "X-Virtual-MTA", value: "pmta-vmta0" }],
      status: "active",
    });
  });

  it("does nothing when the server already is as desired", async () => {
    await h.store.upsert(desiredServer());
    const again = await h.store.upsert(desiredServer());
    expect(again).toMatchObject({ action: "unchanged", fields: [] });
  });

  it("changes quotas without resetting the status, even while MailWizz has the server in use", async () => {
    const { serverId } = await h.store.upsert(desiredServer());
    await h.setRawStatus(serverId, "in-use");
    const result = await h.store.upsert(desiredServer({ quotas: { hourly: 17, daily: 200 } }));
    expect(result).toEqual({
      name: "ee-pmta-vmta0",
      serverId,
      action: "updated",
      fields: ["hourly_quota", "daily_quota"],
    });
    const [server] = await h.store.list();
    expect(server?.status).toBe("in-use");
    expect(server?.quotas).toEqual({ hourly: 17, daily: 200 });

    await h.setRawStatus(serverId, "active");
    expect(await h.store.setQuotas("ee-pmta-vmta0", { hourly: 42, daily: 500 })).toMatchObject({
      action: "updated",
      fields: ["hourly_quota", "daily_quota"],
    });
    expect((await h.store.list())[0]).toMatchObject({ status: "active", quotas: { hourly: 42, daily: 500 } });
  });

  it.each([
    ["quotes, backslash and non-ASCII", `pa'ss"wo\\rd \`é€日本 ü`],
    ["one that is itself valid base64", "password"],
    ["the longest that fits", "x".repeat(175)],
  ])("round-trips a password with %s", async (_label, password) => {
    await h.store.upsert(desiredServer({ password }));
    expect((await h.store.list())[0]?.password).toBe(password);
    expect(await h.store.upsert(desiredServer({ password }))).toMatchObject({ action: "unchanged" });
    expect(await h.store.upsert(desiredServer({ password: `${password}!`.slice(-175) }))).toMatchObject({
      fields: ["password"],
    });
  });

  it.each([
    [
      { hourly: 0, daily: -1 },
      "delivery server ee-pmta-vmta0: daily quota -1 is below 0; a quota is a number of messages, 0 or more (0 means unlimited in MailWizz)",
    ],
    [
      { hourly: -3, daily: 10 },
      "delivery server ee-pmta-vmta0: hourly quota -3 is below 0; a quota is a number of messages, 0 or more (0 means unlimited in MailWizz)",
    ],
    [
      { hourly: 1.5, daily: 10 },
      "delivery server ee-pmta-vmta0: hourly quota 1.5 is not a whole number of messages",
    ],
  ])("refuses quotas %o and writes nothing", async (quotas, message) => {
    await h.store.upsert(desiredServer());
    const before = await h.store.list();
    await expect(h.store.upsert(desiredServer({ quotas }))).rejects.toThrow(new ConfigError(message));
    await expect(h.store.setQuotas("ee-pmta-vmta0", quotas)).rejects.toThrow(new ConfigError(message));
    expect(await h.store.list()).toEqual(before);
  });

  it("runs a batch in one transaction: a failing step undoes the earlier ones", async () => {
    await expect(
      h.store.apply([
        { kind: "upsert", server: desiredServer({ name: "ee-pmta-vmta1" }) },
        { kind: "quotas", name: "ee-missing", quotas: { hourly: 1, daily: 2 } },
      ]),
    ).rejects.toThrow(new ConfigError("delivery server ee-missing: no such server in MailWizz"));
    expect(await h.store.list()).toEqual([]);
  });

  it("refuses to pick between two servers of the owner with the same name", async () => {
    const a = await h.insertForeign({
      customerId: null,
      name: "ee-pmta-vmta0",
      status: "active",
      metaData: null,
    });
    const b = await h.insertForeign({
      customerId: null,
      name: "ee-pmta-vmta0",
      status: "active",
      metaData: null,
    });
    await expect(h.store.upsert(desiredServer())).rejects.toThrow(
      new ConfigError(
        `delivery server ee-pmta-vmta0: 2 servers of this owner have this name (ids ${a}, ${b}); rename all but one in MailWizz`,
      ),
    );
  });

  it("touches no other server and no other table", async () => {
    await h.insertForeign({ customerId: 7, name: "ee-pmta-vmta0", status: "active", metaData: null });
    await h.insertForeign({
      customerId: null,
      name: "admin-smtp",
      status: "inactive",
      metaData: OLD_FORMAT_META,
    });
    await h.insertForeign({ customerId: null, name: "EE-PMTA-VMTA0", status: "disabled", metaData: null });
    const own = ["ee-pmta-vmta0", "ee-pmta-vmta1"];
    const before = await h.untouched(own);
    await h.store.apply([
      { kind: "upsert", server: desiredServer() },
      { kind: "upsert", server: desiredServer({ name: "ee-pmta-vmta1" }) },
      { kind: "quotas", name: "ee-pmta-vmta0", quotas: { hourly: 9, daily: 99 } },
      { kind: "status", name: "ee-pmta-vmta1", status: "inactive" },
    ]);
    expect(await h.untouched(own)).toBe(before);
    expect((await h.store.list()).map((s) => [s.name, s.status, s.quotas.daily])).toEqual([
      ["EE-PMTA-VMTA0", "disabled", 100],
      ["admin-smtp", "inactive", 100],
      ["ee-pmta-vmta0", "active", 99],
      ["ee-pmta-vmta1", "inactive", 50],
    ]);
  });

  it("reads headers in both meta_data forms and keeps other meta_data keys when it changes them", async () => {
    await h.insertForeign({
      customerId: null,
      name: "ee-pmta-vmta0",
      status: "inactive",
      metaData: OLD_FORMAT_META,
    });
    await h.insertForeign({
      customerId: null,
      name: "ee-pmta-vmta1",
      status: "inactive",
      metaData: NEW_FORMAT_META,
    });
    const [s0, s1] = await h.store.list();
    expect(s0?.headers).toEqual([{ name: "X-Job", value: "[CAMPAIGN_UID]" }]);
    expect(s1?.headers).toEqual([{ name: "X-Foo", value: "bar" }]);
    const result = await h.store.upsert(desiredServer());
    expect(result.fields).toEqual([
      "type",
      "hostname",
      "port",
      "protocol",
      "username",
      "password",
      "from_email",
      "from_name",
      "hourly_quota",
      "daily_quota",
      "meta_data",
      "status",
    ]);
    const [after] = await h.store.list();
    expect(after?.headers).toEqual([{ name: "X-Virtual-MTA", value: "pmta-vmta0" }]);
  });

  it("sets the status, and never turns in-use back into active", async () => {
    const { serverId } = await h.store.upsert(desiredServer());
    expect(await h.store.setStatus("ee-pmta-vmta0", "inactive")).toMatchObject({
      action: "updated",
      fields: ["status"],
    });
    expect((await h.store.list())[0]?.status).toBe("inactive");
    await h.setRawStatus(serverId, "in-use");
    expect(await h.store.setStatus("ee-pmta-vmta0", "active")).toMatchObject({ action: "unchanged" });
    await expect(h.store.setStatus("ee-nope", "active")).rejects.toThrow(ConfigError);
  });

  it.each([
    [
      { fromName: "SOS 📨" },
      "delivery server ee-pmta-vmta0: from name has a character outside the Basic Multilingual Plane, which MailWizz's utf8 tables cannot store",
    ],
    [
      { headers: [{ name: "Return-Path", value: "x@y" }] },
      "delivery server ee-pmta-vmta0: MailWizz does not allow the header Return-Path on a delivery server",
    ],
    [{ port: 0 }, "delivery server ee-pmta-vmta0: port 0 is not between 1 and 65535"],
    [
      { password: "é".repeat(88) },
      "delivery server ee-pmta-vmta0: password is longer than 175 bytes (MailWizz's column holds its encrypted form in 255 characters)",
    ],
    [
      { status: "in-use" as "active" },
      'delivery server ee-pmta-vmta0: status "in-use" is not one of active, inactive',
    ],
  ])("refuses %o", async (overrides, message) => {
    await expect(h.store.upsert(desiredServer(overrides))).rejects.toThrow(new ConfigError(message));
    expect(await h.store.list()).toEqual([]);
  });
});
