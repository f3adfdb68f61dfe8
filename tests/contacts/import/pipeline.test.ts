// The import pipeline on both store backends with real peers (loopback DNS, the project's validator,
// the MailWizz emulator): counts, dedupe, suppression, resumption after a failed push, and a source
// that fails mid-way leaving nothing behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCsv, CsvFileError } from "../../../reconciler/contacts/csv/index.ts";
import type { ImportDeps, ImportRequest, SourceRow } from "../../../reconciler/contacts/import/index.ts";
import {
  errorsCsv,
  importContacts,
  importIdFor,
  rowsFrom,
} from "../../../reconciler/contacts/import/index.ts";
import { inventoryList, pushTargetFor } from "../../../reconciler/contacts/push/index.ts";
import { eraseSubject } from "../../../reconciler/contacts/rights/index.ts";
import { isSuppressed, suppress } from "../../../reconciler/contacts/store/index.ts";
import type { Validator } from "../../../reconciler/contacts/verify/index.ts";
import type { MailwizzTarget } from "../../../reconciler/mailwizz/target/types.ts";
import type { Store } from "../../../reconciler/store/index.ts";
import { BACKENDS, afterThisTest } from "../../helpers/backends.ts";
import { baseInventory } from "../../mailwizz-target/fixtures.ts";
import type { TestDnsServer } from "../../peers/dns-server.ts";
import type { MailwizzPeer } from "./fixtures.ts";
import { startDns, startMailwizz, tempFile, validatorFor } from "./fixtures.ts";

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
const request = (importId: string, tenant = "sos-expat"): ImportRequest => ({
  tenant,
  list: "cold-avocats",
  importId,
  provenance: {
    source: "csv:test.csv",
    collectedAt: "2026-11-01T00:00:00.000Z",
    legalBasis: "legitimate-interest",
  },
});

async function peers(
  backend: (typeof BACKENDS)[number],
): Promise<{ store: Store; mw: MailwizzPeer; deps: ImportDeps }> {
  const store = await backend.open();
  const mw = await startMailwizz();
  afterThisTest(() => mw.emulator.close());
  const deps: ImportDeps = {
    sql: store.sql,
    validator,
    push: { client: mw.client, listUid: mw.listUid },
    now: () => NOW,
    batchSize: 3,
  };
  return { store, mw, deps };
}

async function count(store: Store, table: string): Promise<number> {
  const [row] = await store.sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n);
}

const contacts = (...emails: string[]) => rowsFrom(emails.map((email) => ({ email, fname: "F" })));

