// The narrow port every host operation goes through: run one shell command with stdin, a time limit and
// a bound on its output. Two implementations: SshSession (ssh.ts, production) and LocalSession
// (reconciler/pmta/local/, the embedded default and tests). Deploy and observe code only sees this.
import { TransientError } from "../../errors.ts";
import type { HostLogger } from "./log.ts";
import type { ShellCommand } from "./quote.ts";

export interface ExecOptions {
  /** Sent on stdin, then EOF. This is how content and secrets reach the host (never argv). */
  stdin?: Buffer | string;
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Called after each stdin chunk is handed over (progress, and fault injection in tests). */
  onStdinChunk?: (sent: number, total: number) => void;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
}

export interface HostSession {
  /** Who we talk to, for logs and errors, e.g. "root@203.0.113.5:22" or "local:/srv/pmta-sandbox". */
  readonly label: string;
  readonly logger: HostLogger;
  readonly closed: boolean;
  /** Run a command; resolves with its exit code (non-zero is NOT an error here: check `code`). */
  exec(command: ShellCommand, options?: ExecOptions): Promise<ExecResult>;
  /** Run a command and fail unless it exits 0. The error quotes stderr (bounded), never stdin. */
  run(command: ShellCommand, what: string, options?: ExecOptions): Promise<ExecResult>;
  /**
   * Throw a ConfigError unless every path may be written through this session. SSH sessions allow any
   * path (the remote user's rights decide); the local session only allows its sandbox directory.
   */
  confine(paths: readonly string[]): void;
  /** Drop the session at once, as a network failure would (fault-injection tests). */
  abort(): void;
  close(): void;
}

/** How to open a session to one PowerMTA host. */
export interface HostTransport {
  readonly label: string;
  /** Secret material the transport holds (an SSH private key): kept out of every log and report. */
  readonly secrets: readonly string[];
  open(logger: HostLogger): Promise<HostSession>;
}

/** `run` in terms of `exec`, shared by both sessions. */
export async function runChecked(
  session: Pick<HostSession, "exec" | "label">,
  command: ShellCommand,
  what: string,
  options: ExecOptions = {},
): Promise<ExecResult> {
  const result = await session.exec(command, options);
  if (result.code !== 0) {
    const reason =
      result.stderr.toString("utf8").trim().slice(0, 500) || `exit ${result.code ?? result.signal}`;
    throw new TransientError(`${what} failed on ${session.label}: ${reason}`);
  }
  return result;
}
