// Operating a PowerMTA host over SSH: deploy with rollback, and observation (config, status, accounting).
export { quote, sh, joinCommands, type ShellCommand, type ShellValue } from "./quote.ts";
export { connectHost, fingerprintOf, pinnedFingerprint, SshSession, sshTransport } from "./ssh.ts";
export type { HostConnectOptions } from "./ssh.ts";
export { runChecked } from "./session.ts";
export type { ExecOptions, ExecResult, HostSession, HostTransport } from "./session.ts";
export { Redactor, silentLogger, type HostLogger } from "./log.ts";
export { acquireHostLock, type HostLock, type LockOptions } from "./lock.ts";
export { deployPmtaConfig } from "./deploy.ts";
export type { DeployOptions, DeployPaths, ExtraFile, LintProblem, DeployHooks } from "./deploy.ts";
export {
  DEPLOY_STEPS,
  type DeployReport,
  type DeployStep,
  type DeployStepName,
  type StepStatus,
} from "./report.ts";
export { parseDom, parseStatus, parseVmtaNames, type PmtaStatus } from "./status.ts";
export {
  parseCsv,
  parseAccountingCsv,
  rowsToEvents,
  parseAcctTime,
  bounceClassOf,
  HARD_BOUNCE_CATEGORIES,
  type AcctEvent,
  type BounceClass,
} from "./accounting.ts";
export { readLiveConfig, readStatus, readVmtas, readAccountingSince } from "./observe.ts";
export type { AcctCursor, AcctReadOptions, AcctReadResult, LiveConfig } from "./observe.ts";
