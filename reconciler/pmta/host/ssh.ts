// One SSH session to a PowerMTA host (the production HostSession): key auth, a pinned host key, timeouts
// on connect and on every command, bounded output. node-ssh opens the connection; commands run on its ssh2 client directly
// because node-ssh's execCommand buffers output without limit and has no timeout.
import { createHash } from "node:crypto";
import { NodeSSH } from "node-ssh";
import type { Client, ClientChannel } from "ssh2";
import { ConfigError, TransientError } from "../../errors.ts";
import { silentLogger, type HostLogger } from "./log.ts";
import type { ShellCommand } from "./quote.ts";
import type { ExecOptions, ExecResult, HostSession, HostTransport } from "./session.ts";
import { runChecked } from "./session.ts";

export type { ExecOptions, ExecResult, HostSession, HostTransport } from "./session.ts";

export interface HostConnectOptions {
  host: string;
  port: number;
  username: string;
  /** PEM/OpenSSH private key. A secret: never logged, never in an error. */
  privateKey: string | Buffer;
  passphrase?: string;
  /** The pinned host key: an authorized_keys style line ("ssh-ed25519 AAAA… [comment]") or "SHA256:…". */
  hostKey: string;
  connectTimeoutMs?: number;
  /** Default time limit of one command. */
  execTimeoutMs?: number;
  /** Default bound on stdout (and separately stderr) of one command. */
  maxOutputBytes?: number;
  logger?: HostLogger;
}

const STDIN_CHUNK = 64 * 1024;

/** "SHA256:<base64 without padding>" of a raw host key blob, as `ssh-keygen -l` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** The fingerprint a pinned value stands for (a key line or already a fingerprint). */
export function pinnedFingerprint(hostKey: string): string {
  const trimmed = hostKey.trim();
  if (trimmed.startsWith("SHA256:")) return trimmed.replace(/=+$/, "");
  const blob = trimmed.split(/\s+/)[1];
  if (!blob || !/^[A-Za-z0-9+/]+=*$/.test(blob)) {
    throw new ConfigError(`The pinned host key is neither "SHA256:…" nor "<type> <base64 key>"`);
  }
  return fingerprintOf(Buffer.from(blob, "base64"));
}

export class SshSession implements HostSession {
  readonly #ssh: NodeSSH;
  readonly #client: Client;
  readonly #options: HostConnectOptions;
  readonly label: string;
  readonly logger: HostLogger;
  #closed = false;

