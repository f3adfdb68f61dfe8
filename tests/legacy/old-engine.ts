// The old Python engine's database, as its SQLAlchemy models and Alembic revisions 001..005 leave it
// (reference/existing-engine.md §1.18), in a PostgreSQL database of its own created on the machine's
// server, with realistic rows: IPs in every old state, a plan mid-warm-up (day 23 on the cutover day),
// a finished plan, plans paused by hand and by the gates, an emergency stop, open and closed blocklist
// events, and rows that cannot be mapped.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { TEST_DATABASE_URL } from "../helpers/postgres.ts";

export const CUTOVER = "2026-11-24";
export const PASSWORD = "Old-Engine-S3cret-pw";

const DDL = `
CREATE TABLE tenants (
  id serial PRIMARY KEY, slug varchar(50) NOT NULL UNIQUE, name varchar(100) NOT NULL,
  brand_domain varchar(255), sending_domain_base varchar(255), is_active boolean DEFAULT true,
  created_at timestamp DEFAULT now());
CREATE TABLE ips (
  id serial PRIMARY KEY, address varchar(45) NOT NULL UNIQUE, hostname varchar(255) NOT NULL,
  purpose varchar(20) NOT NULL DEFAULT 'marketing', status varchar(20) NOT NULL DEFAULT 'standby',
  weight integer DEFAULT 100, vmta_name varchar(100), pool_name varchar(100), mailwizz_server_id integer,
  sender_email varchar(255), pmta_node_id varchar(20) DEFAULT 'vps2', quarantine_until timestamp,
  blacklisted_on text, status_changed_at timestamp, created_at timestamp DEFAULT '2026-09-01',
  tenant_id integer REFERENCES tenants (id));
CREATE TABLE domains (
  id serial PRIMARY KEY, name varchar(255) NOT NULL UNIQUE, purpose varchar(20) DEFAULT 'marketing',
  ip_id integer REFERENCES ips (id), dkim_selector varchar(63) DEFAULT 'default', dkim_key_path varchar(255),
  spf_valid boolean DEFAULT false, dkim_valid boolean DEFAULT false, dmarc_valid boolean DEFAULT false,
  ptr_valid boolean DEFAULT false, last_dns_check timestamp, created_at timestamp DEFAULT '2026-09-01',
  tenant_id integer REFERENCES tenants (id));
CREATE TABLE warmup_plans (
  id serial PRIMARY KEY, ip_id integer NOT NULL UNIQUE REFERENCES ips (id),
  tenant_id integer NOT NULL REFERENCES tenants (id), phase varchar(20) DEFAULT 'week_1',
  started_at timestamp, current_daily_quota integer DEFAULT 5, target_daily_quota integer DEFAULT 20000,
  bounce_rate_7d double precision DEFAULT 0, spam_rate_7d double precision DEFAULT 0,
  paused boolean DEFAULT false, pause_until timestamp);
CREATE TABLE warmup_daily_stats (
  id serial PRIMARY KEY, plan_id integer NOT NULL REFERENCES warmup_plans (id), date timestamp NOT NULL,
  sent integer DEFAULT 0, delivered integer DEFAULT 0, bounced integer DEFAULT 0, complaints integer DEFAULT 0,
  opens integer DEFAULT 0, clicks integer DEFAULT 0, UNIQUE (plan_id, date));
CREATE TABLE blacklist_events (
  id serial PRIMARY KEY, tenant_id integer NOT NULL REFERENCES tenants (id), ip_id integer REFERENCES ips (id),
  blacklist_name varchar(100) NOT NULL, listed_at timestamp NOT NULL, delisted_at timestamp,
  auto_recovered boolean DEFAULT false, standby_ip_activated_id integer);
CREATE TABLE users (
  id serial PRIMARY KEY, email varchar(255) UNIQUE, username varchar(100) UNIQUE, hashed_password text,
  role varchar(20), is_active boolean, created_at timestamp, last_login timestamp);
CREATE TABLE alert_logs (
  id serial PRIMARY KEY, timestamp timestamp, severity varchar(20), category varchar(50), message text,
  telegram_sent boolean);
`;

// Old day_N quotas (the 70-day table) for the rows' current_daily_quota.
const DAILY = [5, 7, 10, 12, 15, 18, 20, 25, 28, 32, 36, 40, 45, 50, 55, 65, 75, 85, 95, 100, 110, 125, 140];

