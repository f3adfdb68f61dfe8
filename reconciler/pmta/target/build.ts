// Everything one PowerMTA deploy needs, from the validated inventory, a server name, the secrets (an env
// map), the DKIM vault and the day's quotas: how to reach the host, where the files go, the rendered
// config, the files that go first (DKIM private keys, the smtp-users file), the VMTAs that must be live
// afterwards and the secret values to redact. Every missing input is a ConfigError that names the
// inventory path and the fix, raised before anything connects.
import { readSecret, type Secrets } from "../../inventory/secrets.ts";
import type { DkimVault } from "../../dkim/index.ts";
import { masterKeyFrom } from "../../dkim/index.ts";
import { ConfigError } from "../../errors.ts";
import type { Inventory, SecretRef, Server } from "../../inventory/types.gen.ts";
import type { PmtaSettings, PmtaTemplates, QuotaInput } from "../config/index.ts";
import {
  DEFAULT_PMTA_SETTINGS,
  dkimKeyFiles,
  lintPmtaConfig,
  parsePmtaConfig,
  renderPmtaConfig,
  renderSmtpUsers,
  summarize,
} from "../config/index.ts";
import type { DeployPaths, ExtraFile } from "../host/deploy.ts";
import type { HostTransport } from "../host/session.ts";
import { sshTransport } from "../host/ssh.ts";
import type { LocalHost } from "../local/index.ts";
import {
  configDirOf,
  DEFAULT_FILE_OWNER,
  DEFAULT_KEEP_BACKUPS,
  deployPathsOf,
  pmtaSettingsOf,
  sshEndpointOf,
  type SshOverride,
} from "./settings.ts";

export interface PmtaTargetInput {
  readonly inventory: Inventory;
  /** Server name (role pmta). */
  readonly host: string;
  /** Where SecretRefs with `env` are looked up (the CLI passes process.env). */
  readonly secrets: Secrets;
  readonly vault: DkimVault;
  /** The day's quota per VMTA (warmupTable rows). */
  readonly quotas: QuotaInput;
  readonly date: string;
  readonly revision: string;
  readonly templates: PmtaTemplates;
  /** Connect here instead of the inventory's address (tunnels, port forwards, the test sshd). */
  readonly sshOverride?: SshOverride;
  /**
   * The local sandbox instead of SSH (embedded default and tests only): the config directory becomes the
   * sandbox's, whatever the inventory says, and no `ssh` section is needed.
   */
  readonly local?: LocalHost;
  /** chown of the DKIM keys and smtp-users file; null keeps the uploader's. Default pmta:pmta over SSH. */
  readonly fileOwner?: string | null;
}

export interface PmtaTarget {
  readonly host: string;
  readonly transport: HostTransport;
  readonly paths: DeployPaths;
  readonly settings: PmtaSettings;
  readonly configText: string;
  /** DKIM private keys and the smtp-users file, mode 0600. */
  readonly extraFiles: readonly ExtraFile[];
  readonly expectedVmtas: readonly string[];
  /** The SMTP password and every private key: redacted from every output. */
  readonly secrets: readonly string[];
  readonly keepBackups: number;
  /** Things an operator should know that do not stop the deploy (e.g. signing with an unpublished key). */
  readonly warnings: readonly string[];
}

function pmtaServer(inventory: Inventory, host: string): Server {
  const server = inventory.servers[host];
  if (server?.role !== "pmta") {
    const hosts = Object.entries(inventory.servers)
      .filter(([, s]) => s?.role === "pmta")
      .map(([n]) => n)
      .sort();
    throw new ConfigError(`${host} is not a PowerMTA server of the inventory`, [
      `    allowed values: ${hosts.join(", ") || "(no server has role pmta)"}`,
    ]);
  }
  return server;
}

/** readSecret, with the fix appended to its ConfigError. */
async function secretOf(ref: SecretRef, secrets: Secrets, path: string, envFix: string): Promise<string> {
  try {
    return await readSecret(ref, secrets, path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.message, [
      ...error.details,
      ref.env !== undefined
        ? `    fix: export ${ref.env}=${envFix} before deploying`
        : `    fix: make ${ref.file} readable by the engine (and by no one else)`,
    ]);
  }
}

