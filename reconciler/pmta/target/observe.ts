// Read-only look at a target (the dry run): the live config's drift against the rendered one, and which
// files that go first (DKIM keys, smtp-users) are missing or differ. File contents never leave the host:
// only their hash and mode are compared.
import { lintPmtaConfig } from "../config/index.ts";
import type { DeployReport } from "../host/report.ts";
import { deployPmtaConfig } from "../host/deploy.ts";
import { remoteFileState, sha256Hex } from "../host/files.ts";
import { silentLogger, type HostLogger } from "../host/log.ts";
import { readLiveConfig, readVmtas } from "../host/observe.ts";
import type { PmtaTarget } from "./build.ts";
import { configsEquivalent, pmtaDrift, type PmtaDrift } from "./drift.ts";

export interface FileDrift {
  readonly path: string;
  readonly change: "missing" | "content" | "mode" | "equal";
}

export interface TargetObservation {
  readonly label: string;
  /** The live config text (null when the host has none). */
  readonly liveText: string | null;
  readonly drift: PmtaDrift;
  readonly files: readonly FileDrift[];
  /** Expected VMTAs PowerMTA is not running (a config on disk that was never loaded). */
  readonly notLoaded: readonly string[];
  /** Something would change: config drift, a file missing or different, or a config not loaded. */
  readonly changes: boolean;
}

export async function observeTarget(
  target: PmtaTarget,
  logger: HostLogger = silentLogger,
): Promise<TargetObservation> {
  const session = await target.transport.open(logger);
  try {
    session.confine([target.paths.configPath, ...target.extraFiles.map((f) => f.path)]);
    const live = await readLiveConfig(session, target.paths.configPath);
    const drift = pmtaDrift(live.text, target.configText);
    const files: FileDrift[] = [];
    for (const file of target.extraFiles) {
      const state = await remoteFileState(session, file.path);
      const change = !state.exists
        ? "missing"
        : state.sha256 !== sha256Hex(file.content)
          ? "content"
          : state.mode !== file.mode.toString(8)
            ? "mode"
            : "equal";
      files.push({ path: file.path, change });
    }
    // Only a live config can be loaded or not; PowerMTA answering nothing is not "not loaded".
    const running = live.text === null ? null : await readVmtas(session).catch(() => null);
    const notLoaded = running === null ? [] : target.expectedVmtas.filter((name) => !running.includes(name));
    return {
      label: session.label,
      liveText: live.text,
      drift,
      files,
      notLoaded,
      changes: !drift.inSync || files.some((f) => f.change !== "equal") || notLoaded.length > 0,
    };
  } finally {
    session.close();
  }
}

export interface DeployTargetOptions {
  readonly logger?: HostLogger;
  readonly clock?: () => Date;
}

/** The deploy of issue 3 part 4 for a built target; a config differing in comments only is kept as is. */
export function deployTarget(target: PmtaTarget, options: DeployTargetOptions = {}): Promise<DeployReport> {
  return deployPmtaConfig({
    transport: target.transport,
    paths: target.paths,
    configText: target.configText,
    extraFiles: target.extraFiles,
    lint: (text) => lintPmtaConfig(text),
    expectedVmtas: target.expectedVmtas,
    keepBackups: target.keepBackups,
    secrets: target.secrets,
    equivalent: configsEquivalent,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
