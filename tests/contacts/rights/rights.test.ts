// Data-subject rights on both backends: export what is held, erase it everywhere (the MailWizz
// subscriber deleted from the MailWizz list), keep only the hash, and report a MailWizz step that failed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importContacts, rowsFrom } from "../../../reconciler/contacts/import/index.ts";
import { eraseSubject, exportSubject } from "../../../reconciler/contacts/rights/index.ts";
import { emailHash } from "../../../reconciler/contacts/store/index.ts";
import type { Validator } from "../../../reconciler/contacts/verify/index.ts";
import { BACKENDS, afterThisTest } from "../../helpers/backends.ts";
import type { TestDnsServer } from "../../peers/dns-server.ts";
import { startDns, startMailwizz, validatorFor } from "../import/fixtures.ts";

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

const provenance = {
  source: "scraper-pro",
  collectedAt: "2026-10-01T00:00:00.000Z",
  legalBasis: "legitimate-interest",
};

describe.each(BACKENDS)("data-subject rights on $name", (backend) => {
  it("exports, then erases everywhere keeping only the hash", async () => {
    const store = await backend.open();
    const mw = await startMailwizz();
    afterThisTest(() => mw.emulator.close());
    const deps = { sql: store.sql, validator, push: { client: mw.client, listUid: mw.listUid } };
    await importContacts(
      deps,
      { tenant: "sos-expat", list: "cold-avocats", importId: "i1", provenance },
      rowsFrom([{ email: "Jane@acme.test", fname: "Jane", company: "ACME" }, { email: "keep@acme.test" }]),
    );
    // The same address refused in another import (a role-like typo row kept as a row error).
    await importContacts(
      { ...deps, push: undefined },
      { tenant: "ulixai", list: "cold-bloggers", importId: "i2", provenance },
      rowsFrom([{ email: "jane@acme.test" }]),
    );
    await store.sql.query(
      `INSERT INTO contact_import_errors VALUES ('i2', 9, 'invalid', 'jane@acme.test', $1, 'typo', '')`,
      [emailHash("jane@acme.test")],
    );

    // A sibling's delivery not imported yet still holds the address in its payload.
    await store.sql.query(
      `INSERT INTO webhook_deliveries (id, source, label, body_sha256, tenant, list, contacts, collected_at,
         legal_basis, received_at, state, payload, updated_at)
       VALUES ('d1', 'scraper-pro', 'maps', 'x', 'sos-expat', 'cold-avocats', 2, now(), 'legitimate-interest',
         now(), 'queued', $1::jsonb, now())`,
      [JSON.stringify([{ email: " JANE@acme.test" }, { email: "other@acme.test" }])],
    );

    const held = await exportSubject(store.sql, "JANE@acme.test");
    expect(held.email).toBe("jane@acme.test");
    expect(
      held.contacts.map((c) => [
        c.tenant,
        c.list,
        c.email,
        c.fname,
        c.company,
        c.source,
        c.collectedAt,
        c.legalBasis,
        c.pushedAt !== null,
      ]),
    ).toEqual([
      [
        "sos-expat",
        "cold-avocats",
        "Jane@acme.test",
        "Jane",
        "ACME",
        "scraper-pro",
        "2026-10-01T00:00:00.000Z",
        "legitimate-interest",
        true,
      ],
      [
        "ulixai",
        "cold-bloggers",
        "jane@acme.test",
        "",
        "",
        "scraper-pro",
        "2026-10-01T00:00:00.000Z",
        "legitimate-interest",
        false,
      ],
    ]);
    expect(held.importErrors).toEqual([
      { importId: "i2", line: 9, kind: "invalid", email: "jane@acme.test", reason: "typo", detail: "" },
    ]);

    const report = await eraseSubject(store.sql, "jane@acme.test", {
      mailwizz: () => Promise.resolve({ client: mw.client, listUid: mw.listUid }),
    });
    expect(report.complete).toBe(true);
    expect(report.steps.map((s) => [s.step, s.status])).toEqual([
      ["MailWizz sos-expat/cold-avocats", "done"],
      ["contacts", "done"],
      ["import row errors", "done"],
      ["pending webhook deliveries", "done"],
      ["suppression", "done"],
    ]);
    expect(report.steps[1]?.detail).toBe("2 rows deleted");
    const inMailwizz = mw.emulator.store.subscribers.map((s) => [s.email, s.status]).sort();
    // The subscriber is deleted from the list; the other one stays.
    expect(inMailwizz).toEqual([["keep@acme.test", "confirmed"]]);
    const after = await exportSubject(store.sql, "jane@acme.test");
    expect([after.contacts, after.importErrors]).toEqual([[], []]);
    expect(after.suppression.map((s) => [s.scope, s.reason])).toEqual([["*", "erased"]]);
    // Nothing else about the address is left in the store: search every text column for it.
    const [rows] = await store.sql.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM contacts WHERE email ILIKE '%jane%') + (SELECT count(*) FROM contact_import_errors WHERE email ILIKE '%jane%') AS n`,
    );
    expect(Number(rows?.n)).toBe(0);
    const [pending] = await store.sql.query<{ payload: unknown }>(
      "SELECT payload FROM webhook_deliveries WHERE id = 'd1'",
    );
    expect(pending?.payload).toEqual([{ email: "other@acme.test" }]);
  });

  it("erases locally and reports the MailWizz step that failed", async () => {
    const store = await backend.open();
    const mw = await startMailwizz();
    afterThisTest(() => mw.emulator.close());
    await importContacts(
      { sql: store.sql, validator, push: { client: mw.client, listUid: mw.listUid } },
      { tenant: "sos-expat", list: "cold-avocats", importId: "i1", provenance },
      rowsFrom([{ email: "jane@acme.test" }]),
    );
    const report = await eraseSubject(store.sql, "jane@acme.test", {
      mailwizz: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:9")),
    });
    expect(report.complete).toBe(false);
    expect(report.steps[0]).toEqual({
      step: "MailWizz sos-expat/cold-avocats",
      status: "failed",
      detail: "connect ECONNREFUSED 127.0.0.1:9",
    });
    expect((await exportSubject(store.sql, "jane@acme.test")).contacts).toEqual([]);
  });
});
