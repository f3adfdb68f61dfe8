// The embedded target (`npm start` without a MailWizz): the contract emulator in this process on
// 127.0.0.1, one emulated customer per tenant with a throwaway API key, and the delivery-server store
// working on the emulator's own table, so no database server is needed. Same shape as a real target.
import { randomBytes } from "node:crypto";
import type { Inventory } from "../../inventory/types.gen.ts";
import { MailwizzClient } from "../client/index.ts";
import { MemoryDeliveryServerStore } from "../delivery-servers/index.ts";
import { startMailwizzEmulator } from "../emulator/index.ts";
import type { MailwizzEmulator } from "../emulator/index.ts";
import { mailwizzServer, tenantsOf } from "./open.ts";
import type { ClientTuning, MailwizzTarget, TenantTarget } from "./types.ts";
import { redactor } from "./types.ts";

export interface EmbeddedTarget extends MailwizzTarget {
  /** The emulator behind it (its base URL, its store's side doors for tests). */
  readonly emulator: MailwizzEmulator;
}

export interface EmbeddedOptions {
  readonly client?: ClientTuning;
  /** Port of the emulator on 127.0.0.1 (default: any free port). */
  readonly port?: number;
  readonly now?: () => Date;
}

export async function openEmbeddedMailwizzTarget(
  inventory: Inventory,
  serverName: string,
  options: EmbeddedOptions = {},
): Promise<EmbeddedTarget> {
  mailwizzServer(inventory, serverName);
  const tenants = tenantsOf(inventory, serverName);
  const keys = tenants.map(() => randomBytes(20).toString("hex"));
  const [firstKey, ...otherKeys] = keys.length > 0 ? keys : [randomBytes(20).toString("hex")];
  const emulator = await startMailwizzEmulator({
    access: { version: "2.x", apiKey: firstKey! },
    // Customer ids after the store's own (1): each tenant sees only its lists and templates.
    customers: otherKeys.map((apiKey, i) => ({ apiKey, customerId: i + 2 })),
    host: "127.0.0.1",
    recordRequests: false,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const targets = new Map<string, TenantTarget>(
    tenants.map(([tenant, t], i) => [
      tenant,
      {
        tenant,
        company: t.company,
        client: new MailwizzClient({
          ...options.client,
          baseUrl: emulator.baseUrl,
          auth: { version: "2.x", apiKey: keys[i]! },
        }),
      },
    ]),
  );
  // System servers (customer_id NULL), as openMailwizzTarget writes them into a real install.
  const store = new MemoryDeliveryServerStore(emulator.store, { customerId: null });
  return {
    server: serverName,
    tenants: targets,
    deliveryServers: store,
    emulator,
    redact: redactor(keys),
    close: async () => {
      await store.close();
      await emulator.close();
    },
  };
}
