// What the reconciler holds for one MailWizz install: an API client per tenant (lists, templates,
// campaigns) and the delivery-server store (MailWizz's database, or the embedded emulator's table).
import type { Tenant } from "../../inventory/types.gen.ts";
import type { MailwizzClient } from "../client/index.ts";
import type { DeliveryServerStore } from "../delivery-servers/index.ts";

export interface TenantTarget {
  /** The inventory key (tenants.<name>). */
  readonly tenant: string;
  /** Authenticated with the tenant's own API key: MailWizz scopes everything to its customer. */
  readonly client: MailwizzClient;
  /** The sender's legal identity, written into the lists the engine creates. */
  readonly company: Tenant["company"];
}

export interface MailwizzTarget {
  /** The inventory server (role mailwizz) this target is. */
  readonly server: string;
  /** By tenant name, sorted. */
  readonly tenants: ReadonlyMap<string, TenantTarget>;
  readonly deliveryServers: DeliveryServerStore;
  /** Cuts every secret this target holds (API keys, database password) out of a text. */
  redact(text: string): string;
  /** Closes the store (pool and SSH tunnel) and, for the embedded target, the emulator. */
  close(): Promise<void>;
}

/** Client settings the caller may tune (timeouts, retries, logging); auth and URL come from the inventory. */
export interface ClientTuning {
  readonly timeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly retries?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

export function redactor(secrets: readonly string[]): (text: string) => string {
  const cut = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  return (text) => cut.reduce((t, s) => t.split(s).join("(sensitive)"), text);
}
