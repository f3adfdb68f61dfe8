// Benchmark: the contact import (issue 8's "Done means"). A generated CSV (default 1,000,000 rows on
// a few thousand domains, a few % invalid, some duplicates, custom columns) is checked and imported
// with domain-level validation against the loopback DNS server into PostgreSQL (a schema of its own,
// dropped at the end), MailWizz push off; then PostgreSQL's own COPY of the same file into a plain
// table, for comparison; then a smaller import pushed to the MailWizz emulator, so the push cost is
// known too. Prints figures; asserts nothing (timings never live in pass/fail tests).
//
// Run: npm run bench -- import-contacts [--rows N] [--push-rows N] [--domains N] [--batch N]
// PostgreSQL: DATABASE_URL, else the test suite's (EMAIL_ENGINE_TEST_DATABASE_URL, else 127.0.0.1:5432).
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { checkCsv } from "../reconciler/contacts/csv/index.ts";
import type { FullReport, ImportDeps, ImportRequest } from "../reconciler/contacts/import/index.ts";
import { importContacts, importIdFor } from "../reconciler/contacts/import/index.ts";
import { createValidator } from "../reconciler/contacts/verify/index.ts";
import { MailwizzClient } from "../reconciler/mailwizz/client/index.ts";
import { startMailwizzEmulator } from "../reconciler/mailwizz/emulator/index.ts";
import { openStore } from "../reconciler/store/index.ts";
import type { Store } from "../reconciler/store/index.ts";
import { TEST_DATABASE_URL } from "../tests/helpers/postgres.ts";
import { TestDnsServer } from "../tests/peers/dns-server.ts";

interface Args {
  rows: number;
  pushRows: number;
  domains: number;
  /** Rows per storage batch; 0: the pipeline's default. */
  batch: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { rows: 1_000_000, pushRows: 50_000, domains: 3_000, batch: 0 };
  const names: Record<string, keyof Args> = {
    "--rows": "rows",
    "--push-rows": "pushRows",
    "--domains": "domains",
    "--batch": "batch",
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    const key = names[flag];
    if (key === undefined) continue; // run.ts passes the script-name filters along too.
    const text = inline ?? argv[++i];
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`${flag} ${JSON.stringify(text)}: expected a whole number, e.g. ${flag} 100000`);
    args[key] = value;
  }
  return args;
}

// ---- the generated file ---------------------------------------------------------------------------

/** mulberry32: the same file on every run, so runs compare. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type DomainKind = "mx" | "implicit" | "null_mx" | "nxdomain";

/** The generated business domains: mostly MX, some A-only (implicit MX), some null MX, some unknown. */
function domainKind(i: number): DomainKind {
  const k = i % 100;
  return k < 3 ? "nxdomain" : k < 5 ? "null_mx" : k < 10 ? "implicit" : "mx";
}

