// Shared pieces of the pmta-host tests: a config text the fixture accepts, a capturing logger, and a
// reset of the fixture host between tests.
import { readFile, rm, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { HostLogger } from "../../reconciler/pmta/host/log.ts";
import type { DeployOptions, LintProblem } from "../../reconciler/pmta/host/deploy.ts";
import type { SshdPeer } from "../peers/sshd.ts";

export function configWith(vmtas: readonly string[], marker = "v1"): string {
  const blocks = vmtas.map(
    (v, i) => `<virtual-mta ${v}>\n  smtp-source-host 192.0.2.${i + 10} mta${i}.example.com\n</virtual-mta>`,
  );
  return [
    `# generated (${marker}), do not edit`,
    "postmaster postmaster@example.com",
    ...blocks,
    "<domain *>",
    "  max-msg-rate 10/m",
    "</domain>",
    "",
  ].join("\n");
}

/** A permissive stand-in for the real linter (written elsewhere): only rejects a marker line. */
export const lintStub = (text: string): LintProblem[] =>
  text.includes("LINT-ERROR") ? [{ severity: "error", message: "marker LINT-ERROR found", line: 1 }] : [];

export interface CapturedLog {
  logger: HostLogger;
  lines: string[];
}

export function captureLogger(): CapturedLog {
  const lines: string[] = [];
  const push = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
  };
  return {
    lines,
    logger: { debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error") },
  };
}

export async function resetHost(peer: SshdPeer): Promise<void> {
  await peer.setFault(null);
  for (const dir of [peer.dirs.etc, peer.dirs.state]) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
}

export function deployPaths(peer: SshdPeer): DeployOptions["paths"] {
  return {
    configPath: peer.configPath,
    backupDir: join(peer.dirs.etc, "backup"),
    lockPath: join(peer.dirs.state, "deploy.lock"),
  };
}

export async function liveConfig(peer: SshdPeer): Promise<string | null> {
  return existsSync(peer.configPath) ? readFile(peer.configPath, "utf8") : null;
}

export async function seedLive(peer: SshdPeer, text: string): Promise<void> {
  await writeFile(peer.configPath, text);
  await writeFile(join(peer.dirs.state, "running-config"), text);
}
