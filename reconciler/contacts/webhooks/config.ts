// Which sibling tools may post contacts, with which secrets, into which lists: `api.webhooks` of the
// inventory in force, read on every request so a rotated secret or a new allowed list applies without
// a restart. Nothing configured means closed (503), never open.
import { HttpProblem } from "../../http/module.ts";
import type { Secrets } from "../../inventory/secrets.ts";
import { readSecret } from "../../inventory/secrets.ts";
import type { ContactWebhookSource, Inventory } from "../../inventory/types.gen.ts";

/** The webhook sources: URL path segment → key under api.webhooks. */
export const WEBHOOK_SOURCES = {
  "scraper-pro": "scraperPro",
  "backlinks-engine": "backlinksEngine",
} as const;
export type WebhookSource = keyof typeof WEBHOOK_SOURCES;

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface SourceConfig {
  readonly source: WebhookSource;
  /** The resolved secrets (never logged, never answered). */
  readonly secrets: readonly string[];
  readonly config: ContactWebhookSource;
}

export function configPath(source: WebhookSource): string {
  return `api.webhooks.${WEBHOOK_SOURCES[source]}`;
}

/** The body limit in force (the inventory's, or 1 MiB). */
export function maxBodyBytes(inventory: Inventory | undefined): number {
  return inventory?.api?.webhooks?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
}

/**
 * The source's configuration with its secrets resolved. 503 when the daemon has no inventory yet,
 * when the source is not configured, or when none of its secrets can be read (a secret that cannot be
 * read is skipped and logged by name: the others stay valid during a rotation).
 */
export async function sourceConfig(
  inventory: Inventory | undefined,
  secrets: Secrets,
  source: WebhookSource,
  log: (line: string) => void,
): Promise<SourceConfig> {
  if (inventory === undefined) {
    throw new HttpProblem(503, "not_ready", "the daemon has no valid inventory yet: retry later", {
      "retry-after": "30",
    });
  }
  const path = configPath(source);
  const config = inventory.api?.webhooks?.[WEBHOOK_SOURCES[source]];
  if (config === undefined) {
    throw new HttpProblem(503, "not_configured", `the ${source} webhook is not configured: set ${path}`);
  }
  const resolved: string[] = [];
  for (const [index, ref] of config.secrets.entries()) {
    try {
      resolved.push(await readSecret(ref, secrets, `${path}.secrets[${index}]`));
    } catch (error) {
      log(`webhook ${source}: ${(error as Error).message}; this secret is skipped`);
    }
  }
  if (resolved.length === 0) {
    throw new HttpProblem(
      503,
      "not_configured",
      `the ${source} webhook has no usable secret: set the secrets of ${path}`,
    );
  }
  return { source, secrets: resolved, config };
}

export interface Destination {
  readonly tenant: string;
  readonly list: string;
}

/**
 * Where a delivery goes: the source's default list, or a list the delivery names that the source is
 * allowed to write (403 otherwise). A configured list missing from the inventory is a configuration
 * error of ours (503), not the sender's.
 */
export function destination(
  inventory: Inventory,
  { source, config }: SourceConfig,
  asked: { readonly tenant?: string; readonly list?: string },
): Destination {
  const tenant = asked.tenant ?? config.tenant;
  let list = asked.list;
  if (list === undefined) {
    if (tenant !== config.tenant) {
      throw new HttpProblem(400, "bad_request", `list: required when tenant (${tenant}) is not the default`);
    }
    list = config.list;
  }
  const isDefault = tenant === config.tenant && list === config.list;
  const allowed: readonly string[] = config.tenants?.[tenant] ?? [];
  if (!isDefault && !allowed.includes(list)) {
    throw new HttpProblem(
      403,
      "forbidden",
      `${source} may not write to tenant ${tenant}, list ${list}: allow it in ${configPath(source)}.tenants`,
    );
  }
  if (inventory.tenants[tenant]?.lists?.[list] === undefined) {
    throw new HttpProblem(
      503,
      "not_configured",
      `${configPath(source)} names tenant ${tenant}, list ${list}, which is not in the inventory's tenants`,
    );
  }
  return { tenant, list };
}