const FIRST = ["Anne", "Bruno", "Chloé", "David", "Émilie", "François", "Gaëlle", "Hugo", "Inès", "Jules"];
const LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy"];
const COUNTRIES = ["FR", "BE", "CH", "CA", "DE", "ES", "IT", ""];
const INDUSTRIES = ["law", "accounting", "notary", "real estate", ""];

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes `rows` data rows; returns how many of them were generated as duplicates / invalid / role. */
async function generateCsv(
  path: string,
  rows: number,
  domains: number,
): Promise<{ duplicates: number; invalid: number; empty: number; role: number }> {
  const next = random(8);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const recent: string[] = [];
  const made = { duplicates: 0, invalid: 0, empty: 0, role: 0 };
  const out = createWriteStream(path);
  let buffer = "email,first_name,last_name,country,company,website,industry\n";
  for (let i = 1; i <= rows; i++) {
    const r = next();
    const d = Math.floor(next() * domains);
    const domain =
      r < 0.1
        ? "gmail.com" // free mail: flagged, accepted
        : r < 0.102
          ? "gmial.com" // a typo of gmail.com: refused (typo)
          : r < 0.104
            ? "mailinator.com" // disposable: refused
            : `cabinet-${d}.test`;
    const first = pick(FIRST);
    const last = pick(LAST);
    const kind = next();
    let email: string;
    if (kind < 0.02 && recent.length > 0) {
      // Duplicates, near and far (another storage batch), sometimes in other case.
      const again = pick(recent);
      email = next() < 0.5 ? again : again.toUpperCase();
      made.duplicates++;
    } else if (kind < 0.035) {
      const bad = [
        `${first}.${last}${i}`,
        `${first}..${last}${i}@${domain}`,
        `${first}${i}@`,
        `${"x".repeat(65)}${i}@${domain}`,
        `${first} ${last}${i}@${domain}`,
      ];
      email = pick(bad);
      made.invalid++;
    } else if (kind < 0.04) {
      email = "";
      made.empty++;
    } else if (kind < 0.043) {
      email = `${pick(["info", "contact", "sales"])}@${domain}`;
      made.role++;
    } else {
      email = `${first}.${last}${i}@${domain}`.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
    }
    if (email.includes("@") && kind >= 0.02) {
      if (recent.length < 10_000) recent.push(email);
      else recent[Math.floor(next() * recent.length)] = email;
    }
    const company = next() < 0.1 ? `${last}, ${pick(LAST)} & Associés` : `Cabinet ${last}`;
    const website = next() < 0.7 ? `https://www.${domain}/` : "";
    buffer += `${[email, first, last, pick(COUNTRIES), company, website, pick(INDUSTRIES)].map(csvField).join(",")}\n`;
    if (buffer.length >= 1 << 16) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  out.end(buffer);
  await once(out, "finish");
  return made;
}

function publishDomains(dns: TestDnsServer, domains: number): Record<DomainKind, number> {
  const kinds: Record<DomainKind, number> = { mx: 0, implicit: 0, null_mx: 0, nxdomain: 0 };
  for (let d = 0; d < domains; d++) {
    const name = `cabinet-${d}.test`;
    const kind = domainKind(d);
    kinds[kind]++;
    if (kind === "mx") dns.set(name, "MX", [{ exchange: `mx${d % 7}.hosting.test`, priority: 10 }]);
    else if (kind === "implicit") dns.set(name, "A", [`192.0.2.${(d % 250) + 1}`]);
    else if (kind === "null_mx") dns.set(name, "MX", [{ exchange: ".", priority: 0 }]);
  }
  for (const name of ["gmail.com", "gmial.com", "mailinator.com"])
    dns.set(name, "MX", [{ exchange: `mx.${name}`, priority: 10 }]);
  return kinds;
}

// ---- measuring ------------------------------------------------------------------------------------

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Peak RSS, sampled every 100 ms while `fn` runs. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const started = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - started;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { value, ms, peakRss };
  } finally {
    clearInterval(timer);
  }
}

function request(tenant: string, list: string, sha256: string, file: string): ImportRequest {
  return {
    tenant,
    list,
    importId: importIdFor(tenant, list, sha256),
    provenance: {
      source: `csv:${file}`,
      collectedAt: "2026-11-01T00:00:00.000Z",
      legalBasis: "legitimate-interest",
    },
  };
}

function printReport(report: FullReport): void {
  const invalid = Object.entries(report.invalid)
    .map(([reason, n]) => `${reason} ${fmt(n)}`)
    .join(", ");
  console.log(
    `  report: ${fmt(report.rows)} rows, ${fmt(report.accepted)} accepted, invalid {${invalid}}, ${fmt(report.duplicates)} duplicates, ${fmt(report.suppressed)} suppressed, ${fmt(report.errors)} row errors, ${fmt(report.pushed)} pushed`,
  );
}

// ---- the runs -------------------------------------------------------------------------------------

async function importRun(
  store: Store,
  dns: TestDnsServer,
  file: string,
  { rows, batch }: Args,
): Promise<void> {
  const validator = createValidator({ resolvers: [dns.address] });
  try {
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let lastShown = 0;
    const run = await measured(async () => {
      const check = await measured(() => checkCsv(file));
      const csv = check.value;
      const deps: ImportDeps = {
        sql: store.sql,
        validator,
        ...(batch > 0 ? { batchSize: batch } : {}),
        progress: (p) => {
          if (p.rows - lastShown < 100_000) return;
          lastShown = p.rows;
          process.stderr.write(`  … ${fmt(p.rows)} rows read, ${fmt(p.accepted)} accepted\n`);
        },
      };
      const report = await importContacts(
        deps,
        request("bench", "cold", csv.sha256, "bench.csv"),
        csv.read(),
      );
      return { report, checkMs: check.ms, bytes: csv.bytes };
    });
    const { report, checkMs, bytes } = run.value;
    console.log(
      `import (check + dedupe + suppression + domain validation + storage, no push): ${fmt(rows)} rows (${mb(bytes)}) in ${secs(run.ms)} = ${fmt(rows / (run.ms / 1000))} rows/s (the check pass alone: ${secs(checkMs)})`,
    );
    console.log(
      `  memory: baseline RSS ${mb(baseline)}, peak RSS ${mb(run.peakRss)} (sampled every 100 ms), +${mb(run.peakRss - baseline)}; ${dns.queries} DNS queries`,
    );
    printReport(report);
  } finally {
    await validator.close();
  }
}