  constructor(ssh: NodeSSH, client: Client, options: HostConnectOptions) {
    this.#ssh = ssh;
    this.#client = client;
    this.#options = options;
    this.label = `${options.username}@${options.host}:${options.port}`;
    this.logger = options.logger ?? silentLogger;
    client.on("close", () => {
      this.#closed = true;
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Run a command; resolves with its exit code (non-zero is NOT an error here: check `code`). */
  exec(command: ShellCommand, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? this.#options.execTimeoutMs ?? 30_000;
    const maxBytes = options.maxOutputBytes ?? this.#options.maxOutputBytes ?? 1024 * 1024;
    // The command text is logged: it must never carry a secret (content goes through stdin).
    this.logger.debug({ host: this.label, command: command.text }, "ssh exec");
    if (this.#closed) return Promise.reject(new TransientError(`SSH connection to ${this.label} is closed`));
    return new Promise<ExecResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let code: number | null = null;
      let signal: string | null = null;
      let settled = false;
      let channel: ClientChannel | undefined;

      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#client.removeListener("close", onClientClose);
        if (error) {
          channel?.destroy();
          reject(error);
        } else {
          resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
        }
      };
      const onClientClose = (): void =>
        finish(new TransientError(`SSH connection to ${this.label} closed while running a command`));
      const timer = setTimeout(
        () => finish(new TransientError(`Command on ${this.label} timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#client.once("close", onClientClose);

      this.#client.exec(command.text, (err, ch) => {
        if (err) return finish(new TransientError(`Cannot run a command on ${this.label}: ${err.message}`));
        channel = ch;
        ch.on("data", (chunk: Buffer) => {
          outBytes += chunk.length;
          if (outBytes > maxBytes)
            return finish(new TransientError(`Output from ${this.label} exceeds ${maxBytes} bytes`));
          stdout.push(chunk);
        });
        ch.stderr.on("data", (chunk: Buffer) => {
          errBytes += chunk.length;
          if (errBytes <= maxBytes) stderr.push(chunk); // stderr is diagnostic: keep the head, drop the rest
        });
        ch.on("exit", (exitCode: number | null, exitSignal?: string) => {
          code = exitCode;
          signal = exitSignal ?? null;
        });
        ch.on("close", () => finish());
        ch.on("error", (e: Error) =>
          finish(new TransientError(`Channel error on ${this.label}: ${e.message}`)),
        );
        this.#writeStdin(ch, options).catch((e: unknown) =>
          finish(new TransientError(`Writing stdin to ${this.label} failed`, { cause: e })),
        );
      });
    });
  }

  async #writeStdin(ch: ClientChannel, options: ExecOptions): Promise<void> {
    const data = options.stdin === undefined ? Buffer.alloc(0) : Buffer.from(options.stdin);
    let sent = 0;
    while (sent < data.length) {
      const chunk = data.subarray(sent, sent + STDIN_CHUNK);
      const ok = ch.write(chunk);
      sent += chunk.length;
      options.onStdinChunk?.(sent, data.length);
      if (this.#closed) return;
      if (!ok) {
        // Wait for room, or for the channel to go away (then the exec promise has already failed).
        await new Promise<void>((resolve) => {
          ch.once("drain", resolve);
          ch.once("close", resolve);
        });
      }
    }
    ch.end();
  }

  /** Run a command and fail unless it exits 0. The error quotes stderr (bounded), never stdin. */
  run(command: ShellCommand, what: string, options: ExecOptions = {}): Promise<ExecResult> {
    return runChecked(this, command, what, options);
  }

  /** Any path: the remote user's rights decide. */
  confine(): void {}

  /** Drop the connection at once, as a network failure would (used by fault-injection tests). */
  abort(): void {
    this.#closed = true;
    this.#client.destroy();
  }

  close(): void {
    this.#closed = true;
    this.#ssh.dispose();
  }
}

/** Connect with key auth; refuse the host unless its key matches the pinned one. */
export async function connectHost(options: HostConnectOptions): Promise<SshSession> {
  const expected = pinnedFingerprint(options.hostKey);
  let presented: string | undefined;
  const ssh = new NodeSSH();
  const label = `${options.username}@${options.host}:${options.port}`;
  try {
    await ssh.connect({
      host: options.host,
      port: options.port,
      username: options.username,
      privateKey: Buffer.isBuffer(options.privateKey)
        ? options.privateKey.toString("utf8")
        : options.privateKey,
      ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
      readyTimeout: options.connectTimeoutMs ?? 10_000,
      tryKeyboard: false,
      // ssh2 checks nothing unless this callback exists (reference gitops-pulumi.md §6.3).
      hostVerifier: (key: Buffer): boolean => {
        presented = fingerprintOf(key);
        return presented === expected;
      },
    });
  } catch (error) {
    ssh.dispose();
    if (presented !== undefined && presented !== expected) {
      throw new ConfigError(
        `Host key of ${options.host}:${options.port} does not match the pinned key: expected ${expected}, the host presented ${presented}. Refusing to connect.`,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new TransientError(`SSH connection to ${label} failed: ${message}`);
  }
  const client = ssh.connection;
  if (!client) throw new TransientError(`SSH connection to ${label} failed: no client`);
  // An error after connect (e.g. a reset) must not crash the process; the "close" event follows it.
  client.on("error", (e: Error) =>
    options.logger?.warn({ host: label, error: e.message }, "ssh connection error"),
  );
  return new SshSession(ssh, client, options);
}

/** The production transport: SSH with the options' key and pinned host key. */
export function sshTransport(options: HostConnectOptions): HostTransport {
  return {
    label: `${options.username}@${options.host}:${options.port}`,
    secrets: [
      Buffer.from(options.privateKey).toString("utf8"),
      ...(options.passphrase ? [options.passphrase] : []),
    ],
    open: (logger) => connectHost({ ...options, logger }),
  };
}
