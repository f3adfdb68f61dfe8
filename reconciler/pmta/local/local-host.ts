// A PowerMTA "host" on this machine, for the embedded default (`npm start` on a fresh clone, where no
// sshd and no PowerMTA exist) and for tests. It runs the very commands the SSH session would run, with
// /bin/sh, in a sandbox directory standing for /etc/pmta, with the `pmta` stand-in (pmta-standin.sh) on
// its PATH. NEVER a production target: it refuses any path outside its sandbox, and its `pmta` only
// checks block structure and copies the file it "reloads".
//
// Layout under `root`: etc/ (the sandbox: configDir of the target), state/ (the stand-in's running
// config, command log and fault switches), bin/pmta (a wrapper that runs the stand-in).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, TransientError } from "../../errors.ts";
import { silentLogger, type HostLogger } from "../host/log.ts";
import { quote, type ShellCommand } from "../host/quote.ts";
import type { ExecOptions, ExecResult, HostSession, HostTransport } from "../host/session.ts";
import { runChecked } from "../host/session.ts";

export const PMTA_STANDIN = fileURLToPath(new URL("./pmta-standin.sh", import.meta.url));

const STDIN_CHUNK = 64 * 1024;

export const PMTA_FAULTS = ["test-config", "reload", "show-status", "show-vmtas"] as const;
export type PmtaFault = (typeof PMTA_FAULTS)[number];

export interface LocalHostDirs {
  root: string;
  /** Stands for /etc/pmta: the only directory deploys may write to. */
  etc: string;
  /** The stand-in's state: running-config, commands.log, fail-* switches. */
  state: string;
  bin: string;
}

export interface LocalHostOptions {
  /** Default time limit of one command. */
  execTimeoutMs?: number;
  /** Default bound on stdout (and separately stderr) of one command. */
  maxOutputBytes?: number;
}