async function copyRun(url: string, schema: string, file: string, rows: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const table = `"${schema}".copy_plain`;
    await client.query(
      `CREATE TABLE ${table} (email text, first_name text, last_name text, country text, company text,
         website text, industry text)`,
    );
    const run = await measured(async () => {
      const stream = client.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT csv, HEADER true)`));
      await pipeline(createReadStream(file), stream);
      return stream.rowCount;
    });
    console.log(
      `PostgreSQL COPY of the same file into a plain table (no index, no checks): ${fmt(run.value)} rows in ${secs(run.ms)} = ${fmt(rows / (run.ms / 1000))} rows/s`,
    );
  } finally {
    await client.end();
  }
}

async function pushRun(store: Store, dns: TestDnsServer, dir: string, args: Args): Promise<void> {
  const file = join(dir, "push.csv");
  await generateCsv(file, args.pushRows, args.domains);
  const apiKey = randomBytes(20).toString("hex");
  const emulator = await startMailwizzEmulator({
    access: { version: "2.x", apiKey },
    host: "127.0.0.1",
    recordRequests: false,
  });
  const validator = createValidator({ resolvers: [dns.address] });
  try {
    const client = new MailwizzClient({
      baseUrl: emulator.baseUrl,
      auth: { version: "2.x", apiKey },
      timeoutMs: 30_000,
    });
    const listUid = await client.lists.create({
      name: "Bench list",
      description: "benchmark",
      fromName: "Bench",
      fromEmail: "bench@cabinet-10.test",
      replyTo: "bench@cabinet-10.test",
      company: { name: "Bench", country: "France", address1: "1 rue", city: "Paris", zipCode: "75001" },
    });
    const csv = await checkCsv(file);
    const req = request("bench", "pushed", csv.sha256, "push.csv");
    // Stored first, then the same import again with MailWizz: the second run only pushes.
    await importContacts({ sql: store.sql, validator }, req, csv.read());
    const run = await measured(() =>
      importContacts({ sql: store.sql, validator, push: { client, listUid } }, req, csv.read()),
    );
    const report = run.value;
    console.log(
      `push to the MailWizz emulator (bulk chunks of 1,000): ${fmt(report.pushed)} contacts in ${secs(run.ms)} = ${fmt(report.pushed / (run.ms / 1000))} contacts/s (of a ${fmt(args.pushRows)}-row file)`,
    );
    printReport(report);
  } finally {
    await validator.close();
    await emulator.close();
  }
}

const args = parseArgs(process.argv.slice(2));
const url = process.env.DATABASE_URL ?? TEST_DATABASE_URL;
const schema = `ee_bench_${randomBytes(6).toString("hex")}`;
const dir = await mkdtemp(join(tmpdir(), "ee-bench-import-"));
const dns = await TestDnsServer.start();
let store: Store | undefined;
try {
  const file = join(dir, "bench.csv");
  const generating = performance.now();
  const made = await generateCsv(file, args.rows, args.domains);
  const kinds = publishDomains(dns, args.domains);
  console.log(
    `generated ${fmt(args.rows)} rows in ${secs(performance.now() - generating)}: ${fmt(made.duplicates)} repeated addresses, ${fmt(made.invalid)} bad syntax, ${fmt(made.empty)} empty, ${fmt(made.role)} role; ${fmt(args.domains)} domains (${kinds.mx} MX, ${kinds.implicit} A only, ${kinds.null_mx} null MX, ${kinds.nxdomain} NXDOMAIN) + gmail.com, gmial.com, mailinator.com; Node ${process.version}`,
  );
  store = await openStore({ databaseUrl: url, schema });
  await importRun(store, dns, file, args);
  await copyRun(url, schema, file, args.rows);
  if (args.pushRows > 0) await pushRun(store, dns, dir, args);
} finally {
  await store?.close();
  await dns.close();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
  await rm(dir, { recursive: true, force: true });
}
