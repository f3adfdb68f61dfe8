// The import checks batch N+1 while batch N is being written (reconciler/contacts/import/batch.ts).
// These tests hold it to the counts of batches handled one after the other: the same report and the
// same stored rows whatever the batch size, and, forced deterministically, a refused address whose
// accepted twin the previous (still unwritten) batch holds counts as a duplicate, not as invalid.
// Also: the statistics refresh a big import runs (analyzeContacts) works on both backends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImportDeps, ImportRequest } from "../../../reconciler/contacts/import/index.ts";
import { DEFAULT_POLICY, importContacts, rowsFrom } from "../../../reconciler/contacts/import/index.ts";
import type { Counter } from "../../../reconciler/contacts/import/batch.ts";
import { checkBatch, writeBatch } from "../../../reconciler/contacts/import/batch.ts";
import type { SourceRow } from "../../../reconciler/contacts/import/index.ts";
import { analyzeContacts, rowErrorsOf, suppress } from "../../../reconciler/contacts/store/index.ts";
import type { Validator } from "../../../reconciler/contacts/verify/index.ts";
import type { Store } from "../../../reconciler/store/index.ts";
import { BACKENDS } from "../../helpers/backends.ts";
import type { TestDnsServer } from "../../peers/dns-server.ts";
import { startDns, validatorFor } from "./fixtures.ts";

let dns: TestDnsServer;
let validator: Validator;
beforeAll(async () => {
  dns = await startDns();
  validator = validatorFor(dns);
});
afterAll(async () => {
  await validator.close();
  await dns.close();
});

const NOW = new Date("2026-11-24T10:00:00Z");
const request = (importId: string): ImportRequest => ({
  tenant: "sos-expat",
  list: "cold-avocats",
  importId,
  provenance: { source: "test", collectedAt: "2026-11-01T00:00:00.000Z", legalBasis: "legitimate-interest" },
});

// Duplicates near and far, in other case, a refused twin of an accepted address (trailing dot: same
// key, bad syntax), a suppressed one, refusals and an unreadable row.
const EMAILS = [
  "anne@acme.test",
  "anne@acme.test.",
  "bob@globex.test",
  "ANNE@ACME.TEST",
  "info@acme.test",
  "carl@nope.test",
  "",
  "bob@globex.test.",
  "dora@initech.test",
  "gone@acme.test",
  "fred@globex.test",
  "eve@acme.test",
  "Dora@Initech.test",
  "not an address",
  "eve@acme.test.",
  "bob@globex.test",
];

async function stored(store: Store, importId: string): Promise<unknown> {
  const contacts = await store.sql.query(
    `SELECT email, line, status FROM contacts WHERE import_id = $1 ORDER BY line`,
    [importId],
  );
  const errors = [];
  for await (const e of rowErrorsOf(store.sql, importId)) errors.push(e);
  return { contacts: contacts.map((c) => ({ ...c, line: Number(c.line) })), errors };
}

describe.each(BACKENDS)("overlapping batches on $name", (backend) => {
  it("gives the same report and stores the same rows whatever the batch size", async () => {
    const store = await backend.open();
    await suppress(store.sql, { email: "gone@acme.test", reason: "unsubscribe", source: "test" });
    const results = [];
    for (const batchSize of [1, 2, 3, 100]) {
      // One list per run (the import id keys the list's rows): the runs do not see each other.
      const id = `imp-size-${batchSize}`;
      const req = { ...request(id), list: `list-${batchSize}` };
      const deps: ImportDeps = { sql: store.sql, validator, now: () => NOW, batchSize };
      const rows = rowsFrom(EMAILS.map((email) => ({ email })));
      const { importId, list, ...report } = await importContacts(deps, req, rows);
      expect([importId, list]).toEqual([id, `list-${batchSize}`]);
      results.push({ report, rows: await stored(store, id) });
    }
    expect(results[0]!.report).toMatchObject({
      rows: 16,
      accepted: 5,
      duplicates: 6,
      suppressed: 1,
      errors: 1,
      invalid: { role: 1, nxdomain: 1, syntax: 1 },
    });
    for (const result of results.slice(1)) expect(result).toEqual(results[0]);
  });

  it("counts a refused twin of an address the previous, still unwritten, batch accepts as a duplicate", async () => {
    const store = await backend.open();
    const req = request("imp-forced");
    const deps: ImportDeps = { sql: store.sql, validator, now: () => NOW };
    const counter: Counter = { rows: 0, accepted: 0, invalid: {}, duplicates: 0, suppressed: 0, errors: 0 };
    const batch = (line: number, email: string): SourceRow[] => [{ line, contact: { email } }];
    // Batch 2 is checked before batch 1 is written: the order the pipeline allows at most.
    const first = await checkBatch(deps, req, batch(1, "anne@acme.test"), counter, DEFAULT_POLICY);
    const second = await checkBatch(deps, req, batch(2, "anne@acme.test."), counter, DEFAULT_POLICY);
    const third = await checkBatch(deps, req, batch(3, "ANNE@acme.test"), counter, DEFAULT_POLICY);
    expect([first.accepted.length, second.refused.length, third.accepted.length]).toEqual([1, 1, 1]);
    await writeBatch(deps, req, first, counter, () => NOW, false);
    await writeBatch(deps, req, second, counter, () => NOW, true);
    await writeBatch(deps, req, third, counter, () => NOW, true);
    expect(counter).toEqual({ rows: 3, accepted: 1, invalid: {}, duplicates: 2, suppressed: 0, errors: 0 });
    expect(await stored(store, "imp-forced")).toEqual({
      contacts: [{ email: "anne@acme.test", line: 1, status: "safe" }],
      errors: [],
    });
  });

  it("refreshes the contacts table's statistics, so the planner knows email_hash is (nearly) unique", async () => {
    const store = await backend.open();
    const deps: ImportDeps = { sql: store.sql, validator, now: () => NOW };
    await importContacts(deps, request("imp-stats"), rowsFrom(EMAILS.map((email) => ({ email }))));
    const stats = () =>
      store.sql.query<{ n_distinct: number }>(
        `SELECT n_distinct FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'contacts' AND attname = 'email_hash'`,
      );
    expect(await stats()).toEqual([]);
    await analyzeContacts(store.sql);
    // -1: every row has its own value (PostgreSQL's notation for "distinct values = row count").
    expect((await stats()).map((r) => Number(r.n_distinct))).toEqual([-1]);
  });
});