function day(offset: number): string {
  return new Date(Date.parse(`${CUTOVER}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

const ROWS = `
INSERT INTO tenants (id, slug, name) VALUES (1, 'sos-expat', 'SOS-Expat'), (2, 'client-2', 'Client 2');
INSERT INTO users (email, username, hashed_password, role, is_active)
  VALUES ('admin@email-engine.local', 'admin', '$2b$12$abcdefghijklmnopqrstuv', 'admin', true);
INSERT INTO ips (id, address, hostname, status, vmta_name, pool_name, pmta_node_id, quarantine_until, status_changed_at, tenant_id) VALUES
  (1, '203.0.113.20', 'mail.hub-travelers.com', 'warming', 'vmta-hub-travelers', 'warmup-pool', 'vps2', NULL, '2026-10-30 08:00', 1),
  (2, '203.0.113.21', 'mail.plane-liberty.com', 'active', 'vmta-plane-liberty', NULL, 'vps2', NULL, '2026-08-20 00:00', 1),
  (3, '203.0.113.22', 'mail2.hub-travelers.com', 'warming', 'vmta-hub2', NULL, 'vps2', NULL, NULL, 1),
  (4, '203.0.113.23', 'mail3.hub-travelers.com', 'warming', 'vmta-hub3', NULL, 'vps2', NULL, NULL, 1),
  (5, '203.0.113.24', 'mail4.hub-travelers.com', 'quarantined', 'vmta-hub4', NULL, 'vps2', '2026-12-20 00:00', '2026-11-20 00:00', 1),
  (6, '203.0.113.25', 'mail5.hub-travelers.com', 'standby', 'vmta-hub5', NULL, 'vps2', NULL, NULL, 1),
  (7, '203.0.113.26', 'mail6.hub-travelers.com', 'resting', 'vmta-hub6', NULL, 'vps2', '2026-12-01 00:00', '2026-11-17 00:00', 1),
  (8, '203.0.113.27', 'mail7.hub-travelers.com', 'retiring', 'vmta-hub7', NULL, 'vps2', NULL, NULL, 1),
  (9, '203.0.113.28', 'mail8.hub-travelers.com', 'blacklisted', 'vmta-hub8', NULL, 'vps2', NULL, NULL, 1),
  (10, '10.0.0.5', 'mail9.hub-travelers.com', 'warming', 'vmta-hub9', NULL, 'vps2', NULL, NULL, 1),
  (11, '203.0.113.10', 'mail1.sos-mail.com', 'active', 'pmta-vmta0', NULL, 'vps2', NULL, NULL, 1);
INSERT INTO domains (id, name, ip_id, dkim_selector, tenant_id) VALUES
  (1, 'hub-travelers.com', 1, 'default', 1),
  (2, 'plane-liberty.com', 2, 'default', 1),
  (3, 'client-site.com', NULL, 'default', 2),
  (4, 'sos-mail.com', 11, 'ee1', 1);
INSERT INTO warmup_plans (id, ip_id, tenant_id, phase, started_at, current_daily_quota, paused, pause_until) VALUES
  (1, 1, 1, 'day_23', '2026-10-30 08:00', ${DAILY[22]}, false, NULL),
  (2, 2, 1, 'completed', '2026-06-01 08:00', 20000, false, NULL),
  (3, 3, 1, 'day_10', '2026-11-01 08:00', ${DAILY[9]}, true, NULL),
  (4, 4, 1, 'day_15', '2026-11-01 08:00', ${DAILY[14]}, true, '${day(2)} 06:00'),
  (5, 5, 1, 'emergency_stop', '2026-10-01 08:00', 50, true, '2026-12-20 00:00'),
  (6, 9, 1, 'completed', '2026-05-01 08:00', 20000, false, NULL),
  (7, 10, 1, 'day_3', '2026-11-20 08:00', 10, false, NULL);
INSERT INTO warmup_daily_stats (plan_id, date, sent, delivered, bounced, complaints)
  SELECT 1, d, 100 + n, 98 + n, 2, 0
  FROM generate_series(1, 22) AS n, LATERAL (SELECT (date '${day(-23)}' + n)::timestamp AS d) AS x;
INSERT INTO warmup_daily_stats (plan_id, date, sent, delivered, bounced, complaints)
  VALUES (1, '${CUTOVER} 00:00', 140, 139, 1, 0), (7, '${day(-2)} 00:00', 7, 7, 0, 0);
INSERT INTO blacklist_events (tenant_id, ip_id, blacklist_name, listed_at, delisted_at, auto_recovered) VALUES
  (1, 9, 'zen.spamhaus.org', '2026-11-22 04:00', NULL, false),
  (1, 9, 'bl.spamcop.net', '2026-11-10 04:00', '2026-11-12 08:00', true),
  (1, 9, 'dnsbl.sorbs.net', '2026-11-22 04:00', NULL, false),
  (1, 1, 'b.barracudacentral.org', '2026-11-05 04:00', '2026-11-06 04:00', true);
INSERT INTO alert_logs (timestamp, severity, category, message, telegram_sent)
  VALUES ('2026-11-22 04:00', 'CRITICAL', 'blacklist', 'IP 203.0.113.28 listed', true);
`;

export interface OldEngineDatabase {
  /** With the password in it (trust auth ignores it): it must never show in any output. */
  readonly url: string;
  checksum(): Promise<string>;
  drop(): Promise<void>;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createOldEngineDatabase(): Promise<OldEngineDatabase> {
  const name = `ee_legacy_${randomBytes(6).toString("hex")}`;
  await withClient(TEST_DATABASE_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  const base = new URL(TEST_DATABASE_URL);
  base.pathname = `/${name}`;
  const plain = base.toString();
  await withClient(plain, async (c) => {
    await c.query(DDL);
    await c.query(ROWS);
  });
  base.password = PASSWORD;
  return {
    url: base.toString(),
    checksum: () =>
      withClient(plain, async (c) => {
        const tables = (
          await c.query<{ t: string }>(
            "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
          )
        ).rows.map((r) => r.t);
        const parts: string[] = [];
        for (const t of tables) {
          const r = await c.query<{ h: string | null }>(
            `SELECT md5(string_agg(to_jsonb(x)::text, '|' ORDER BY to_jsonb(x)::text)) AS h FROM ${t} x`,
          );
          parts.push(`${t}:${r.rows[0]?.h ?? "empty"}`);
        }
        return parts.join(",");
      }),
    drop: () =>
      withClient(TEST_DATABASE_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
