// Record-keeping of the daemon: runs, steps, target status and owned objects (store migration 0003).
export { ReconcileRecords } from "./records.ts";
export { RUN_OUTCOMES, STEP_STATUSES, TARGET_STATES } from "./types.ts";
export type {
  ObjectKey,
  OwnedObject,
  RunEnd,
  RunOutcome,
  RunRecord,
  RunStart,
  StepRecord,
  StepStatus,
  TargetState,
  TargetStatus,
  TargetStatusUpdate,
} from "./types.ts";