/** True when `path` is `dir` itself or inside it (after normalising `..`). */
export function isInside(dir: string, path: string): boolean {
  const full = resolve(path);
  return full === dir || full.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

export class LocalHost implements HostTransport {
  readonly dirs: LocalHostDirs;
  readonly label: string;
  readonly secrets: readonly string[] = [];
  readonly #options: LocalHostOptions;

  private constructor(dirs: LocalHostDirs, options: LocalHostOptions) {
    this.dirs = dirs;
    this.label = `local:${dirs.etc}`;
    this.#options = options;
  }

  /** Create (or reuse) the sandbox under `root` and install the `pmta` stand-in wrapper. */
  static async prepare(root: string, options: LocalHostOptions = {}): Promise<LocalHost> {
    if (!isAbsolute(root) || resolve(root) === sep) {
      throw new ConfigError(`the local PowerMTA sandbox must be an absolute directory other than /: ${root}`);
    }
    const base = resolve(root);
    const dirs: LocalHostDirs = {
      root: base,
      etc: join(base, "etc"),
      state: join(base, "state"),
      bin: join(base, "bin"),
    };
    for (const dir of [dirs.etc, dirs.state, dirs.bin]) await mkdir(dir, { recursive: true, mode: 0o700 });
    const wrapper = join(dirs.bin, "pmta");
    await writeFile(wrapper, `#!/bin/sh\nexec /bin/sh ${quote(PMTA_STANDIN)} "$@"\n`);
    await chmod(wrapper, 0o755);
    return new LocalHost(dirs, options);
  }

  /** The live config the stand-in reads, i.e. `${etc}/config`. */
  get configPath(): string {
    return join(this.dirs.etc, "config");
  }

  /** Make a stand-in command fail (every call, or only the next with `once`); null clears all. */
  async setFault(name: PmtaFault | null, options?: { once?: boolean }): Promise<void> {
    for (const f of PMTA_FAULTS) await rm(join(this.dirs.state, `fail-${f}`), { force: true });
    if (name) await writeFile(join(this.dirs.state, `fail-${name}`), options?.once ? "once\n" : "");
  }

  /** The stand-in's command log: one line per `pmta` invocation (its arguments). */
  async pmtaCommands(): Promise<string[]> {
    const file = join(this.dirs.state, "commands.log");
    if (!existsSync(file)) return [];
    return (await readFile(file, "utf8")).split("\n").filter((l) => l !== "");
  }

  open(logger: HostLogger): Promise<HostSession> {
    return Promise.resolve(new LocalSession(this.dirs, this.label, logger, this.#options));
  }
}

class LocalSession implements HostSession {
  readonly label: string;
  readonly logger: HostLogger;
  readonly #dirs: LocalHostDirs;
  readonly #options: LocalHostOptions;
  readonly #children = new Set<ChildProcess>();
  #closed = false;

  constructor(dirs: LocalHostDirs, label: string, logger: HostLogger, options: LocalHostOptions) {
    this.#dirs = dirs;
    this.label = label;
    this.logger = logger ?? silentLogger;
    this.#options = options;
  }

  get closed(): boolean {
    return this.#closed;
  }

  confine(paths: readonly string[]): void {
    const outside = paths.filter((p) => !isAbsolute(p) || !isInside(this.#dirs.etc, p));
    if (outside.length > 0) {
      throw new ConfigError(
        `the local PowerMTA sandbox only writes inside ${this.#dirs.etc}; refused: ${outside.join(", ")}`,
        [
          "    the local target is for the embedded default and tests: set the target's configDir to the sandbox",
        ],
      );
    }
  }

  exec(command: ShellCommand, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? this.#options.execTimeoutMs ?? 30_000;
    const maxBytes = options.maxOutputBytes ?? this.#options.maxOutputBytes ?? 1024 * 1024;
    this.logger.debug({ host: this.label, command: command.text }, "local exec");
    if (this.#closed) return Promise.reject(new TransientError(`${this.label} is closed`));
    return new Promise<ExecResult>((resolvePromise, reject) => {
      // A minimal environment: the engine's own secrets (SMTP password, master key) stay out of it.
      const child = spawn("/bin/sh", ["-c", command.text], {
        cwd: this.#dirs.etc,
        env: {
          PATH: `${this.#dirs.bin}:/usr/bin:/bin`,
          HOME: this.#dirs.root,
          LC_ALL: "C",
          PMTA_CONFIG: join(this.#dirs.etc, "config"),
          PMTA_STATE: this.#dirs.state,
        },
        stdio: ["pipe", "pipe", "pipe"],
        detached: true, // its own process group, so a timeout or abort ends the whole pipeline
      });
      this.#children.add(child);
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let settled = false;
      const kill = (): void => {
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      };
      const finish = (error: Error | null, result?: ExecResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#children.delete(child);
        if (error) {
          kill();
          reject(error);
        } else resolvePromise(result as ExecResult);
      };
      const timer = setTimeout(
        () => finish(new TransientError(`Command on ${this.label} timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stdout.on("data", (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > maxBytes)
          return finish(new TransientError(`Output from ${this.label} exceeds ${maxBytes} bytes`));
        stdout.push(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        errBytes += chunk.length;
        if (errBytes <= maxBytes) stderr.push(chunk);
      });
      child.on("error", (e) =>
        finish(new TransientError(`Cannot run a command on ${this.label}: ${e.message}`)),
      );
      child.on("close", (code, signal) => {
        if (this.#closed) return finish(new TransientError(`${this.label} closed while running a command`));
        finish(null, { code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
      });
      child.stdin.on("error", () => undefined); // EPIPE when the command exits without reading stdin
      this.#writeStdin(child, options).catch((e: unknown) =>
        finish(new TransientError(`Writing stdin on ${this.label} failed`, { cause: e })),
      );
    });
  }

  async #writeStdin(child: ChildProcess, options: ExecOptions): Promise<void> {
    const stdin = child.stdin;
    if (!stdin) return;
    const data = options.stdin === undefined ? Buffer.alloc(0) : Buffer.from(options.stdin);
    let sent = 0;
    while (sent < data.length) {
      const chunk = data.subarray(sent, sent + STDIN_CHUNK);
      const ok = stdin.write(chunk);
      sent += chunk.length;
      options.onStdinChunk?.(sent, data.length);
      if (this.#closed || stdin.destroyed) return;
      if (!ok) {
        await new Promise<void>((done) => {
          stdin.once("drain", done);
          stdin.once("close", done);
        });
      }
    }
    stdin.end();
  }

  run(command: ShellCommand, what: string, options: ExecOptions = {}): Promise<ExecResult> {
    return runChecked(this, command, what, options);
  }

  /** Kill whatever runs, as a dropped connection would. */
  abort(): void {
    this.#closed = true;
    for (const child of this.#children) {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }

  close(): void {
    this.#closed = true;
  }
}
