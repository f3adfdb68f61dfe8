// The PowerMTA port over a deploy target (SSH with a pinned host key, or the local sandbox of the
// embedded default): render today's config, read the live one, deploy, read accounting records.
import type { WarmupRow } from "../derive/warmup-table.ts";
import type { DkimVault } from "../dkim/index.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { PmtaTemplates } from "../pmta/config/index.ts";
import { readAccountingSince, silentLogger } from "../pmta/host/index.ts";
import type { AcctReadResult } from "../pmta/host/observe.ts";
import type { LocalHost } from "../pmta/local/index.ts";
import type { PmtaTarget } from "../pmta/target/index.ts";
import { buildPmtaTarget, deployTarget, observeTarget } from "../pmta/target/index.ts";
import type { SshOverride } from "../pmta/target/settings.ts";
import type { PmtaPort, StepReport } from "./ports.ts";

export interface PmtaPortOptions {
  readonly host: string;
  readonly secrets: Readonly<Record<string, string | undefined>>;
  readonly vault: DkimVault;
  readonly templates: PmtaTemplates;
  readonly local?: LocalHost;
  readonly sshOverride?: SshOverride;
  /** chown of the uploaded key files (user:group); null keeps the uploader's; default pmta:pmta. */
  readonly fileOwner?: string | null;
  /** Bound on the accounting bytes read per call. */
  readonly acctMaxBytes?: number;
}

export function pmtaPort(options: PmtaPortOptions): PmtaPort {
  let target: PmtaTarget | undefined;
  const built = (): PmtaTarget => {
    if (!target) throw new Error("render() must run before readLive() or deploy()");
    return target;
  };
  return {
    host: options.host,
    async render(inventory: Inventory, rows: readonly WarmupRow[], date: string, revision: string) {
      target = await buildPmtaTarget({
        inventory,
        host: options.host,
        secrets: options.secrets,
        vault: options.vault,
        quotas: rows,
        date,
        revision,
        templates: options.templates,
        ...(options.local ? { local: options.local } : {}),
        ...(options.sshOverride ? { sshOverride: options.sshOverride } : {}),
        ...(options.fileOwner !== undefined ? { fileOwner: options.fileOwner } : {}),
      });
      return target.configText;
    },
    async readLive() {
      const observation = await observeTarget(built());
      const text = observation.liveText ?? undefined;
      return { text, files: observation.files, notLoaded: observation.notLoaded };
    },
    async deploy() {
      const report = await deployTarget(built());
      const steps: StepReport[] = report.steps.map((s) => ({
        step: s.step,
        status: s.status,
        durationMs: s.durationMs,
        ...(s.detail !== undefined ? { detail: s.detail } : {}),
      }));
      return { ok: report.ok, steps };
    },
    async readAccounting(inventory, cursor): Promise<AcctReadResult> {
      // The local sandbox stands for a host that sends nothing: no accounting files to read.
      if (options.local)
        return { events: [], skipped: 0, cursor, bytesRead: 0, more: false, lostCursor: false };
      // Only the connection matters here: a target for an empty day (every VMTA at 0: the renderer
      // refuses a VMTA without a quota) is enough before today's render.
      const t =
        target ??
        (await buildPmtaTarget({
          inventory,
          host: options.host,
          secrets: options.secrets,
          vault: options.vault,
          quotas: new Map(inventory.ips.map((ip) => [ip.vmta, 0])),
          date: "1970-01-01",
          revision: "accounting",
          templates: options.templates,
          ...(options.sshOverride ? { sshOverride: options.sshOverride } : {}),
          ...(options.fileOwner !== undefined ? { fileOwner: options.fileOwner } : {}),
        }));
      const session = await t.transport.open(silentLogger);
      try {
        return await readAccountingSince(session, {
          dir: t.settings.acctDir,
          cursor,
          maxBytes: options.acctMaxBytes ?? 4 * 1024 * 1024,
        });
      } finally {
        session.close();
      }
    },
    close: () => Promise.resolve(),
  };
}
