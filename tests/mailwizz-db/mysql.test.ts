// What only the SQL store has: the raw columns it writes, connection failures, timeouts, owner scoping,
// and no secret in any error or output.
import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { inspect } from "node:util";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "mysql2/promise";
import type { Connection, RowDataPacket } from "mysql2/promise";
import { ConfigError, TransientError } from "../../reconciler/errors.ts";
import {
  decryptPassword,
  encryptPassword,
  openMysqlStore,
} from "../../reconciler/mailwizz/delivery-servers/index.ts";
import { MARIADB, desiredServer } from "./harness.ts";

const database = `ee_test_${randomBytes(6).toString("hex")}`;
let admin: Connection;

beforeAll(async () => {
  admin = await createConnection({ ...MARIADB, multipleStatements: true, connectTimeout: 5000 });
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8`);
  await admin.query(`USE \`${database}\``);
  await admin.query(
    await readFile(new URL("../../reconciler/mailwizz/delivery-servers/schema.sql", import.meta.url), "utf8"),
  );
});
afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
});

describe("MailWizz's password encoding", () => {
  // Expected values computed with `openssl enc -aes-128-cbc -K 6162…7778 -iv 00…00 -base64`.
  it.each([
    ["pa$$word", "cGOCr+ndrb41+y+WNPeKsQ=="],
    ["é", "LuAeHLfdysTsK8Qgt5WjjQ=="],
  ])("encrypts %j like MailWizz's beforeSave", (plain, stored) => {
    expect(encryptPassword(plain)).toBe(stored);
    expect(decryptPassword(stored)).toBe(plain);
  });

  it.each([
    ["not canonical base64: used as plain text", "hunter2!", "hunter2!"],
    ["empty", "", ""],
    ["canonical base64 that does not decrypt: empty, as PHP's false", "password", ""],
  ])("reads a stored value that is %s", (_label, stored, read) => {
    expect(decryptPassword(stored)).toBe(read);
  });
});

describe("the SQL store's rows", () => {
  it("writes MailWizz's column values: encrypted password, PHP-serialized headers, system owner, dates", async () => {
    const store = await openMysqlStore({ ...MARIADB, database });
    try {
      const { serverId } = await store.upsert(desiredServer());
      const [rows] = await admin.query<RowDataPacket[]>(
        "SELECT * FROM mw_delivery_server WHERE server_id = ?",
        [serverId],
      );
      const row = rows[0] as Record<string, unknown>;
      expect(row).toMatchObject({
        customer_id: null,
        type: "smtp-pmta",
        name: "ee-pmta-vmta0",
        hostname: "pmta.sos-mail.com",
        port: 2525,
        protocol: "",
        username: "mailwizz",
        password: encryptPassword("s3cret-pmta-password"),
        from_email: "noreply@sos-mail.com",
        from_name: "SOS-Expat",
        hourly_quota: 5,
        daily_quota: 50,
        monthly_quota: 0,
        status: "active",
        timeout: 30,
        probability: 100,
        use_for: "all",
      });
      expect((row["meta_data"] as Buffer).toString("utf8")).toBe(
        'a:1:{s:18:"additional_headers";a:1:{i:0;a:2:{s:4:"name";s:13:"X-Virtual-MTA";s:5:"value";s:10:"pmta-vmta0";}}}',
      );
      expect(row["date_added"]).toBeInstanceOf(Date);
      expect(row["last_updated"]).toBeInstanceOf(Date);
    } finally {
      await store.close();
    }
  });

  it("sees and creates only the servers of its customer", async () => {
    const system = await openMysqlStore({ ...MARIADB, database });
    const customer = await openMysqlStore({ ...MARIADB, database, customerId: 7 });
    try {
      await system.upsert(desiredServer({ name: "ee-shared-name" }));
      const mine = await customer.upsert(
        desiredServer({ name: "ee-shared-name", quotas: { hourly: 1, daily: 1 } }),
      );
      expect(mine.action).toBe("created");
      expect((await customer.list()).map((s) => [s.customerId, s.name, s.quotas.daily])).toEqual([
        [7, "ee-shared-name", 1],
      ]);
      expect((await system.list()).find((s) => s.name === "ee-shared-name")?.quotas.daily).toBe(50);
    } finally {
      await system.close();
      await customer.close();
    }
  });

  it("refuses a table prefix that is not a plain identifier", async () => {
    await expect(openMysqlStore({ ...MARIADB, database, tablePrefix: "mw_`; DROP" })).rejects.toThrow(
      new ConfigError('MailWizz table prefix "mw_`; DROP" may hold only letters, digits and _'),
    );
  });
});

