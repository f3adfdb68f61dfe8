// Shared pieces of the deploy tests: an inventory whose PowerMTA server has ssh/pmta sections pointing
// at a test host, a DKIM vault with active keys for every domain, and a CLI runner capturing output.
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deployPmtaCommand, type DeployPmtaOptions } from "../../reconciler/cli/deploy.ts";
import type { CliEnvironment } from "../../reconciler/cli/context.ts";
import { DkimVault, generateDkimKey } from "../../reconciler/dkim/index.ts";

const BASE = fileURLToPath(new URL("../fixtures/base-inventory/", import.meta.url));
export const DOMAINS = [
  "expat-connect.com",
  "expat-services.com",
  "global-expat.com",
  "sos-mail.com",
  "ulixai-mail.com",
];
export const PASSWORD = "Smtp-P4ss-for-MailWizz-0123";
export const MASTER_KEY = randomBytes(32).toString("base64");

export interface ServerSpec {
  user?: string;
  hostKey?: string;
  keyFile?: string;
  configDir?: string;
  /** Leave out the smtpPassword SecretRef. */
  noPassword?: boolean;
}

/**
 * The base inventory with servers.pmta given an ssh and a pmta section. Its address is a public-looking
 * documentation address (the inventory rules refuse loopback): tests reach their sshd with --ssh-host.
 */
export async function writeInventory(root: string, spec: ServerSpec): Promise<string> {
  const dir = join(root, "inventory");
  await cp(BASE, dir, { recursive: true });
  const servers = await readFile(join(dir, "servers.yaml"), "utf8");
  const pmta = [
    "    address: 198.51.100.20",
    ...(spec.hostKey !== undefined
      ? [
          "    ssh:",
          ...(spec.user !== undefined ? [`      user: ${JSON.stringify(spec.user)}`] : []),
          `      hostKey: ${JSON.stringify(spec.hostKey)}`,
          `      privateKey: { file: ${JSON.stringify(spec.keyFile)} }`,
        ]
      : []),
    "    pmta:",
    "      postmaster: postmaster@sos-mail.com",
    "      smtpUser: mailwizz",
    ...(spec.noPassword ? [] : ["      smtpPassword: { env: PMTA_SMTP_PASSWORD }"]),
    ...(spec.configDir !== undefined ? [`      configDir: ${JSON.stringify(spec.configDir)}`] : []),
    "      keepBackups: 3",
    "",
  ].join("\n");
  await writeFile(join(dir, "servers.yaml"), `${servers.trimEnd()}\n${pmta}`);
  return dir;
}

/** A vault with an active 1024-bit key (fast to generate) per domain, selector ee1 as in the inventory. */
export async function writeVault(root: string, pending?: string): Promise<{ dir: string; pems: string[] }> {
  const dir = join(root, "vault");
  const vault = new DkimVault(dir);
  const master = Buffer.from(MASTER_KEY, "base64");
  const now = new Date("2026-11-20T10:00:00Z");
  const pems: string[] = [];
  for (const domain of DOMAINS) {
    const key = await generateDkimKey(1024);
    pems.push(key.privateKeyPem);
    await vault.create(domain, "ee1", key, master, now);
    if (domain === pending) continue;
    await vault.setStatus(domain, "ee1", "published", now);
    await vault.setStatus(domain, "ee1", "active", now);
  }
  return { dir, pems };
}

export function testEnv(dataDir: string): CliEnvironment {
  return { now: () => new Date("2026-11-24T09:00:00Z"), databaseUrl: undefined, dataDir };
}

export const SECRETS = { PMTA_SMTP_PASSWORD: PASSWORD, EMAIL_ENGINE_MASTER_KEY: MASTER_KEY };

export interface Run {
  code: number | null;
  out: string;
  err: string;
  error: Error | null;
}

/** Runs the command like the CLI boundary would, capturing stdout, stderr and a thrown error. */
export async function runDeploy(
  options: DeployPmtaOptions,
  env: CliEnvironment,
  secrets: Record<string, string | undefined> = SECRETS,
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const output = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  try {
    const code = await deployPmtaCommand(
      { revision: "rev-1", ledger: false, ...options },
      env,
      output,
      secrets,
    );
    return { code, out: out.join("\n"), err: err.join("\n"), error: null };
  } catch (error) {
    return { code: null, out: out.join("\n"), err: err.join("\n"), error: error as Error };
  }
}

export async function tempRoot(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Non-trivial lines of every secret: what must never show up in output. */
export function secretFragments(pems: readonly string[], extra: readonly string[] = []): string[] {
  const lines = (pem: string) => pem.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
  return [PASSWORD, ...pems.flatMap(lines), ...extra.flatMap(lines)];
}
