// The CSV reader: sniffs encoding and separator, maps the header to MailWizz tags, checks the whole file
// before anything is imported, then streams rows for the import pipeline.
export { checkCsv, DEFAULT_MAX_LINE_BYTES } from "./reader.ts";
export type { CheckedCsv, CsvOptions, CsvSource } from "./reader.ts";
export { CsvFileError } from "./errors.ts";
export { headerKey, mapHeader } from "./header.ts";
export type { Column, StandardField } from "./header.ts";
export { judgeSample, sniffSeparator } from "./sniff.ts";
export type { CsvEncoding, Separator } from "./sniff.ts";
