// The inventory's per-server `ssh` and `pmta` sections → the renderer's settings, the deploy paths and
// the SSH connection. Pure: secrets are read by the caller (build.ts) and passed in.
import { posix } from "node:path";
import { ConfigError } from "../../errors.ts";
import type { Server } from "../../inventory/types.gen.ts";
import type { PmtaSettings } from "../config/index.ts";
import type { DeployPaths } from "../host/deploy.ts";
import type { HostConnectOptions } from "../host/ssh.ts";

export const DEFAULT_CONFIG_DIR = "/etc/pmta";
export const DEFAULT_KEEP_BACKUPS = 10;
export const DEFAULT_SSH_USER = "root";
export const DEFAULT_SSH_PORT = 22;
/** Owner of the DKIM keys and the smtp-users file: PowerMTA runs as `pmta` (run-as-root no). */
export const DEFAULT_FILE_OWNER = "pmta:pmta";

export function configDirOf(server: Server): string {
  const dir = server.pmta?.configDir ?? DEFAULT_CONFIG_DIR;
  return dir.length > 1 ? dir.replace(/\/+$/, "") : dir;
}

/** Renderer settings: the server's `pmta` section over DEFAULT_PMTA_SETTINGS; key files under `configDir`. */
export function pmtaSettingsOf(
  server: Server,
  configDir: string = configDirOf(server),
): Partial<PmtaSettings> {
  const p = server.pmta ?? {};
  return {
    ...(p.postmaster !== undefined ? { postmaster: p.postmaster } : {}),
    ...(p.smtpUser !== undefined ? { smtpUser: p.smtpUser } : {}),
    ...(p.tlsCertificate !== undefined ? { tlsCertificate: p.tlsCertificate } : {}),
    ...(p.listeners !== undefined ? { smtpListeners: p.listeners } : {}),
    ...(p.httpMgmtPort !== undefined ? { httpMgmtPort: p.httpMgmtPort } : {}),
    ...(p.accountingDir !== undefined ? { acctDir: p.accountingDir.replace(/\/+$/, "") } : {}),
    smtpUsersFile: posix.join(configDir, "smtp-users.conf"),
    dkimDir: posix.join(configDir, "dkim"),
  };
}

/** config, timestamped backups and the lock, all under the config directory. */
export function deployPathsOf(configDir: string): DeployPaths {
  return {
    configPath: posix.join(configDir, "config"),
    backupDir: posix.join(configDir, "backup"),
    lockPath: posix.join(configDir, ".email-engine-deploy.lock"),
  };
}

/** "HOST" or "HOST:PORT" or "[V6]:PORT" (the --ssh-host override). */
export function parseHostPort(value: string): { host: string; port?: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(value) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(value);
  const port = m?.[2] === undefined ? undefined : Number(m[2]);
  if (!m?.[1] || (port !== undefined && (port < 1 || port > 65535))) {
    throw new ConfigError(`--ssh-host ${JSON.stringify(value)} is not HOST or HOST:PORT`);
  }
  return port === undefined ? { host: m[1] } : { host: m[1], port };
}

export interface SshOverride {
  /** Where to connect instead of the inventory's address (an SSH tunnel, a port forward, a test sshd). */
  host: string;
  port?: number;
}

/** Connection options (without the key) from `servers.NAME.ssh`, address or hostname, and an override. */
export function sshEndpointOf(
  name: string,
  server: Server,
  override?: SshOverride,
): Omit<HostConnectOptions, "privateKey"> {
  const ssh = server.ssh;
  if (!ssh) {
    throw new ConfigError(`servers.${name} has no ssh section: the engine cannot reach its PowerMTA`, [
      `    fix: add to servers.${name}: ssh: { hostKey: "SHA256:…", privateKey: { file: /etc/email-engine/ssh/id_ed25519 } }`,
      "    (the host key: `ssh-keyscan -t ed25519 HOST | ssh-keygen -lf -`, checked out of band)",
    ]);
  }
  const host = override?.host ?? server.address ?? server.hostname;
  if (host === undefined) {
    throw new ConfigError(`servers.${name} has neither address nor hostname: nowhere to connect`, [
      `    fix: set servers.${name}.address (Pulumi prints it) or servers.${name}.hostname`,
    ]);
  }
  return {
    host,
    port: override?.port ?? ssh.port ?? DEFAULT_SSH_PORT,
    username: ssh.user ?? DEFAULT_SSH_USER,
    hostKey: ssh.hostKey,
  };
}