async function transportOf(input: PmtaTargetInput, server: Server): Promise<HostTransport> {
  if (input.local) return input.local;
  const endpoint = sshEndpointOf(input.host, server, input.sshOverride);
  const ref = server.ssh!.privateKey; // sshEndpointOf threw without an ssh section
  const key = await secretOf(ref, input.secrets, `servers.${input.host}.ssh.privateKey`, '"$(cat KEYFILE)"');
  // readSecret trims; OpenSSH wants the key file's final newline back.
  return sshTransport({ ...endpoint, privateKey: `${key}\n` });
}

async function smtpUsersFile(input: PmtaTargetInput, server: Server, settings: PmtaSettings) {
  const ref = server.pmta?.smtpPassword;
  const path = `servers.${input.host}.pmta.smtpPassword`;
  if (!ref) {
    throw new ConfigError(`${path} is not set: MailWizz could not authenticate to PowerMTA`, [
      `    fix: add to servers.${input.host}.pmta: smtpPassword: { env: PMTA_SMTP_PASSWORD } (or { file: /path })`,
    ]);
  }
  const password = await secretOf(ref, input.secrets, path, "… (at least 12 characters, no '#' or blanks)");
  return { password, content: renderSmtpUsers(settings.smtpUser, password, settings.authSource) };
}

export async function buildPmtaTarget(input: PmtaTargetInput): Promise<PmtaTarget> {
  const server = pmtaServer(input.inventory, input.host);
  const configDir = input.local ? input.local.dirs.etc : configDirOf(server);
  const settings: PmtaSettings = { ...DEFAULT_PMTA_SETTINGS, ...pmtaSettingsOf(server, configDir) };
  // Secrets first: a missing one stops here, before anything connects or renders.
  const users = await smtpUsersFile(input, server, settings);
  const transport = await transportOf(input, server);

  const configText = renderPmtaConfig({
    inventory: input.inventory,
    host: input.host,
    quotas: input.quotas,
    revision: input.revision,
    templates: input.templates,
    settings,
    date: input.date,
    // Rotation: a key moved to `active` in the vault signs from the next deploy on.
    dkimSelectors: await input.vault.activeSelectors(),
  });
  const parsed = parsePmtaConfig(configText).config;
  const owner = input.fileOwner === undefined ? (input.local ? null : DEFAULT_FILE_OWNER) : input.fileOwner;
  const withOwner = (file: ExtraFile): ExtraFile => (owner ? { ...file, owner } : file);

  const keys = dkimKeyFiles(parsed);
  const warnings: string[] = [];
  const extraFiles: ExtraFile[] = [];
  const pems: string[] = [];
  const masterKey = keys.length > 0 ? await masterKeyFrom(input.secrets) : undefined;
  for (const ref of keys) {
    const info = await input.vault.get(ref.domain, ref.selector);
    if (!info) {
      throw new ConfigError(
        `the config for ${input.host} signs ${ref.domain} with selector ${ref.selector}, but the DKIM vault ${input.vault.dir} has no such key`,
        [
          `    fix: email-engine dkim generate --domain ${ref.domain} --selector ${ref.selector}, then publish its TXT record (domains.${ref.domain}.dkim.selector)`,
        ],
      );
    }
    if (info.status !== "active") {
      warnings.push(
        `${ref.domain} signs with selector ${ref.selector} whose key is ${info.status} in the vault${info.status === "pending" ? " (is its TXT record published?)" : ""}`,
      );
    }
    const pem = await input.vault.privateKey(ref.domain, ref.selector, masterKey as Buffer);
    pems.push(pem);
    extraFiles.push(withOwner({ path: ref.file, content: pem, mode: 0o600 }));
  }
  extraFiles.push(withOwner({ path: settings.smtpUsersFile, content: users.content, mode: 0o600 }));

  const problems = lintPmtaConfig(users.content, { externalSources: [settings.authSource] });
  if (problems.some((p) => p.severity === "error")) {
    // Messages never echo values; this only fires if renderSmtpUsers and the linter disagree.
    throw new ConfigError(`the smtp-users file for ${input.host} does not lint`, [
      ...problems.map((p) => `    line ${p.line}: ${p.message}`),
    ]);
  }
  return {
    host: input.host,
    transport,
    paths: deployPathsOf(configDir),
    settings,
    configText,
    extraFiles: extraFiles.sort((a, b) => (a.path < b.path ? -1 : 1)),
    expectedVmtas: summarize(parsed)
      .vmtas.map((v) => v.name)
      .sort(),
    secrets: [users.password, users.content, ...pems, ...transport.secrets],
    keepBackups: server.pmta?.keepBackups ?? DEFAULT_KEEP_BACKUPS,
    warnings,
  };
}
