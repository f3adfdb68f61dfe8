// The monitors' verdicts per subject and day, the gate signals they give each sending IP, and their
// status entries and metrics.
export { MonitorVerdicts, VERDICT_RANK, worseVerdict } from "./repository.ts";
export type {
  MonitorSource,
  MonitorVerdict,
  StoredVerdict,
  SubjectKind,
  VerdictEntry,
} from "./repository.ts";
export { blocklistVerdicts, dnsVerdicts } from "./verdicts.ts";
export { applySignals, combineSignals, daySignals, readDaySignals, readSignals } from "./signals.ts";
export type { MonitorSignals } from "./signals.ts";
export { lockMonitorRuns, monitorDay, recordMonitorRun } from "./record.ts";
export { monitorStatus, readMonitorStatus, STATUS_LOOKBACK_DAYS } from "./status.ts";
export type { Gauge, MonitorState, MonitorStatus, MonitorStatusEntry } from "./status.ts";
