// The read-only delivery-server routes (reference §4.1) and where their rows come from: the emulator's
// own table (default, no database server needed) or MailWizz's `{prefix}delivery_server` table in a
// MariaDB, the one the SQL store (delivery-servers/mysql.ts) writes, so both sides see the same rows.
import type { ObservedDeliveryServer } from "../delivery-servers/types.ts";
import { toObserved } from "../delivery-servers/memory.ts";
import type { Handler } from "./context.ts";
import { fail, ok, paged } from "./context.ts";
import type { EmulatorStore } from "./store.ts";

/** Every delivery-server row of the install, whatever its owner. */
export interface DeliveryServerSource {
  all(): Promise<readonly ObservedDeliveryServer[]>;
}

/** The emulator's own rows (EmulatorStore.deliveryServers). */
export function memoryServerSource(store: EmulatorStore): DeliveryServerSource {
  return { all: () => Promise.resolve(store.deliveryServers.map(toObserved)) };
}

function render(s: ObservedDeliveryServer): unknown {
  return {
    server_id: String(s.serverId),
    type: s.type,
    name: s.name,
    hostname: s.hostname,
    status: s.status,
  };
}

/** Only servers the API key's customer owns; system servers (customer_id NULL) never show (§4.1). */
async function ownServers(ctx: Parameters<Handler>[0]): Promise<ObservedDeliveryServer[]> {
  return (await ctx.servers.all()).filter((s) => s.customerId === ctx.store.customerId);
}

export const indexDeliveryServers: Handler = async (ctx) => {
  // `ORDER BY name ASC`; ties by id so pages are stable.
  const rows = (await ownServers(ctx)).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.serverId - b.serverId,
  );
  return paged(rows, ctx.query, render);
};

export const viewDeliveryServer: Handler = async (ctx) => {
  const id = Number(ctx.params.server_id);
  const server = (await ownServers(ctx)).find((s) => s.serverId === id);
  if (server === undefined) return fail(404, "The server does not exist.");
  return ok({ data: { record: render(server) } });
};
