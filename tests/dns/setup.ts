// Shared set-up of the DNS check tests: a local authoritative server publishing correct records for the
// fixture inventory before each test (live bindings: importers see the values the hooks assign).
import { afterAll, beforeAll, beforeEach } from "vitest";
import { runDnsChecks } from "../../reconciler/dns/checks.ts";
import type { Finding } from "../../reconciler/dns/finding.ts";
import type { DnsClient } from "../../reconciler/dns/resolver.ts";
import { createDnsClient } from "../../reconciler/dns/resolver.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import { BASE_INVENTORY } from "../helpers/inventory.ts";
import { TestDnsServer } from "../peers/dns-server.ts";
import type { KeyPair } from "./zone.ts";
import { publishInventory, rsaKey } from "./zone.ts";

export let server: TestDnsServer;
export let dns: DnsClient;
export let inventory: Inventory;
export let key: KeyPair;
export let keys: Map<string, string>;

export const D = "sos-mail.com";
export const IP = "203.0.113.10";

export function useInventoryZone(): void {
  beforeAll(async () => {
    server = await TestDnsServer.start();
    dns = createDnsClient({ servers: [server.address], timeoutMs: 500, tries: 1 });
    const result = await validateInventoryDir(BASE_INVENTORY);
    if (!result.inventory) throw new Error("fixture inventory invalid");
    inventory = result.inventory;
    key = rsaKey(2048);
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.clear();
    keys = publishInventory(server, inventory, key);
  });
}

export async function run(): Promise<Finding[]> {
  return runDnsChecks(inventory, dns, { dkimKeys: keys });
}

export function pick(findings: readonly Finding[], subject: string, check: string): Finding {
  const found = findings.filter((f) => f.subject === subject && f.check === check);
  if (found.length !== 1) throw new Error(`${found.length} findings for ${subject} ${check}`);
  return found[0]!;
}

/** Every finding that is not ok, as `subject check status`. */
export function problems(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.status !== "ok").map((f) => `${f.subject} ${f.check} ${f.status}`);
}
