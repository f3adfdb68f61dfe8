// The embedded default: everything a newcomer needs to watch the whole loop on one machine with
// nothing installed. Its secrets and DKIM keys are throwaway values made here and kept under its own
// directory (never mixed with the real key vault), its PowerMTA is a local sandbox with a stand-in
// `pmta`, and its MailWizz is the contract emulator.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { DkimVault, generateDkimKey, parseMasterKey } from "../dkim/index.ts";
import { entries } from "../inventory/model.ts";
import type { Inventory } from "../inventory/types.gen.ts";

export interface EmbeddedPaths {
  readonly root: string;
  readonly data: string;
  readonly vault: string;
  readonly pmta: string;
  readonly secrets: string;
}

export function embeddedPaths(root: string): EmbeddedPaths {
  return {
    root,
    data: join(root, "data"),
    vault: join(root, "dkim"),
    pmta: join(root, "pmta-local"),
    secrets: join(root, "secrets.json"),
  };
}

/** Every environment variable the inventory's secret references name, with a random value. */
function secretNames(inventory: Inventory): string[] {
  const names = new Set<string>(["EMAIL_ENGINE_MASTER_KEY"]);
  for (const [, server] of entries(inventory.servers)) {
    if (server.pmta?.smtpPassword?.env) names.add(server.pmta.smtpPassword.env);
  }
  // The sibling tools' API keys and HMAC secrets: the embedded default serves its API with its own.
  const api = inventory.api;
  for (const ref of [
    ...(api?.keys ?? []),
    api?.pmta?.secret,
    api?.feedback?.secret,
    ...(api?.webhooks?.scraperPro?.secrets ?? []),
    ...(api?.webhooks?.backlinksEngine?.secrets ?? []),
  ]) {
    if (ref?.env) names.add(ref.env);
  }
  return [...names].sort();
}

/**
 * The embedded default's secrets: kept in a 0600 file under its root so a restart finds the same
 * keys. Real environment variables are not read: the embedded default never touches real secrets.
 */
export async function embeddedSecrets(
  paths: EmbeddedPaths,
  inventory: Inventory,
): Promise<Record<string, string>> {
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  let stored: Record<string, string>;
  try {
    stored = JSON.parse(await readFile(paths.secrets, "utf8")) as Record<string, string>;
  } catch {
    stored = {};
  }
  let changed = false;
  for (const name of secretNames(inventory)) {
    if (stored[name]) continue;
    stored[name] = randomBytes(32).toString("base64");
    changed = true;
  }
  if (changed) {
    const handle = await open(paths.secrets, "w", 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(stored, null, 2)}\n`);
    } finally {
      await handle.close();
    }
  }
  return stored;
}

/** Makes sure every domain has an active key for its selector in the embedded vault. */
export async function ensureEmbeddedDkim(
  paths: EmbeddedPaths,
  inventory: Inventory,
  secrets: Record<string, string>,
  now: Date,
): Promise<string[]> {
  const vault = new DkimVault(paths.vault);
  const masterKey = parseMasterKey(
    secrets.EMAIL_ENGINE_MASTER_KEY ?? "",
    "the embedded default's master key",
  );
  const created: string[] = [];
  for (const [domain, spec] of entries(inventory.domains)) {
    if (await vault.get(domain, spec.dkim.selector)) continue;
    const bits = spec.dkim.bits ?? 2048;
    await vault.create(domain, spec.dkim.selector, await generateDkimKey(bits), masterKey, now);
    // Nothing is published for the embedded default: its keys go straight to active.
    await vault.setStatus(domain, spec.dkim.selector, "published", now);
    await vault.setStatus(domain, spec.dkim.selector, "active", now);
    created.push(`${spec.dkim.selector}._domainkey.${domain}`);
  }
  return created;
}
