export { DEFAULT_BLOCKLISTS, activeBlocklists } from "./lists.ts";
export type {
  ActiveBlocklist,
  BlocklistDefinition,
  BlocklistSettings,
  CodeMeaning,
  ListSeverity,
} from "./lists.ts";
export { checkBlocklists, decodeAnswer, probeList, queryName, worstSeverity } from "./query.ts";
export type { BlocklistResult, BlocklistRun, CheckTargets, ListingStatus, ProbeResult } from "./query.ts";
export { BlocklistHistory } from "./history.ts";
export type { ListingEpisode } from "./history.ts";
export { ledgerVerdicts, monitorMetrics, monitorVerdicts } from "./verdict.ts";
export type { MonitorVerdict, SubjectVerdict } from "./verdict.ts";
