// The local PowerMTA target: a sandbox directory and the `pmta` stand-in, for the embedded default and
// tests only (it refuses paths outside its sandbox).
export { isInside, LocalHost, PMTA_FAULTS, PMTA_STANDIN } from "./local-host.ts";
export type { LocalHostDirs, LocalHostOptions, PmtaFault } from "./local-host.ts";
