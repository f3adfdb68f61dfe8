// The emulator given a MariaDB: its delivery-server routes read MailWizz's own table, the one the SQL
// store writes. A server written through openMysqlStore is what the client reads through the API, a
// row written behind both (MailWizz's UI) shows on both sides with the same id, and system servers or
// another customer's stay invisible to the API, as reference §4.1 says.
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "mysql2/promise";
import type { Connection, ResultSetHeader } from "mysql2/promise";
import { MailwizzClient } from "../../reconciler/mailwizz/client/index.ts";
import type {
  DeliveryServerStore,
  MysqlServerSource,
} from "../../reconciler/mailwizz/delivery-servers/index.ts";
import { openMysqlServerSource, openMysqlStore } from "../../reconciler/mailwizz/delivery-servers/index.ts";
import { startMailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import { listInput } from "../mailwizz-client/fixtures.ts";
import { MARIADB, desiredServer } from "./harness.ts";

const KEY = "emulator-mariadb-key-0123456789";
const OTHER_KEY = "emulator-mariadb-other-customer";
const database = `ee_test_${randomBytes(6).toString("hex")}`;
let admin: Connection;
let customerStore: DeliveryServerStore;
let systemStore: DeliveryServerStore;
let source: MysqlServerSource;
let emulator: MailwizzEmulator;
let client: MailwizzClient;
let other: MailwizzClient;

beforeAll(async () => {
  admin = await createConnection({ ...MARIADB, multipleStatements: true, connectTimeout: 5000 });
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8`);
  await admin.query(`USE \`${database}\``);
  await admin.query(
    await readFile(new URL("../../reconciler/mailwizz/delivery-servers/schema.sql", import.meta.url), "utf8"),
  );
  // Customer 1 is the emulator's API-key owner.
  customerStore = await openMysqlStore({ ...MARIADB, database, customerId: 1 });
  systemStore = await openMysqlStore({ ...MARIADB, database, customerId: null });
  source = openMysqlServerSource({ ...MARIADB, database });
  emulator = await startMailwizzEmulator({
    access: { version: "2.x", apiKey: KEY },
    customers: [{ apiKey: OTHER_KEY, customerId: 2 }],
    deliveryServers: source,
  });
  client = new MailwizzClient({
    baseUrl: emulator.baseUrl,
    auth: { version: "2.x", apiKey: KEY },
    retries: 0,
  });
  other = new MailwizzClient({
    baseUrl: emulator.baseUrl,
    auth: { version: "2.x", apiKey: OTHER_KEY },
    retries: 0,
  });
});
afterAll(async () => {
  await emulator?.close();
  await source?.close();
  await customerStore?.close();
  await systemStore?.close();
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
});

describe("emulator delivery servers on MariaDB", () => {
  it("lists what the SQL store wrote, and hides system servers and other customers' servers", async () => {
    const mine = await customerStore.upsert(
      desiredServer({ name: "ee-pmta-vmta1", hostname: "pmta1.example" }),
    );
    const system = await systemStore.upsert(desiredServer({ name: "ee-pmta-vmta0" }));
    expect(mine.action).toBe("created");
    const record = {
      id: mine.serverId,
      type: "smtp-pmta",
      name: "ee-pmta-vmta1",
      hostname: "pmta1.example",
      status: "active",
    };
    expect(await client.deliveryServers()).toEqual([record]);
    expect(await client.deliveryServer(mine.serverId)).toEqual(record);
    expect(await client.deliveryServer(system.serverId)).toBeNull();
    expect(await other.deliveryServers()).toEqual([]);
    expect(await other.deliveryServer(mine.serverId)).toBeNull();

    // A quota change through SQL keeps the status the API shows.
    await customerStore.setQuotas("ee-pmta-vmta1", { hourly: 1, daily: 3 });
    expect((await client.deliveryServer(mine.serverId))?.status).toBe("active");
    await customerStore.setStatus("ee-pmta-vmta1", "inactive");
    expect((await client.deliveryServer(mine.serverId))?.status).toBe("inactive");
  });

  it("shows a row MailWizz itself inserted on both sides, with the same id", async () => {
    const [result] = await admin.execute<ResultSetHeader>(
      "INSERT INTO mw_delivery_server (customer_id, type, name, hostname, username, password, from_email, status, date_added, last_updated) VALUES (1, 'smtp', 'Added in the UI', 'smtp.ui.example', 'u', 'p', 'ui@example.net', 'in-use', NOW(), NOW())",
    );
    const id = result.insertId;
    expect(await client.deliveryServer(id)).toEqual({
      id,
      type: "smtp",
      name: "Added in the UI",
      hostname: "smtp.ui.example",
      status: "in-use",
    });
    expect((await customerStore.list()).map((s) => [s.serverId, s.name])).toContainEqual([
      id,
      "Added in the UI",
    ]);
    // Paged like every index: `name ASC`.
    expect((await client.deliveryServers()).map((s) => s.name)).toEqual(["Added in the UI", "ee-pmta-vmta1"]);
  });

  it("keeps a campaign's delivery servers that the customer may use, from the MariaDB rows", async () => {
    const mine = (await customerStore.list())[0]!.serverId;
    const system = (await systemStore.list())[0]!.serverId;
    const [foreign] = await admin.execute<ResultSetHeader>(
      "INSERT INTO mw_delivery_server (customer_id, type, name, hostname, username, from_email, status, date_added, last_updated) VALUES (7, 'smtp', 'Someone else', 'x.example', 'u', 'x@example.net', 'active', NOW(), NOW())",
    );
    const list = await client.lists.create(listInput("Servers from MariaDB"));
    const html = "<p>Hi</p>[UNSUBSCRIBE_URL] [COMPANY_FULL_ADDRESS]";
    const uid = await client.campaigns.create({
      name: "Uses SQL servers",
      fromName: "Acme",
      fromEmail: "news@acme.example",
      replyTo: "reply@acme.example",
      subject: "Hello",
      listUid: list,
      sendAt: new Date("2026-12-01T09:00:00Z"),
      template: { content: html },
      deliveryServerIds: [mine, system, foreign.insertId, 99_999],
    });
    const row = emulator.store.campaigns.find((c) => c.campaign_uid === uid);
    expect(row?.delivery_server_ids).toEqual([mine, system]);
  });
});
