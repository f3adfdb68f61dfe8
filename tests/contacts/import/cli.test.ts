// The contacts commands end to end through the CLI (in-process, the embedded PGlite store in a temp
// home): import with --no-push, the refused rows as CSV, a file error, the missing-list error,
// suppression, export and erase.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, tempDataDir } from "../../helpers/cli.ts";
import { BASE_INVENTORY, inventoryWith } from "../../helpers/inventory.ts";
import type { TestDnsServer } from "../../peers/dns-server.ts";
import { startDns, tempFile } from "./fixtures.ts";

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDns();
});
afterAll(async () => {
  await dns.close();
});

const target = ["--inventory", BASE_INVENTORY, "--tenant", "sos-expat", "--list", "cold-avocats"];

describe("email-engine contacts", () => {
  it("imports a CSV (stored, not pushed), writes the refused rows, and a re-run finds it done", async () => {
    const home = await tempDataDir();
    const file = await tempFile(
      "leads.csv",
      "Email,First Name\nanne@acme.test,Anne\nbob@nope.test,Bob\nanne@acme.test,Anne\n",
    );
    const errors = join(home, "errors.csv");
    const args = [
      "contacts",
      "import",
      file,
      ...target,
      "--no-push",
      "--resolver",
      dns.address,
      "--errors",
      errors,
      "--collected-at",
      "2026-11-01",
    ];
    const run = await cli([...args, "--json"], { home });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(
      run.stdout
        .split("\n")
        .filter((l) => !l.includes("refused rows written"))
        .join("\n"),
    ) as Record<string, unknown>;
    expect(report).toMatchObject({
      rows: 3,
      accepted: 1,
      invalid: { nxdomain: 1 },
      duplicates: 1,
      pushed: 0,
      state: "done",
    });
    expect(report.importId).toMatch(/^imp-[0-9a-f]{24}$/);
    expect(await readFile(errors, "utf8")).toBe(
      "line,kind,email,reason,detail\n3,invalid,bob@nope.test,nxdomain,invalid; the domain does not exist\n",
    );

    const table = await cli(args, { home });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`import ${String(report.importId)} into sos-expat/cold-avocats: done`);
    expect(table.stdout).toMatch(/accepted\s+1\n/);
    expect(table.stderr).toBe(
      "stored only: not pushed to MailWizz (run the import again with MailWizz reachable to push)\n",
    );

    const held = await cli(["contacts", "export", "ANNE@acme.test", "--home", home], { home });
    const exported = JSON.parse(held.stdout) as {
      contacts: { source: string; collectedAt: string; fname: string }[];
    };
    expect(exported.contacts).toEqual([
      expect.objectContaining({
        source: "csv:leads.csv",
        collectedAt: "2026-11-01T00:00:00.000Z",
        fname: "Anne",
      }),
    ]);
  });

  it("refuses a bad file with a clear message and stores nothing", async () => {
    const home = await tempDataDir();
    const file = await tempFile("bad.csv", "name;company\nAnne;ACME\n");
    const run = await cli(["contacts", "import", file, ...target, "--no-push", "--resolver", dns.address], {
      home,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: bad.csv, line 1: no EMAIL column (columns: "name", "company"); nothing was imported\n' +
        "    fix: name the address column one of: email, e_mail, mail, email_address, e_mail_address, emailaddress, courriel, adresse_email, adresse_e_mail, adresse_mail\n",
    );
  });

  it("says to run apply first when the list is not in MailWizz, before storing anything", async () => {
    const home = await tempDataDir();
    const file = await tempFile("leads.csv", "email\nanne@acme.test\n");
    // The embedded engine opens the platform's stand-ins, which need the PowerMTA submission password.
    const inventory = await inventoryWith([
      {
        file: "servers.yaml",
        replace: "    hostname: pmta.sos-mail.com",
        with: "    hostname: pmta.sos-mail.com\n    pmta:\n      smtpPassword: { env: PMTA_SMTP_PASSWORD }",
      },
    ]);
    const args = [
      "contacts",
      "import",
      file,
      "--inventory",
      inventory,
      "--tenant",
      "sos-expat",
      "--list",
      "cold-avocats",
    ];
    const run = await cli([...args, "--embedded", "--resolver", dns.address], { home });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error: the list "Cold Outreach Avocats" (tenants.sos-expat.lists.cold-avocats) does not exist in MailWizz mailwizz',
    );
    expect(run.stderr).toContain("fix: run `email-engine apply` first");
    const held = await cli(["contacts", "export", "anne@acme.test", "--embedded"], { home });
    expect(JSON.parse(held.stdout)).toMatchObject({ contacts: [] });
  });

  it("names an unknown tenant or list", async () => {
    const file = await tempFile("leads.csv", "email\nanne@acme.test\n");
    const run = await cli([
      "contacts",
      "import",
      file,
      "--inventory",
      BASE_INVENTORY,
      "--tenant",
      "sos-expat",
      "--list",
      "nope",
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: list "nope" is not a list of tenant sos-expat\n    lists of sos-expat: cold-avocats, cold-notaires (the keys under tenants.sos-expat.lists)\n',
    );
  });

  it("suppresses, lists hashes only, refuses the address on import, and erases", async () => {
    const home = await tempDataDir();
    const s = await cli(
      ["contacts", "suppress", "Bob@ACME.test", "--reason", "complaint", "--tenant", "sos-expat"],
      { home },
    );
    expect([s.code, s.stdout]).toEqual([0, "suppressed for tenant sos-expat (complaint)\n"]);
    expect(
      (
        await cli(
          ["contacts", "suppress", "bob@acme.test", "--reason", "complaint", "--tenant", "sos-expat"],
          { home },
        )
      ).stdout,
    ).toBe("already suppressed for tenant sos-expat: unchanged\n");
    const bad = await cli(["contacts", "suppress", "bob@acme.test", "--reason", "angry"], { home });
    expect([bad.code, bad.stderr]).toEqual([
      1,
      'error: unknown suppression reason "angry"\n    expected one of: hard-bounce, complaint, unsubscribe, objection, erased, manual\n',
    ]);

    const file = await tempFile("leads.csv", "email\nbob@acme.test\ncarl@acme.test\n");
    const run = await cli(
      ["contacts", "import", file, ...target, "--no-push", "--resolver", dns.address, "--json"],
      { home },
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ accepted: 1, suppressed: 1 });

    const erase = await cli(["contacts", "erase", "carl@acme.test", "--inventory", BASE_INVENTORY], { home });
    expect(erase.code).toBe(0);
    expect(erase.stdout).toMatch(/^contacts\s+done\s+1 row deleted$/m);
    const listed = await cli(["contacts", "suppressed", "--json"], { home });
    const entries = JSON.parse(listed.stdout) as { scope: string; reason: string; emailHash: string }[];
    expect(entries.map((e) => [e.scope, e.reason])).toEqual([
      ["sos-expat", "complaint"],
      ["*", "erased"],
    ]);
    expect(listed.stdout).not.toContain("@");
  });
});