describe("failures", () => {
  let blackHole: Server;
  const held: Socket[] = [];
  beforeAll(async () => {
    // Accepts TCP connections and never says a word: the MySQL handshake never starts.
    blackHole = createServer((s) => held.push(s));
    await new Promise<void>((r) => blackHole.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise<void>((r) => blackHole.close(() => r()));
  });

  it("times out on a server that does not answer", async () => {
    const port = (blackHole.address() as AddressInfo).port;
    const store = await openMysqlStore({ ...MARIADB, port, database, connectTimeoutMs: 400 });
    const started = Date.now();
    try {
      const error = await store.list().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).message).toMatch(
        /^MailWizz database 127\.0\.0\.1:\d+\/ee_test_[0-9a-f]+: ETIMEDOUT: /,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await store.close();
    }
  });

  it("gives up on a query that waits too long (a row locked by someone else), and writes nothing", async () => {
    const store = await openMysqlStore({ ...MARIADB, database, queryTimeoutMs: 500 });
    const locker = await createConnection({ ...MARIADB, database });
    try {
      await store.upsert(desiredServer({ name: "ee-locked" }));
      await locker.query("START TRANSACTION");
      await locker.query("SELECT server_id FROM mw_delivery_server WHERE name = 'ee-locked' FOR UPDATE");
      const error = await store.setQuotas("ee-locked", { hourly: 1, daily: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).message).toMatch(/: PROTOCOL_SEQUENCE_TIMEOUT: Query inactivity timeout$/);
      await locker.query("ROLLBACK");
      expect((await store.list()).find((s) => s.name === "ee-locked")?.quotas).toEqual({
        hourly: 5,
        daily: 50,
      });
    } finally {
      await locker.end();
      await store.close();
    }
  });

  it("never shows a password in errors or output", async () => {
    const dbPassword = `db-'pw"-${randomBytes(4).toString("hex")}-é`;
    const serverPassword = `srv-'pw"-${randomBytes(4).toString("hex")}-日本`;
    const captured: string[] = [];
    const restore = [process.stdout, process.stderr].map((stream) => {
      const write = stream.write.bind(stream);
      stream.write = (chunk: string | Uint8Array, ...rest: never[]) => {
        captured.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return write(chunk, ...rest);
      };
      return () => (stream.write = write);
    });
    const errors: unknown[] = [];
    try {
      // The database refuses the database password.
      await admin.query("CREATE USER IF NOT EXISTS 'ee_test_user'@'127.0.0.1' IDENTIFIED BY 'right-one'");
      const wrongLogin = await openMysqlStore({
        ...MARIADB,
        user: "ee_test_user",
        password: dbPassword,
        database,
      });
      errors.push(
        await wrongLogin.upsert(desiredServer({ password: serverPassword })).catch((e: unknown) => e),
      );
      await wrongLogin.close();
      // The tables are missing (wrong prefix), in the middle of a write carrying the server password.
      const noTable = await openMysqlStore({ ...MARIADB, database, tablePrefix: "nope_" });
      errors.push(await noTable.upsert(desiredServer({ password: serverPassword })).catch((e: unknown) => e));
      await noTable.close();
      // The database refuses the row (a password column too narrow), in an INSERT carrying the password.
      await admin.query("CREATE TABLE short_delivery_server LIKE mw_delivery_server");
      await admin.query("ALTER TABLE short_delivery_server MODIFY password varchar(5) NULL");
      const narrow = await openMysqlStore({ ...MARIADB, database, tablePrefix: "short_" });
      errors.push(await narrow.upsert(desiredServer({ password: serverPassword })).catch((e: unknown) => e));
      await narrow.close();
      // A refused input with the password in it.
      const store = await openMysqlStore({ ...MARIADB, database });
      errors.push(
        await store.upsert(desiredServer({ password: `${serverPassword}\n` })).catch((e: unknown) => e),
      );
      await store.close();
    } finally {
      for (const r of restore) r();
      await admin.query("DROP USER IF EXISTS 'ee_test_user'@'127.0.0.1'");
    }
    expect(errors.map((e) => (e as Error).name)).toEqual([
      "ConfigError",
      "ConfigError",
      "InternalError",
      "ConfigError",
    ]);
    expect((errors[0] as Error).message).toMatch(
      /ER_ACCESS_DENIED_ERROR: Access denied for user 'ee_test_user'/,
    );
    expect((errors[1] as Error).message).toMatch(
      /ER_NO_SUCH_TABLE: Table '.*nope_delivery_server' doesn't exist/,
    );
    const everything = [
      ...captured,
      ...errors.map((e) => `${inspect(e, { depth: 10 })} ${JSON.stringify(e)} ${(e as Error).stack}`),
    ].join("\n");
    for (const secret of [dbPassword, serverPassword, encryptPassword(serverPassword)]) {
      expect(everything).not.toContain(secret);
    }
  });
});
