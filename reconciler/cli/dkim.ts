// `email-engine dkim generate|rotate|show`. Private keys are generated here, sealed with the master key
// (EMAIL_ENGINE_MASTER_KEY or EMAIL_ENGINE_MASTER_KEY_FILE, never a flag) and never printed: `show`
// prints selector, status and the TXT record only.
import { dirname, join } from "node:path";
import type { DkimKeyInfo, DkimStatus } from "../dkim/index.ts";
import {
  DKIM_STATUSES,
  DkimVault,
  dkimRecordName,
  dkimTxtValue,
  generateDkimKey,
  masterKeyFrom,
  quoteTxt,
  splitTxt,
} from "../dkim/index.ts";
import { ConfigError } from "../errors.ts";
import { entries } from "../inventory/model.ts";
import type { CliEnvironment } from "./context.ts";
import type { Output } from "./output.ts";
import { table } from "./output.ts";
import { loadValidInventory } from "./validate.ts";

type Secrets = Readonly<Record<string, string | undefined>>;

export interface DkimCommonOptions {
  /** Vault directory (default: `dkim/` next to the data directory, e.g. .email-engine/dkim). */
  readonly vault?: string;
}

export function defaultVaultDir(env: CliEnvironment): string {
  return join(dirname(env.dataDir), "dkim");
}

const vaultOf = (options: DkimCommonOptions, env: CliEnvironment) =>
  new DkimVault(options.vault ?? defaultVaultDir(env));

function txtLines(key: DkimKeyInfo): string[] {
  return [
    `${dkimRecordName(key.selector, key.domain)}. IN TXT ${quoteTxt(splitTxt(dkimTxtValue(key.publicKey)))}`,
  ];
}

export interface DkimGenerateOptions extends DkimCommonOptions {
  readonly inventory: string;
  /** One domain of the inventory; default: every domain that has no key for its selector yet. */
  readonly domain?: string;
  readonly selector?: string;
}

export async function dkimGenerateCommand(
  options: DkimGenerateOptions,
  env: CliEnvironment,
  output: Output,
  secrets: Secrets = process.env,
): Promise<number> {
  const { inventory } = await loadValidInventory(options.inventory);
  const domains = entries(inventory.domains).filter(
    ([name]) => options.domain === undefined || name === options.domain,
  );
  if (options.domain !== undefined && domains.length === 0) {
    throw new ConfigError(`${options.domain} is not a domain of the inventory`);
  }
  const masterKey = await masterKeyFrom(secrets);
  const vault = vaultOf(options, env);
  for (const [domain, spec] of domains) {
    const selector = options.selector ?? spec.dkim.selector;
    if (await vault.get(domain, selector)) {
      output.out(`${domain} ${selector}: already in the vault, unchanged`);
      continue;
    }
    const key = await generateDkimKey(spec.dkim.bits ?? 2048);
    const created = await vault.create(domain, selector, key, masterKey, env.now());
    output.out(`${domain} ${selector}: generated (${key.bits} bits, pending). Publish:`);
    for (const line of txtLines(created)) output.out(`    ${line}`);
  }
  return 0;
}

export interface DkimRotateOptions extends DkimCommonOptions {
  readonly inventory: string;
  readonly domain: string;
  readonly selector: string;
  /** Move the selector to this state; without it, start a rotation by generating the selector's key. */
  readonly to?: string;
}

const HINT: Record<DkimStatus, string> = {
  pending: "publish the TXT record, then: dkim rotate --domain D --selector S --to published",
  published: "once the TXT resolves everywhere (wait at least its TTL): --to active, then deploy PowerMTA",
  active: "PowerMTA signs with it from the next deploy; the previous selector is retired",
  retired:
    "keep its TXT until mail signed with it has been delivered and verified (a few days), then remove it",
};

export async function dkimRotateCommand(
  options: DkimRotateOptions,
  env: CliEnvironment,
  output: Output,
  secrets: Secrets = process.env,
): Promise<number> {
  const { inventory } = await loadValidInventory(options.inventory);
  const spec = inventory.domains[options.domain];
  if (!spec) throw new ConfigError(`${options.domain} is not a domain of the inventory`);
  const vault = vaultOf(options, env);
  if (options.to === undefined) {
    const inFlight = (await vault.list(options.domain)).filter(
      (k) => k.status === "pending" || k.status === "published",
    );
    if (inFlight.length > 0) {
      throw new ConfigError(
        `${options.domain} already has a rotation in progress: ${inFlight.map((k) => `${k.selector} (${k.status})`).join(", ")}`,
        ["    fix: finish it with --to active, or abandon it with --to retired"],
      );
    }
    const masterKey = await masterKeyFrom(secrets);
    const key = await generateDkimKey(spec.dkim.bits ?? 2048);
    const created = await vault.create(options.domain, options.selector, key, masterKey, env.now());
    output.out(`${options.domain} ${options.selector}: new key, pending. Publish:`);
    for (const line of txtLines(created)) output.out(`    ${line}`);
    output.out(`next: ${HINT.pending}`);
    return 0;
  }
  const to = options.to;
  if (!(DKIM_STATUSES as readonly string[]).includes(to)) {
    throw new ConfigError(`--to ${JSON.stringify(to)} is not a rotation state`, [
      `    allowed values: ${DKIM_STATUSES.slice(1).join(", ")}`,
    ]);
  }
  const changed = await vault.setStatus(options.domain, options.selector, to as DkimStatus, env.now());
  for (const key of changed) output.out(`${key.domain} ${key.selector}: ${key.status}`);
  output.out(`next: ${HINT[to as DkimStatus]}`);
  return 0;
}

export interface DkimShowOptions extends DkimCommonOptions {
  readonly domain?: string;
  readonly json?: boolean;
}

export async function dkimShowCommand(
  options: DkimShowOptions,
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  const keys = await vaultOf(options, env).list(options.domain);
  const rows = keys.map((k) => ({
    domain: k.domain,
    selector: k.selector,
    bits: k.bits,
    status: k.status,
    since: k.history[k.history.length - 1]?.at ?? "",
    record: dkimRecordName(k.selector, k.domain),
    txt: splitTxt(dkimTxtValue(k.publicKey)),
  }));
  if (options.json) {
    output.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    output.out(
      `no DKIM keys${options.domain ? ` for ${options.domain}` : ""} in ${options.vault ?? defaultVaultDir(env)}`,
    );
    return 0;
  }
  output.out(
    table(
      ["DOMAIN", "SELECTOR", "BITS", "STATUS", "SINCE"],
      rows.map((r) => [r.domain, r.selector, r.bits, r.status, r.since]),
    ),
  );
  for (const r of rows) output.out(`${r.record}. IN TXT ${quoteTxt(r.txt)}`);
  return 0;
}
