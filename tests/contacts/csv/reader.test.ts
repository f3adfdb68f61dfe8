// The CSV reader on real bytes: encodings, separators, quoting, line numbers, and each file-level
// problem as a clear error naming the line.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCsv, CsvFileError, headerKey } from "../../../reconciler/contacts/csv/index.ts";
import type { SourceRow } from "../../../reconciler/contacts/import/index.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ee-csv-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function rowsOf(path: string): Promise<SourceRow[]> {
  const csv = await checkCsv(path);
  const rows: SourceRow[] = [];
  for await (const row of csv.read()) rows.push(row);
  return rows;
}

async function fileError(path: string): Promise<CsvFileError> {
  const error = await checkCsv(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CsvFileError);
  return error as CsvFileError;
}

describe("CSV reader", () => {
  it("reads a UTF-8 file with a BOM, ';', CRLF, quoted newlines, French headers and custom fields", async () => {
    const path = await file(
      "fr.csv",
      "\ufeffE-Mail;Prénom;Nom;Société;Pays;Site Web\r\n" +
        'anne@exemple.fr;Anne;"Dupont\r\nMartin";ACME;FR;https://a.fr\r\n' +
        "\r\n" +
        "zoe@exemple.fr;Zoé;;;;\r\n",
    );
    const csv = await checkCsv(path);
    expect([csv.encoding, csv.separator, csv.rows]).toEqual(["utf-8", ";", 2]);
    expect(csv.columns.map((c) => c.target)).toEqual([
      { standard: "email" },
      { standard: "fname" },
      { standard: "lname" },
      { standard: "company" },
      { standard: "country" },
      { tag: "SITE_WEB" },
    ]);
    expect(await rowsOf(path)).toEqual([
      {
        line: 2,
        contact: {
          email: "anne@exemple.fr",
          fname: "Anne",
          lname: "Dupont\r\nMartin",
          company: "ACME",
          country: "FR",
          fields: { SITE_WEB: "https://a.fr" },
        },
      },
      // Line 4 is empty: the next record is on line 5.
      { line: 5, contact: { email: "zoe@exemple.fr", fname: "Zoé" } },
    ]);
  });

  it("decodes a file that is not UTF-8 as Latin-1 (Windows-1252)", async () => {
    const path = await file(
      "latin1.csv",
      Buffer.from("email,prénom,company\nj@x.fr,André,Café € Co\n", "latin1"),
    );
    // "€" is not Latin-1: written as Windows-1252's 0x80, the byte Excel writes.
    const bytes = Buffer.from("email,pr\xe9nom,company\nj@x.fr,Andr\xe9,Caf\xe9 \x80 Co\n", "latin1");
    await writeFile(path, bytes);
    const csv = await checkCsv(path);
    expect(csv.encoding).toBe("windows-1252");
    expect(await rowsOf(path)).toEqual([
      { line: 2, contact: { email: "j@x.fr", fname: "André", company: "Café € Co" } },
    ]);
  });

  it("sniffs tab and comma separators and maps headers case- and accent-insensitively", async () => {
    const tab = await file("tab.csv", "MAIL\tFirst Name\tlast-name\na@b.io\tA\tB\n");
    expect((await checkCsv(tab)).separator).toBe("\t");
    expect(await rowsOf(tab)).toEqual([{ line: 2, contact: { email: "a@b.io", fname: "A", lname: "B" } }]);
    expect(headerKey(" Prénom ")).toBe("prenom");
    expect(headerKey("E-Mail Address")).toBe("e_mail_address");
  });

  it("turns bad rows into row errors with their line, not file errors", async () => {
    const path = await file("rows.csv", "email,name\na@b.io,A\n,nobody\nc@d.io,C,extra\ne@f.io,E,\n");
    expect(await rowsOf(path)).toEqual([
      { line: 2, contact: { email: "a@b.io", fields: { NAME: "A" } } },
      { line: 3, error: { reason: "no_email", detail: "the EMAIL column is empty", email: "" } },
      {
        line: 4,
        error: { reason: "too_many_columns", detail: "3 columns, the header has 2", email: "c@d.io" },
      },
      // A trailing empty field (Excel) is not an extra column.
      { line: 5, contact: { email: "e@f.io", fields: { NAME: "E" } } },
    ]);
  });

  it("refuses a binary file", async () => {
    const error = await fileError(
      await file("x.xlsx", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 8, 0, 1, 2, 3])),
    );
    expect(error.message).toBe("x.xlsx: not a text file (binary content at byte 4); nothing was imported");
    expect(error.details[0]).toMatch(/export the sheet as CSV/);
  });

  it("refuses a NUL byte far into the file, naming its line", async () => {
    const body = `email\n${"a@b.io\n".repeat(20_000)}x\0y\n`;
    const error = await fileError(await file("nul.csv", body));
    expect(error.message).toMatch(/^nul\.csv, line 20002: binary content \(a NUL byte at byte \d+\)/);
  });

  it("refuses a wrong separator: data lines of one column containing another separator", async () => {
    const error = await fileError(await file("sep.csv", "email;name\na@b.io;A\nc@d.io,C\n"));
    expect(error.message).toBe(
      "sep.csv, line 3: one column containing ',' where the header uses ';'; nothing was imported",
    );
    const quoted = await fileError(await file("sep2.csv", '"email;name"\n"a@b.io;A"\n'));
    expect(quoted.message).toBe(
      "sep2.csv, line 1: the header is one column containing ';'; nothing was imported",
    );
  });

  it("refuses a file without an EMAIL column, listing its columns and the names it takes", async () => {
    const error = await fileError(await file("noemail.csv", "name,company\nA,B\n"));
    expect(error.message).toBe(
      'noemail.csv, line 1: no EMAIL column (columns: "name", "company"); nothing was imported',
    );
    expect(error.details[0]).toMatch(/^ {4}fix: name the address column one of: email, e_mail, mail/);
  });

  it("refuses an unterminated quote, naming the line it opens on", async () => {
    const error = await fileError(
      await file("quote.csv", 'email,name\na@b.io,A\nc@d.io,"Never closed\nd@e.io,D\n'),
    );
    expect(error.message).toBe(
      "quote.csv, line 3: a quoted field starts here and is never closed; nothing was imported",
    );
  });

  it("refuses a 50 MB line after reading about the line limit, not the whole line", async () => {
    let served = 0;
    const chunk = Buffer.alloc(64 * 1024, "a");
    const source = {
      name: "huge.csv",
      *open() {
        const head = Buffer.from("email,name\na@b.io,A\nb@b.io,");
        served += head.length;
        yield head;
        for (let sent = 0; sent < 50 * 1024 * 1024; sent += chunk.length) {
          served += chunk.length;
          yield chunk;
        }
      },
    };
    const error = await checkCsv(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFileError);
    expect((error as Error).message).toBe(
      "huge.csv, line 3: a record longer than 1024 KiB (an unterminated quote, or not a CSV file); nothing was imported",
    );
    expect(served).toBeLessThan(4 * 1024 * 1024);
  });

  it("refuses UTF-8 that turns invalid after the sample, and empty or UTF-16 files", async () => {
    const bad = Buffer.concat([
      Buffer.from(`email\n${"é@b.io\n".repeat(15_000)}`),
      Buffer.from([0xff, 0x0a]),
    ]);
    expect((await fileError(await file("mixed.csv", bad))).message).toMatch(
      /^mixed\.csv, line \d+: invalid UTF-8/,
    );
    expect((await fileError(await file("empty.csv", ""))).message).toBe(
      "empty.csv: the file is empty; nothing was imported",
    );
    expect((await fileError(await file("u16.csv", Buffer.from("\ufeffemail\n", "utf16le")))).message).toBe(
      "u16.csv, line 1: the file is UTF-16; nothing was imported",
    );
  });

  it("hashes the bytes: the same content has the same hash, another content another", async () => {
    const a = await checkCsv(await file("h1.csv", "email\na@b.io\n"));
    const b = await checkCsv(await file("h2.csv", "email\na@b.io\n"));
    const c = await checkCsv(await file("h3.csv", "email\nc@b.io\n"));
    expect(a.sha256).toBe(b.sha256);
    expect(a.sha256).not.toBe(c.sha256);
  });
});
