// The import pipeline, its contract, import ids and the refused-rows CSV.
export { importContacts, DEFAULT_POLICY } from "./pipeline.ts";
export type { FullReport, ImportDeps, ImportPolicy, ImportProgress } from "./pipeline.ts";
export { csvCell, errorsCsv, importIdFor, rowsFrom, writeErrorsCsv, ERRORS_CSV_HEADER } from "./report.ts";
export type * from "./types.ts";
