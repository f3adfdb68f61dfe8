// Test peer: a real OpenSSH sshd on 127.0.0.1 (free port, throwaway host and user keys) whose sessions
// find the `pmta` stand-in (reconciler/pmta/local/pmta-standin.sh, shared with the local sandbox host)
// on their PATH. A temp directory stands for
// /etc/pmta; the fixture keeps its state (command log, running config, fault switches) next to it.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile, chmod } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import type { HostLogger } from "../../reconciler/pmta/host/log.ts";
import { quote } from "../../reconciler/pmta/host/quote.ts";
import type { HostConnectOptions } from "../../reconciler/pmta/host/ssh.ts";

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL("../../reconciler/pmta/local/pmta-standin.sh", import.meta.url));
const SSHD = "/usr/sbin/sshd";

export type PmtaFault = "test-config" | "reload" | "show-status" | "show-vmtas";

export interface SshdDirs {
  root: string;
  /** Stands for /etc/pmta: the fixture's PMTA_CONFIG is `${etc}/config`. */
  etc: string;
  /** The fixture's state: commands.log, running-config, fail-* switches. */
  state: string;
  bin: string;
  keys: string;
}

export interface SshdPeer {
  host: string;
  port: number;
  username: string;
  /** The server's public host key line ("ssh-ed25519 AAAA… comment"), for pinning. */
  hostKey: string;
  /** The user's private key (OpenSSH format). */
  privateKey: string;
  dirs: SshdDirs;
  configPath: string;
  /** Make a fixture command fail (every call, or only the next one with `once`); null clears all. */
  setFault(name: PmtaFault | null, options?: { once?: boolean }): Promise<void>;
  /** Lines the fixture logged, one per `pmta` invocation (its arguments). */
  pmtaCommands(): Promise<string[]>;
  /** Everything sshd wrote to stderr (LogLevel VERBOSE: connections, sessions, errors; DEBUG would leak into sessions' stderr). */
  sshdLog(): string;
  connection(logger?: HostLogger): HostConnectOptions;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function keygen(path: string, comment: string): Promise<void> {
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
}

function waitListening(child: ChildProcess, log: { text: string }, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`sshd did not start in ${timeoutMs} ms:\n${log.text}`)),
      timeoutMs,
    );
    const onData = (): void => {
      if (/Server listening on/.test(log.text)) done();
    };
    const onExit = (code: number | null): void => done(new Error(`sshd exited (${code}):\n${log.text}`));
    function done(error?: Error): void {
      clearTimeout(timer);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    }
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    onData();
  });
}

export async function startSshd(): Promise<SshdPeer> {
  const root = await mkdtemp(join(tmpdir(), "pmta-sshd-"));
  const dirs: SshdDirs = {
    root,
    etc: join(root, "etc-pmta"),
    state: join(root, "state"),
    bin: join(root, "bin"),
    keys: join(root, "keys"),
  };
  await Promise.all([dirs.etc, dirs.state, dirs.bin, dirs.keys].map((d) => mkdir(d, { recursive: true })));
  await mkdir("/run/sshd", { recursive: true }); // sshd's privilege-separation directory
  const hostKeyPath = join(dirs.keys, "host_ed25519");
  const userKeyPath = join(dirs.keys, "user_ed25519");
  await Promise.all([keygen(hostKeyPath, "test-host"), keygen(userKeyPath, "test-user")]);
  await writeFile(join(dirs.keys, "authorized_keys"), await readFile(`${userKeyPath}.pub`));
  // A wrapper rather than a symlink: works whether or not the fixture kept its exec bit.
  await writeFile(join(dirs.bin, "pmta"), `#!/bin/sh\nexec /bin/sh ${quote(FIXTURE)} "$@"\n`);
  await chmod(join(dirs.bin, "pmta"), 0o755);
  const configPath = join(dirs.etc, "config");
  const username = userInfo().username;

  let child: ChildProcess | undefined;
  let port = 0;
  const log = { text: "" };
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    const sshdConfig = join(root, "sshd_config");
    await writeFile(
      sshdConfig,
      [
        `ListenAddress 127.0.0.1`,
        `Port ${port}`,
        `HostKey ${hostKeyPath}`,
        `PidFile ${join(root, "sshd.pid")}`,
        `AuthorizedKeysFile ${join(dirs.keys, "authorized_keys")}`,
        `StrictModes no`,
        `PermitRootLogin prohibit-password`,
        `PasswordAuthentication no`,
        `KbdInteractiveAuthentication no`,
        `UsePAM no`,
        `MaxStartups 50`,
        `MaxSessions 50`,
        `LogLevel VERBOSE`,
        // HOME points into the temp dir so the login shell finds no ~/.bashrc: sessions start fast and
        // see exactly this PATH.
        `SetEnv HOME=${root} PATH=${dirs.bin}:/usr/bin:/bin PMTA_CONFIG=${configPath} PMTA_STATE=${dirs.state}`,
        "",
      ].join("\n"),
    );
    log.text = "";
    const candidate = spawn(SSHD, ["-D", "-e", "-f", sshdConfig], { stdio: ["ignore", "ignore", "pipe"] });
    candidate.stderr.on("data", (chunk: Buffer) => {
      log.text += chunk.toString("utf8");
    });
    try {
      await waitListening(candidate, log, 10_000);
      child = candidate;
    } catch (error) {
      candidate.kill("SIGKILL");
      if (!/Address already in use/.test(log.text) || attempt === 2) {
        await rm(root, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const sshd = child as ChildProcess;
  const hostKey = (await readFile(`${hostKeyPath}.pub`, "utf8")).trim();
  const privateKey = await readFile(userKeyPath, "utf8");

  return {
    host: "127.0.0.1",
    port,
    username,
    hostKey,
    privateKey,
    dirs,
    configPath,
    async setFault(name, options) {
      for (const f of ["test-config", "reload", "show-status", "show-vmtas"] as const) {
        await rm(join(dirs.state, `fail-${f}`), { force: true });
      }
      if (name) await writeFile(join(dirs.state, `fail-${name}`), options?.once ? "once\n" : "");
    },
    async pmtaCommands() {
      const file = join(dirs.state, "commands.log");
      if (!existsSync(file)) return [];
      return (await readFile(file, "utf8")).split("\n").filter((l) => l !== "");
    },
    sshdLog: () => log.text,
    connection: (logger) => ({
      host: "127.0.0.1",
      port,
      username,
      privateKey,
      hostKey,
      connectTimeoutMs: 5_000,
      execTimeoutMs: 10_000,
      ...(logger ? { logger } : {}),
    }),
    async stop() {
      if (sshd.exitCode === null && sshd.signalCode === null) {
        const exited = new Promise((resolve) => sshd.once("exit", resolve));
        sshd.kill("SIGTERM");
        await exited;
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
