// Two ways to run the same delivery-server behaviour tests: against MariaDB at 127.0.0.1:3306 in a
// throwaway database with MailWizz's tables, and against the in-memory store.
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { createConnection } from "mysql2/promise";
import type { Connection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import type {
  DeliveryServerStore,
  DesiredDeliveryServer,
} from "../../reconciler/mailwizz/delivery-servers/index.ts";
import {
  MemoryDeliveryServerStore,
  MemoryServerTable,
  openMysqlStore,
  withHeaders,
} from "../../reconciler/mailwizz/delivery-servers/index.ts";

const SCHEMA = new URL("../../reconciler/mailwizz/delivery-servers/schema.sql", import.meta.url);
export const MARIADB = { host: "127.0.0.1", port: 3306, user: "root", password: "" } as const;
const OTHER_TABLES = [
  "mw_delivery_server_domain_policy",
  "mw_delivery_server_to_customer_group",
  "mw_delivery_server_usage_log",
  "mw_campaign_to_delivery_server",
] as const;

/** A server that is not the store's to change: another owner's, or an admin's. */
export interface ForeignRow {
  readonly customerId: number | null;
  readonly name: string;
  readonly status: string;
  /** Raw meta_data (PHP-serialized), or null. */
  readonly metaData: string | null;
}

export interface Harness {
  readonly store: DeliveryServerStore;
  /** Adds rows the way MailWizz's UI would (not through the store). */
  insertForeign(row: ForeignRow): Promise<number>;
  /** Sets a status behind the store's back (MailWizz marking a server in-use while it sends). */
  setRawStatus(serverId: number, status: string): Promise<void>;
  /** Everything the store must not touch, as one comparable string. */
  untouched(ownNames: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessKind {
  readonly kind: "mysql" | "memory";
  open(): Promise<Harness>;
  dispose(): Promise<void>;
}

export function memoryHarness(): HarnessKind {
  return {
    kind: "memory",
    open: () => {
      const table = new MemoryServerTable();
      const store = new MemoryDeliveryServerStore(table);
      return Promise.resolve({
        store,
        insertForeign: (row) =>
          Promise.resolve(
            table.insertDeliveryServer({
              customer_id: row.customerId,
              name: row.name,
              status: row.status,
              meta_data: row.metaData,
              type: "smtp",
              hostname: "smtp.example.net",
              port: 587,
              protocol: "tls",
              username: "admin",
              password: "admin-secret",
              from_email: "admin@example.net",
              from_name: "Admin",
              hourly_quota: 10,
              daily_quota: 100,
              monthly_quota: 0,
            }),
          ),
        setRawStatus: (serverId, status) => {
          table.updateDeliveryServer(serverId, { status });
          return Promise.resolve();
        },
        untouched: (own) =>
          Promise.resolve(
            JSON.stringify(
              table.deliveryServers.filter((r) => r.customer_id !== null || !own.includes(r.name)),
            ),
          ),
        close: () => store.close(),
      });
    },
    dispose: () => Promise.resolve(),
  };
}

export function mysqlHarness(): HarnessKind {
  const database = `ee_test_${randomBytes(6).toString("hex")}`;
  let admin: Connection | undefined;
  const adminConn = async (): Promise<Connection> => {
    if (!admin) {
      admin = await createConnection({ ...MARIADB, multipleStatements: true, connectTimeout: 5000 });
      await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8`);
      await admin.query(`USE \`${database}\``);
      await admin.query(await readFile(SCHEMA, "utf8"));
    }
    return admin;
  };
  return {
    kind: "mysql",
    open: async () => {
      const conn = await adminConn();
      for (const t of ["mw_delivery_server", ...OTHER_TABLES]) await conn.query(`TRUNCATE TABLE \`${t}\``);
      // Rows in the related tables, which the store must leave exactly as they are.
      await conn.query(
        "INSERT INTO mw_delivery_server_usage_log (server_id, customer_id, date_added) VALUES (1, NULL, '2026-11-24 10:00:00'), (2, 7, '2026-11-24 11:00:00')",
      );
      await conn.query(
        "INSERT INTO mw_delivery_server_to_customer_group (server_id, group_id) VALUES (1, 3), (2, 3)",
      );
      await conn.query(
        "INSERT INTO mw_delivery_server_domain_policy (server_id, domain, policy, date_added, last_updated) VALUES (1, 'example.org', 'deny', '2026-11-01', '2026-11-01')",
      );
      await conn.query(
        "INSERT INTO mw_campaign_to_delivery_server (campaign_id, server_id) VALUES (5, 1), (5, 2)",
      );
      const store = await openMysqlStore({
        ...MARIADB,
        database,
        connectTimeoutMs: 5000,
        queryTimeoutMs: 5000,
      });
      return {
        store,
        insertForeign: async (row) => {
          const [result] = await conn.execute<ResultSetHeader>(
            "INSERT INTO mw_delivery_server (customer_id, type, name, hostname, username, password, port, protocol, from_email, from_name, hourly_quota, daily_quota, meta_data, status, date_added, last_updated) VALUES (?, 'smtp', ?, 'smtp.example.net', 'admin', 'admin-secret', 587, 'tls', 'admin@example.net', 'Admin', 10, 100, ?, ?, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            [
              row.customerId,
              row.name,
              row.metaData === null ? null : Buffer.from(row.metaData, "utf8"),
              row.status,
            ],
          );
          return result.insertId;
        },
        setRawStatus: async (serverId, status) => {
          await conn.execute("UPDATE mw_delivery_server SET status = ? WHERE server_id = ?", [
            status,
            serverId,
          ]);
        },
        untouched: async (own) => {
          const parts: string[] = [];
          for (const t of OTHER_TABLES) {
            const [rows] = await conn.query<RowDataPacket[]>(`CHECKSUM TABLE \`${t}\``);
            const [all] = await conn.query<RowDataPacket[]>(`SELECT * FROM \`${t}\``);
            parts.push(`${t}:${String(rows[0]?.["Checksum"])}:${JSON.stringify(all)}`);
          }
          const [others] = await conn.query<RowDataPacket[]>(
            "SELECT * FROM mw_delivery_server WHERE customer_id IS NOT NULL OR NOT FIND_IN_SET(name, ?) ORDER BY server_id",
            [own.join(",")],
          );
          parts.push(JSON.stringify(others));
          return parts.join("\n");
        },
        close: () => store.close(),
      };
    },
    dispose: async () => {
      if (admin) {
        await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
        await admin.end();
      }
    },
  };
}

export function desiredServer(overrides: Partial<DesiredDeliveryServer> = {}): DesiredDeliveryServer {
  return {
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
    ...overrides,
  };
}

export const OLD_FORMAT_META =
  'a:2:{s:18:"additional_headers";a:1:{s:5:"X-Job";s:14:"[CAMPAIGN_UID]";}s:5:"other";s:4:"kept";}';
export const NEW_FORMAT_META = withHeaders({ keep: "me" }, [{ name: "X-Foo", value: "bar" }]);
