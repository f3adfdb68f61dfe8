// The streaming CSV reader. A file is read twice: once whole to check it and hash it (the import id
// derives from the content hash, and a file-level problem found on line 900,000 must import nothing,
// not the 899,999 rows before it), then again to hand out rows. Memory stays bounded either way: 64 KiB
// chunks, and no record may grow past maxLineBytes (csv-parse refuses it before buffering more).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, parse } from "csv-parse";
import type { ContactInput, SourceRow } from "../import/types.ts";
import { CsvFileError } from "./errors.ts";
import type { Column } from "./header.ts";
import { mapHeader } from "./header.ts";
import type { CsvEncoding, Separator } from "./sniff.ts";
import { firstLine, judgeSample, SAMPLE_BYTES, separatorName, sniffSeparator } from "./sniff.ts";

/** A file on disk, or any re-openable byte source (an HTTP upload spooled somewhere). */
export type CsvSource =
  string | { readonly name: string; open(): AsyncIterable<Uint8Array> | Iterable<Uint8Array> };

export interface CsvOptions {
  /** The longest record accepted, in characters (default 1 MiB). */
  readonly maxLineBytes?: number;
}

export interface CheckedCsv {
  readonly name: string;
  readonly encoding: CsvEncoding;
  readonly separator: Separator;
  readonly columns: readonly Column[];
  /** SHA-256 of the file's bytes (hex). */
  readonly sha256: string;
  readonly bytes: number;
  /** Data records (the header excluded), row errors included. */
  readonly rows: number;
  /** Reads the file again, row by row, as the pipeline takes it. */
  read(): AsyncGenerator<SourceRow>;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const SEPARATORS: readonly Separator[] = [",", ";", "\t"];

interface Plan {
  readonly name: string;
  readonly open: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  readonly encoding: CsvEncoding;
  readonly bomBytes: number;
  readonly separator: Separator;
  readonly maxLineBytes: number;
}

/** Checks the whole file (an error names the line, nothing is imported) and returns how to read it. */
export async function checkCsv(source: CsvSource, options: CsvOptions = {}): Promise<CheckedCsv> {
  const name = typeof source === "string" ? basename(source) : source.name;
  const open =
    typeof source === "string"
      ? () => createReadStream(source, { highWaterMark: SAMPLE_BYTES }) as AsyncIterable<Uint8Array>
      : () => source.open();
  const sample = await readSample(open);
  const verdict = judgeSample(sample);
  switch (verdict.kind) {
    case "empty":
      throw new CsvFileError(
        name,
        undefined,
        "the file is empty",
        "export the contacts again with a header line",
      );
    case "utf16":
      throw new CsvFileError(name, 1, "the file is UTF-16", "save it as CSV UTF-8 (or Latin-1)");
    case "binary":
      throw new CsvFileError(
        name,
        undefined,
        `not a text file (binary content at byte ${verdict.offset})`,
        "export the sheet as CSV; a spreadsheet (.xlsx) or archive cannot be imported",
      );
    case "text":
      break;
  }
  const text = new TextDecoder(verdict.encoding).decode(sample.subarray(verdict.bomBytes));
  const header = firstLine(text) ?? (sample.length < SAMPLE_BYTES ? text : undefined);
  if (header === undefined)
    throw new CsvFileError(
      name,
      1,
      `no end of line in the first ${SAMPLE_BYTES / 1024} KiB`,
      "check that this is a CSV file",
    );
  const plan: Plan = {
    name,
    open,
    encoding: verdict.encoding,
    bomBytes: verdict.bomBytes,
    separator: sniffSeparator(header),
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  };
  const hash = createHash("sha256");
  let bytes = 0;
  let rows = 0;
  let columns: readonly Column[] = [];
  for await (const row of checkedRows(plan, (chunk) => {
    hash.update(chunk);
    bytes += chunk.length;
  })) {
    if ("columns" in row) columns = row.columns;
    else rows++;
  }
  const sha256 = hash.digest("hex");
  return {
    name,
    encoding: plan.encoding,
    separator: plan.separator,
    columns,
    sha256,
    bytes,
    rows,
    async *read() {
      for await (const row of checkedRows(plan, () => undefined)) if (!("columns" in row)) yield row;
    },
  };
}

async function readSample(open: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of open()) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= SAMPLE_BYTES) break; // Leaving the loop closes the stream.
  }
  return Buffer.concat(parts).subarray(0, SAMPLE_BYTES);
}

/** The header (mapped) first, then one SourceRow per data record; file-level problems throw. */
async function* checkedRows(
  plan: Plan,
  tap: (chunk: Uint8Array) => void,
): AsyncGenerator<{ columns: readonly Column[] } | SourceRow> {
  let columns: readonly Column[] | undefined;
  let width = 0;
  for await (const { fields, line } of records(plan, tap)) {
    if (columns === undefined) {
      const other = SEPARATORS.find(
        (s) => s !== plan.separator && fields.length === 1 && fields[0]!.includes(s),
      );
      if (other !== undefined)
        throw new CsvFileError(
          plan.name,
          line,
          `the header is one column containing ${separatorName(other)}`,
          `separate the columns with ',' or ';' (not inside quotes)`,
        );
      const mapped = mapHeader(fields);
      if (!mapped.ok) throw new CsvFileError(plan.name, line, mapped.problem, mapped.fix);
      columns = mapped.columns;
      width = fields.length;
      yield { columns };
      continue;
    }
    if (width > 1 && fields.length === 1) {
      const other = SEPARATORS.find((s) => s !== plan.separator && fields[0]!.includes(s));
      if (other !== undefined)
        throw new CsvFileError(
          plan.name,
          line,
          `one column containing ${separatorName(other)} where the header uses ${separatorName(plan.separator)}`,
          "use the same separator on every line (export the file again)",
        );
    }
    yield toRow(columns, width, fields, line);
  }
  if (columns === undefined)
    throw new CsvFileError(plan.name, undefined, "no header line", "put the column names on the first line");
}

