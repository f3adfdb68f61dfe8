// The real-install target from the inventory, with MailWizz's database on the local MariaDB (a database
// of its own, no tunnel) and its API played by the emulator reading the same delivery-server table.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RowDataPacket } from "mysql2/promise";
import { ConfigError } from "../../reconciler/errors.ts";
import type { Inventory, MailwizzInstall } from "../../reconciler/inventory/types.gen.ts";
import { decryptPassword, openMysqlServerSource } from "../../reconciler/mailwizz/delivery-servers/index.ts";
import type { MysqlServerSource } from "../../reconciler/mailwizz/delivery-servers/index.ts";
import { startMailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import {
  applyMailwizz,
  isEmpty,
  observeMailwizz,
  openMailwizzTarget,
  planMailwizzChanges,
} from "../../reconciler/mailwizz/target/index.ts";
import {
  DAY1,
  MARIADB,
  SMTP,
  baseInventory,
  desiredState,
  secretFile,
  throwawayDatabase,
} from "./fixtures.ts";

const KEYS = {
  MAILWIZZ_API_KEY_SOS_EXPAT: "sos-key-0123456789abcdef",
  MAILWIZZ_API_KEY_ULIXAI: "ulixai-key-0123456789abcdef",
};
let db: Awaited<ReturnType<typeof throwawayDatabase>>;
let password: Awaited<ReturnType<typeof secretFile>>;
let source: MysqlServerSource;
let emulator: MailwizzEmulator;
let inventory: Inventory;
let install: MailwizzInstall;

beforeAll(async () => {
  db = await throwawayDatabase();
  password = await secretFile(MARIADB.password);
  source = openMysqlServerSource({ ...MARIADB, database: db.name });
  emulator = await startMailwizzEmulator({
    access: { version: "2.x", apiKey: KEYS.MAILWIZZ_API_KEY_SOS_EXPAT },
    customers: [{ apiKey: KEYS.MAILWIZZ_API_KEY_ULIXAI, customerId: 2 }],
    deliveryServers: source,
  });
  install = {
    apiUrl: emulator.baseUrl,
    version: 2,
    database: {
      host: MARIADB.host,
      port: MARIADB.port,
      name: db.name,
      user: MARIADB.user,
      password: { file: password.path },
      tunnel: false,
    },
  };
  inventory = await baseInventory();
});
afterAll(async () => {
  await emulator?.close();
  await source?.close();
  await password?.remove();
  await db?.drop();
});

const withInstall = (edit: (i: MailwizzInstall) => MailwizzInstall | undefined): Inventory => {
  const copy = structuredClone(inventory);
  const server = copy.servers["mailwizz"]!;
  const next = edit(structuredClone(install));
  if (next === undefined) delete server.mailwizz;
  else server.mailwizz = next;
  return copy;
};

describe("MailWizz target on MariaDB", () => {
  it("applies the desired state once, and the second time changes nothing", async () => {
    const target = await openMailwizzTarget(
      withInstall((i) => i),
      "mailwizz",
      KEYS,
      {
        client: { retries: 0 },
      },
    );
    try {
      const desired = await desiredState(inventory);
      const reports = await applyMailwizz(
        target,
        planMailwizzChanges(desired, await observeMailwizz(target)),
      );
      expect(reports.map((r) => `${r.id} ${r.status}`)).toEqual([
        ...[0, 1, 2, 3, 4].map((i) => `mailwizz:mailwizz:delivery-server:ee-pmta-vmta${i} Success`),
        "mailwizz:mailwizz:sos-expat:list:Cold Outreach Avocats Success",
        "mailwizz:mailwizz:sos-expat:list:Cold Outreach Notaires Success",
        "mailwizz:mailwizz:ulixai:list:Cold Outreach Bloggers Success",
        "mailwizz:mailwizz:sos-expat:template:Introduction avocats Success",
        "mailwizz:mailwizz:sos-expat:template:Introduction notaires Success",
        "mailwizz:mailwizz:ulixai:template:Introduction bloggers Success",
      ]);
      // The rows MailWizz would read: system servers, encrypted password, the VMTA header.
      const [rows] = await db.admin.query<RowDataPacket[]>(
        "SELECT name, customer_id, status, daily_quota, hourly_quota, password, CAST(meta_data AS CHAR) AS meta FROM mw_delivery_server ORDER BY name",
      );
      expect(
        rows.map((r): unknown[] => [r.name, r.customer_id, r.status, r.daily_quota, r.hourly_quota]),
      ).toEqual([
        ["ee-pmta-vmta0", null, "active", 50, 5],
        ["ee-pmta-vmta1", null, "active", 50, 5],
        ["ee-pmta-vmta2", null, "active", 50, 5],
        ["ee-pmta-vmta3", null, "inactive", 0, 0],
        ["ee-pmta-vmta4", null, "inactive", 0, 0],
      ]);
      expect(rows[0]?.password).not.toBe(SMTP.password);
      expect(decryptPassword(String(rows[0]?.password))).toBe(SMTP.password);
      expect(String(rows[1]?.meta)).toContain('"X-Virtual-MTA"');

      const observed = await observeMailwizz(target);
      expect(isEmpty(planMailwizzChanges(desired, observed))).toBe(true);
      const [before] = await db.admin.query<RowDataPacket[]>("CHECKSUM TABLE mw_delivery_server");
      expect(await applyMailwizz(target, planMailwizzChanges(desired, observed))).toEqual([]);
      const [afterSum] = await db.admin.query<RowDataPacket[]>("CHECKSUM TABLE mw_delivery_server");
      expect(afterSum[0]?.Checksum).toBe(before[0]?.Checksum);

      // Day 2: only the quotas move, the status stays.
      const day2 = DAY1.map((q) => (q.vmta === "pmta-vmta1" ? { ...q, quota: 120 } : q));
      const next = planMailwizzChanges(await desiredState(inventory, day2), observed);
      const day2Reports = await applyMailwizz(target, next);
      expect(day2Reports.map((r) => [r.id, r.status, r.detail.replace(/ \(server_id \d+\)/, "")])).toEqual([
        ["mailwizz:mailwizz:delivery-server:ee-pmta-vmta1", "Success", "updated: hourly_quota, daily_quota"],
      ]);
      const again = planMailwizzChanges(await desiredState(inventory, day2), await observeMailwizz(target));
      expect(isEmpty(again)).toBe(true);
      expect(JSON.stringify([reports, day2Reports])).not.toMatch(/sos-key|ulixai-key|sécret/);
    } finally {
      await target.close();
    }
  });

  it.each([
    [
      "no server of that name",
      "nope",
      (i: MailwizzInstall) => i,
      KEYS,
      "servers.nope: no such server; name a server with role mailwizz (mailwizz)",
    ],
    [
      "a server of another role",
      "pmta",
      (i: MailwizzInstall) => i,
      KEYS,
      "servers.pmta: role is pmta, not mailwizz; name a MailWizz server",
    ],
    [
      "no mailwizz section",
      "mailwizz",
      () => undefined,
      KEYS,
      "servers.mailwizz.mailwizz: missing; add the install's apiUrl and database (name, user, password)",
    ],
    [
      "no apiUrl",
      "mailwizz",
      ({ apiUrl: _u, ...rest }: MailwizzInstall) => rest,
      KEYS,
      "servers.mailwizz.mailwizz.apiUrl: missing; give the API base URL, e.g. https://mw.example.com/api",
    ],
    [
      "no database",
      "mailwizz",
      ({ database: _d, ...rest }: MailwizzInstall) => rest,
      KEYS,
      "servers.mailwizz.mailwizz.database: missing; give name, user and password (the API cannot write delivery servers)",
    ],
    [
      "a tenant's API key not in the environment",
      "mailwizz",
      (i: MailwizzInstall) => i,
      { MAILWIZZ_API_KEY_SOS_EXPAT: KEYS.MAILWIZZ_API_KEY_SOS_EXPAT },
      "tenants.ulixai.mailwizz.apiKey: environment variable MAILWIZZ_API_KEY_ULIXAI is not set",
    ],
    [
      "an unreadable database password file",
      "mailwizz",
      (i: MailwizzInstall) => ({ ...i, database: { ...i.database!, password: { file: "/nonexistent/pw" } } }),
      KEYS,
      "servers.mailwizz.mailwizz.database.password: cannot read /nonexistent/pw",
    ],
    [
      "a tunnel without ssh access",
      "mailwizz",
      (i: MailwizzInstall) => ({ ...i, database: { ...i.database!, tunnel: true } }),
      KEYS,
      "servers.mailwizz.ssh: missing; the database is reached through an SSH tunnel: give ssh.hostKey and ssh.privateKey, or set servers.mailwizz.mailwizz.database.tunnel: false",
    ],
  ])("refuses %s with the inventory path and the fix", async (_what, server, edit, secrets, message) => {
    const error = await openMailwizzTarget(withInstall(edit), server, secrets).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(message);
  });
});
