// Small helpers of the end-to-end tests: reading configs, writing accounting records, waiting, and a
// PostgreSQL database per test (the engine's schema name is fixed, so a schema per test will not do).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { TEST_DATABASE_URL } from "../helpers/postgres.ts";
import type { Platform } from "./platform.ts";

/** The `<virtual-mta NAME>` block of a config. */
export function vmtaBlock(config: string, vmta: string): string {
  const start = config.indexOf(`<virtual-mta ${vmta}>`);
  if (start < 0) return "";
  return config.slice(start, config.indexOf("</virtual-mta>", start));
}

export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/**
 * One accounting record (the columns of ACCT_HEADER): `d` delivered or `b` hard bounce (bad mailbox),
 * sent from `ip` through `vmta` at a local time of Europe/Paris in November (+0100).
 */
export function acctRecord(kind: "d" | "b", at: string, ip: string, vmta: string, n: number): string {
  const rcpt = `user${n}@gmail.com`;
  const msg = `<m-${ip}-${at.replace(/\D/g, "")}-${n}@sos-mail.com>`;
  const [action, status, diag, cat] =
    kind === "d"
      ? ["relayed", "2.0.0 (success)", "smtp;250 2.0.0 OK", "success"]
      : ["failed", "5.1.1 (bad destination mailbox address)", "smtp;550 5.1.1 no such user", "bad-mailbox"];
  return [
    kind,
    `${at}+0100`,
    `${at}+0100`,
    "bounce@sos-mail.com",
    rcpt,
    "",
    action,
    status,
    diag,
    "gmail-smtp-in.l.google.com (142.250.1.27)",
    cat,
    "smtp",
    "mailwizz (10.0.0.5)",
    "smtp",
    ip,
    "142.250.1.27",
    "",
    "5120",
    vmta,
    "job-1",
    "",
    `gmail.com/${vmta}`,
    "pmta-pool",
    msg,
    "",
    "",
  ].join(",");
}

/** A PostgreSQL database of its own (the engine's schema is fixed: email_engine); drop() removes it. */
export async function throwawayPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `ee_e2e_${randomBytes(6).toString("hex")}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Polls `check` every 100 ms until it holds; `what` names what was awaited when it times out. */
export async function until(
  what: () => string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How many times the stand-in was asked to `pmta reload`. */
export async function reloads(platform: Platform): Promise<number> {
  return (await platform.sshd.pmtaCommands()).filter((c) => c === "reload").length;
}