function toRow(
  columns: readonly Column[],
  width: number,
  fields: readonly string[],
  line: number,
): SourceRow {
  const value = (i: number) => (fields[i] ?? "").trim();
  const email = columns.find((c) => "standard" in c.target && c.target.standard === "email");
  const address = email === undefined ? "" : value(email.index);
  if (fields.length > width && fields.slice(width).some((f) => f.trim() !== ""))
    return {
      line,
      error: {
        reason: "too_many_columns",
        detail: `${fields.length} columns, the header has ${width}`,
        email: address,
      },
    };
  if (address === "")
    return { line, error: { reason: "no_email", detail: "the EMAIL column is empty", email: "" } };
  const contact: { -readonly [K in keyof ContactInput]: ContactInput[K] } = { email: address };
  const custom: Record<string, string> = {};
  for (const c of columns) {
    const v = value(c.index);
    if (v === "" || c === email) continue;
    if ("tag" in c.target) custom[c.target.tag] = v;
    else if (c.target.standard !== "email") contact[c.target.standard] = v;
  }
  if (Object.keys(custom).length > 0) contact.fields = custom;
  return { line, contact };
}

/** Records with the line they start on. */
async function* records(
  plan: Plan,
  tap: (chunk: Uint8Array) => void,
): AsyncGenerator<{ fields: string[]; line: number }> {
  const parser = parse({
    delimiter: plan.separator,
    bom: false,
    relax_column_count: true,
    relax_quotes: true,
    max_record_size: plan.maxLineBytes,
    // Line numbers come from each record's raw text: csv-parse's own info.lines is off by one after
    // CRLF records. Empty lines are kept (and skipped below) so that every line is counted.
    raw: true,
  });
  const feeding = pipeline(Readable.from(decoded(plan, tap)), parser);
  feeding.catch(() => undefined); // The same error reaches the loop below through the parser.
  let next = 1;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const line = next;
      next += terminators(item.raw);
      if (item.record.every((f) => f === "")) continue;
      yield { fields: item.record, line };
    }
    await feeding;
  } catch (error) {
    if (error instanceof CsvFileError) throw error;
    if (error instanceof CsvError) throw csvProblem(plan, error, next);
    throw error;
  } finally {
    parser.destroy();
  }
}

function csvProblem(plan: Plan, error: CsvError, next: number): CsvFileError {
  const at = (error as unknown as { lines?: number }).lines;
  switch (error.code as string) {
    case "CSV_QUOTE_NOT_CLOSED":
      return new CsvFileError(
        plan.name,
        next,
        "a quoted field starts here and is never closed",
        'close the quote, or double a quote inside a quoted field ("")',
      );
    case "CSV_MAX_RECORD_SIZE":
      // Records parsed but not yet consumed do not count in `next`; the parser's own line is then
      // further on (and is where the record overflowed).
      return new CsvFileError(
        plan.name,
        Math.max(next, at ?? 0),
        `a record longer than ${Math.round(plan.maxLineBytes / 1024)} KiB (an unterminated quote, or not a CSV file)`,
        "check the quotes around this line; no contact row is that long",
      );
    default:
      return new CsvFileError(
        plan.name,
        at ?? next,
        `not readable as CSV (${error.message})`,
        "export the file again as CSV",
      );
  }
}

/** The file's text, BOM removed; NULs and (in UTF-8) invalid sequences are file errors. */
async function* decoded(plan: Plan, tap: (chunk: Uint8Array) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder(plan.encoding, { fatal: true });
  let skip = plan.bomBytes;
  let offset = 0;
  let line = 1;
  for await (const raw of plan.open()) {
    tap(raw);
    let chunk = raw;
    if (skip > 0) {
      const n = Math.min(skip, chunk.length);
      chunk = chunk.subarray(n);
      skip -= n;
      offset += n;
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0)
      throw new CsvFileError(
        plan.name,
        line + newlines(chunk.subarray(0, nul)),
        `binary content (a NUL byte at byte ${offset + nul})`,
        "export the sheet as CSV text",
      );
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new CsvFileError(
        plan.name,
        line,
        "invalid UTF-8 (the start of the file is UTF-8, this part is not)",
        "save the whole file in one encoding, CSV UTF-8 preferably",
      );
    }
    line += newlines(chunk);
    offset += chunk.length;
    if (text !== "") yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest !== "") yield rest;
  } catch {
    throw new CsvFileError(
      plan.name,
      line,
      "the file ends inside a UTF-8 character",
      "save the file again as CSV UTF-8",
    );
  }
}

/**
 * Line ends in a record's raw text. csv-parse leaves the LF of a CRLF record end out of the raw text
 * (the next record's raw starts after it), so a trailing CR counts as a whole line end.
 */
function terminators(raw: string): number {
  return raw.match(/\r\n|\r|\n/g)?.length ?? 0;
}

function newlines(chunk: Uint8Array): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}