describe.each(BACKENDS)("contact import on $name", (backend) => {
  it("dedupes, validates, stores with provenance, pushes, and a re-run changes nothing", async () => {
    const { store, mw, deps } = await peers(backend);
    const file = await tempFile(
      "leads.csv",
      [
        "email;prénom;nom;website",
        "anne@acme.test;Anne;Martin;a.fr",
        "bob@globex.test;Bob;;",
        "ANNE@Acme.TEST;Anne;again;",
        "info@acme.test;;;",
        "carl@nope.test;;;",
        "not an address;;;",
        ";empty;;",
        "dora@initech.test;Dora;Durand;",
        "",
      ].join("\n"),
    );
    const csv = await checkCsv(file);
    const id = importIdFor("sos-expat", "cold-avocats", csv.sha256);
    const report = await importContacts(deps, request(id), csv.read());
    expect(report).toEqual({
      importId: id,
      tenant: "sos-expat",
      list: "cold-avocats",
      rows: 8,
      accepted: 3,
      invalid: { nxdomain: 1, role: 1, syntax: 1 },
      duplicates: 1,
      suppressed: 0,
      errors: 1,
      pushed: 3,
      pushRefused: 0,
      state: "done",
      message: "",
    });
    expect(mw.emails()).toEqual(["anne@acme.test", "bob@globex.test", "dora@initech.test"]);
    const [anne] = await store.sql.query<Record<string, unknown>>(
      `SELECT email, fname, lname, fields, source, legal_basis, collected_at, line, subscriber_uid FROM contacts WHERE email = 'anne@acme.test'`,
    );
    expect(anne).toMatchObject({
      fname: "Anne",
      lname: "Martin",
      fields: { WEBSITE: "a.fr" },
      source: "csv:test.csv",
      legal_basis: "legitimate-interest",
    });
    expect(new Date(anne!.collected_at as string).toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(Number(anne!.line)).toBe(2);
    expect(anne!.subscriber_uid).toMatch(/^[a-z0-9]{13}$/);

    const lines: string[] = [];
    for await (const line of errorsCsv(store.sql, id)) lines.push(line);
    expect(lines.join("")).toBe(
      [
        "line,kind,email,reason,detail",
        "5,invalid,info@acme.test,role,risky; a role account",
        "6,invalid,carl@nope.test,nxdomain,invalid; the domain does not exist",
        "7,invalid,not an address,syntax,invalid; no @: expected local-part@domain",
        "8,error,,no_email,the EMAIL column is empty",
        "",
      ].join("\n"),
    );

    const again = await importContacts(deps, request(id), csv.read());
    expect(again).toEqual(report);
    expect(mw.emails()).toHaveLength(3);
    expect(await count(store, "contacts")).toBe(3);

    // Another file with one address already in the list: a duplicate against the store.
    const more = await importContacts(
      deps,
      request("second"),
      contacts("bob@globex.test", "eve@globex.test"),
    );
    expect([more.accepted, more.duplicates, more.pushed]).toEqual([1, 1, 1]);
    expect(mw.emails()).toHaveLength(4);
  });

  it("never imports a suppressed address: tenant scope for unsubscribes, every tenant for erasure", async () => {
    const { store, mw, deps } = await peers(backend);
    await suppress(store.sql, {
      email: "Unsub@ACME.test",
      reason: "unsubscribe",
      tenant: "sos-expat",
      source: "test",
    });
    await suppress(store.sql, { email: "bounce@acme.test", reason: "hard-bounce", source: "pmta" });
    expect(await isSuppressed(store.sql, "unsub@acme.test", "sos-expat")).toMatchObject({
      reason: "unsubscribe",
    });
    expect(await isSuppressed(store.sql, "unsub@acme.test", "ulixai")).toBeUndefined();
    expect(await isSuppressed(store.sql, "bounce@acme.test", "ulixai")).toMatchObject({ scope: "*" });

    const report = await importContacts(
      deps,
      request("s1"),
      contacts("unsub@acme.test", "bounce@acme.test", "ok@acme.test"),
    );
    expect([report.accepted, report.suppressed, report.pushed]).toEqual([1, 2, 1]);
    // The unsubscribe covers sos-expat only: ulixai may import it (bounce stays global).
    const other = await importContacts(
      { ...deps, push: undefined },
      request("s2", "ulixai"),
      contacts("unsub@acme.test", "bounce@acme.test"),
    );
    expect([other.accepted, other.suppressed]).toEqual([1, 1]);

    const erased = await eraseSubject(store.sql, "ok@acme.test", {
      mailwizz: () => Promise.resolve({ client: mw.client, listUid: mw.listUid }),
    });
    expect(erased.complete).toBe(true);
    const reimport = await importContacts(deps, request("s3"), contacts("OK@acme.test"));
    expect([reimport.accepted, reimport.suppressed]).toEqual([0, 1]);
    const [row] = await store.sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM contacts WHERE email ILIKE 'ok@%'`,
    );
    expect(Number(row?.n)).toBe(0);
  });

  it("resumes an import whose push failed mid-way, without duplicates in the store or in MailWizz", async () => {
    const { store, mw, deps } = await peers(backend);
    const emails = ["a@acme.test", "b@acme.test", "c@globex.test", "d@globex.test", "e@initech.test"];
    let failed = false;
    const first = await importContacts(
      {
        ...deps,
        pushChunkSize: 2,
        // After the first chunk went through, MailWizz fails the next request.
        progress: (p) => {
          if (p.phase === "pushing" && !failed) {
            failed = true;
            mw.emulator.failNext(1, 503);
          }
        },
      },
      request("resume"),
      contacts(...emails),
    );
    expect([first.state, first.accepted, first.pushed]).toEqual(["failed", 5, 2]);
    expect(first.message).toMatch(/run the same import again to push the rest/);
    expect(mw.emails()).toHaveLength(2);

    const second = await importContacts(
      { ...deps, pushChunkSize: 2 },
      request("resume"),
      contacts(...emails),
    );
    expect([second.state, second.accepted, second.duplicates, second.pushed]).toEqual(["done", 5, 0, 5]);
    expect(mw.emails()).toEqual(emails);

    // A run that died after MailWizz took a contact but before marking it: the next run finds it there.
    await store.sql.query(
      `UPDATE contacts SET pushed_at = NULL, subscriber_uid = NULL WHERE email = 'c@globex.test'`,
    );
    await store.sql.query(`UPDATE contact_imports SET phase = 'pushing' WHERE import_id = 'resume'`);
    const third = await importContacts(deps, request("resume"), contacts(...emails));
    expect([third.state, third.pushed]).toEqual(["done", 5]);
    expect(mw.emails()).toEqual(emails);
    expect(await count(store, "contacts")).toBe(5);
  });

  it("re-reads an import interrupted while storing and counts its own rows as accepted, not duplicates", async () => {
    const { store, deps } = await peers(backend);
    const emails = ["a@acme.test", "b@acme.test", "a@acme.test", "c@globex.test"];
    // A process killed while storing: the first rows are stored, the import is still "reading".
    await importContacts({ ...deps, push: undefined }, request("killed"), contacts(...emails.slice(0, 3)));
    await store.sql.query(
      `UPDATE contact_imports SET phase = 'reading', state = 'running' WHERE import_id = 'killed'`,
    );
    expect(await count(store, "contacts")).toBe(2);
    const report = await importContacts(deps, request("killed"), contacts(...emails));
    expect([report.rows, report.accepted, report.duplicates, report.pushed]).toEqual([4, 3, 1, 3]);
  });

  it("imports nothing from a file that fails a check, even past its first batches", async () => {
    const { store, deps } = await peers(backend);
    const file = await tempFile(
      "late.csv",
      `email\n${["a@acme.test", "b@acme.test", "c@acme.test", "d@acme.test"].join("\n")}\ne@acme.test,"open\n`,
    );
    await expect(checkCsv(file)).rejects.toThrow(CsvFileError);
    // Even a caller that skips the check and streams the rows: the failure mid-way undoes the import.
    function* unchecked(): Generator<SourceRow> {
      for (const [i, email] of ["a@acme.test", "b@acme.test", "c@acme.test", "d@acme.test"].entries())
        yield { line: i + 1, contact: { email } };
      throw new CsvFileError("late.csv", 6, "a quoted field starts here and is never closed", "close it");
    }
    await expect(importContacts(deps, request("late"), unchecked())).rejects.toThrow(/late\.csv, line 6/);
    expect(await count(store, "contacts")).toBe(0);
    expect(await count(store, "contact_import_errors")).toBe(0);
    const [imp] = await store.sql.query<{ state: string }>(
      `SELECT state FROM contact_imports WHERE import_id = 'late'`,
    );
    expect(imp?.state).toBe("failed");
  });

  it("finds the tenant's list in MailWizz by its inventory name, and says to run apply when it is missing", async () => {
    const { mw } = await peers(backend);
    const inventory = await baseInventory();
    const target = {
      server: "mailwizz",
      tenants: new Map([
        [
          "sos-expat",
          { tenant: "sos-expat", client: mw.client, company: inventory.tenants["sos-expat"]!.company },
        ],
      ]),
    } as unknown as MailwizzTarget;
    expect(await pushTargetFor(inventory, [target], "sos-expat", "cold-avocats")).toMatchObject({
      listUid: mw.listUid,
    });
    await expect(pushTargetFor(inventory, [target], "sos-expat", "cold-notaires")).rejects.toThrow(
      'the list "Cold Outreach Notaires" (tenants.sos-expat.lists.cold-notaires) does not exist in MailWizz mailwizz',
    );
    expect(() => inventoryList(inventory, "sos-expat", "nope")).toThrow(
      'list "nope" is not a list of tenant sos-expat',
    );
    expect(() => inventoryList(inventory, "acme", "x")).toThrow('tenant "acme" is not in the inventory');
  });
});
