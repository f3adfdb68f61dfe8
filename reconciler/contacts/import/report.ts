// Import ids and the refused rows as CSV.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { SqlQuerier } from "../../store/sql.ts";
import { rowErrorsOf } from "../store/index.ts";
import type { ContactInput, SourceRow } from "./types.ts";

/** The import id of a source's content in a tenant's list: the same file twice is the same import. */
export function importIdFor(tenant: string, list: string, contentSha256: string): string {
  return `imp-${createHash("sha256").update(`${tenant}\0${list}\0${contentSha256}`).digest("hex").slice(0, 24)}`;
}

/** Contacts already parsed (a webhook's JSON) as source rows, numbered from 1. */
export function rowsFrom(contacts: Iterable<ContactInput>): AsyncIterable<SourceRow> {
  // Async like every other source (the CSV reader, uploads), so callers type one kind of iterable.
  return {
    [Symbol.asyncIterator]: () => {
      const rows = numbered(contacts);
      return { next: () => Promise.resolve(rows.next()) };
    },
  };
}

function* numbered(contacts: Iterable<ContactInput>): Generator<SourceRow> {
  let line = 0;
  for (const contact of contacts) {
    line++;
    const email = typeof contact.email === "string" ? contact.email.trim() : "";
    yield email === ""
      ? { line, error: { reason: "no_email", detail: "no email in this contact", email: "" } }
      : { line, contact: { ...contact, email } };
  }
}

export const ERRORS_CSV_HEADER = "line,kind,email,reason,detail";

/** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The import's refused rows as CSV lines (header first), in line order. */
export async function* errorsCsv(sql: SqlQuerier, importId: string): AsyncGenerator<string> {
  yield `${ERRORS_CSV_HEADER}\n`;
  for await (const e of rowErrorsOf(sql, importId))
    yield `${[e.line, e.kind, e.email, e.reason, e.detail].map(csvCell).join(",")}\n`;
}

export async function writeErrorsCsv(sql: SqlQuerier, importId: string, path: string): Promise<number> {
  const out = createWriteStream(path);
  let lines = 0;
  try {
    for await (const line of errorsCsv(sql, importId)) {
      lines++;
      if (!out.write(line)) await once(out, "drain");
    }
  } finally {
    out.end();
    await once(out, "close");
  }
  return lines - 1;
}
