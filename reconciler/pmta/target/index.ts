// A PowerMTA deploy target built from the inventory (connection, paths, rendered config, secret files),
// its drift against the live host, and the deploy of it.
export { buildPmtaTarget, type PmtaTarget, type PmtaTargetInput } from "./build.ts";
export {
  configsEquivalent,
  formatDrift,
  pmtaDrift,
  type DirectiveChange,
  type PmtaDrift,
  type VmtaDrift,
} from "./drift.ts";
export {
  deployTarget,
  observeTarget,
  type DeployTargetOptions,
  type FileDrift,
  type TargetObservation,
} from "./observe.ts";
export {
  configDirOf,
  DEFAULT_CONFIG_DIR,
  DEFAULT_FILE_OWNER,
  DEFAULT_KEEP_BACKUPS,
  deployPathsOf,
  parseHostPort,
  pmtaSettingsOf,
  sshEndpointOf,
  type SshOverride,
} from "./settings.ts";
