// What a pipe's event does to the state store, in one transaction: the event row, the ledger counters
// (only for servers whose ledger comes from the webhooks, `api.pmta.ledger`, whose accounting files
// are then read without counting: each record reaches the ledger by one path), and the suppression
// list for hard bounces and complaints (whatever the ledger source: suppressing twice is a no-op).
//
// Counting follows the accounting ingestion (reconciler/ingest/aggregate.ts): a bounce posted by the
// pipe is a message with a final outcome (sent + 1); hard → bounced, complaint → complained, soft →
// deferred; a delivery adds its count to sent. A delivery carries no IP: it is counted when the
// posting server has exactly one sending IP, and otherwise only recorded (counted = false).
import type { Inventory, SendingIp } from "../../inventory/types.gen.ts";
import { suppress } from "../../contacts/store/suppression.ts";
import { tenantOfAddress } from "../../inventory/model.ts";
import { Ledger } from "../../store/ledger.ts";
import type { LedgerCounts } from "../../store/ledger.ts";
import type { SqlClient } from "../../store/sql.ts";
import { localDate } from "../../warmup/dates.ts";
import type { BounceBody, DeliveryBody } from "./payload.ts";

export interface Attribution {
  readonly server: string | null;
  readonly ip: string | null;
}

/** The server whose address (or one of whose sending IPs) is the peer. */
function serverOfPeer(inventory: Inventory, peer: string): string | null {
  for (const [name, server] of Object.entries(inventory.servers)) {
    if (server?.role === "pmta" && server.address === peer) return name;
  }
  return inventory.ips.find((ip) => ip.address === peer)?.server ?? null;
}

export function attributeBounce(inventory: Inventory, body: BounceBody, peer: string): Attribution {
  const ip: SendingIp | undefined =
    (body.source_ip !== "" ? inventory.ips.find((i) => i.address === body.source_ip) : undefined) ??
    (body.vmta !== "" ? inventory.ips.find((i) => i.vmta === body.vmta) : undefined);
  if (ip) return { server: ip.server, ip: ip.address ?? null };
  return { server: serverOfPeer(inventory, peer), ip: null };
}

export function attributeDelivery(inventory: Inventory, peer: string): Attribution {
  const server = serverOfPeer(inventory, peer);
  if (server === null) return { server, ip: null };
  const addressed = inventory.ips.filter((ip) => ip.server === server && ip.address !== undefined);
  return { server, ip: addressed.length === 1 ? addressed[0]!.address! : null };
}

export interface Recorded {
  readonly counted: boolean;
  readonly suppressed: boolean;
  /** The pipes are this server's source (api.pmta.ledger): they report it to Scraper-Pro. Otherwise
   *  its accounting files do, and forwarding the pipe's copy too would report every event twice. */
  readonly reported: boolean;
}

export async function recordBounce(options: {
  readonly sql: SqlClient;
  readonly inventory: Inventory;
  readonly ledgerServers: ReadonlySet<string>;
  readonly body: BounceBody;
  readonly peer: string;
  readonly now: Date;
}): Promise<Recorded> {
  const { inventory, body, now } = options;
  const at = attributeBounce(inventory, body, options.peer);
  const reported = at.server !== null && options.ledgerServers.has(at.server);
  const counted = at.ip !== null && reported;
  const day = localDate(now, inventory.platform.timezone);
  const delta: Partial<LedgerCounts> = {
    sent: 1,
    ...(body.bounce_type === "hard"
      ? { bounced: 1 }
      : body.bounce_type === "complaint"
        ? { complained: 1 }
        : { deferred: 1 }),
  };
  return options.sql.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO pmta_webhook_events (received_at, kind, peer, server, ip, day, email, domain, bounce_type, count, counted)
       VALUES ($1, 'bounce', $2, $3, $4, $5, $6, $7, $8, 1, $9)`,
      [
        now,
        options.peer,
        at.server,
        at.ip,
        day,
        body.email,
        body.email.slice(body.email.lastIndexOf("@") + 1).toLowerCase(),
        body.bounce_type,
        counted,
      ],
    );
    if (counted) await new Ledger(tx).addCounts(at.ip, day, delta);
    let suppressed = false;
    if (body.bounce_type === "hard") {
      suppressed = await suppress(tx, {
        email: body.email,
        reason: "hard-bounce",
        source: "pmta-webhook",
        at: now,
      });
    } else if (body.bounce_type === "complaint") {
      // A complaint stops the address for the tenant that sent (every tenant when the IP is unknown).
      suppressed = await suppress(tx, {
        email: body.email,
        reason: "complaint",
        tenant: tenantOfAddress(inventory, at.ip),
        source: "pmta-webhook",
        at: now,
      });
    }
    return { counted, suppressed, reported };
  });
}

export async function recordDelivery(options: {
  readonly sql: SqlClient;
  readonly inventory: Inventory;
  readonly ledgerServers: ReadonlySet<string>;
  readonly body: DeliveryBody;
  readonly peer: string;
  readonly now: Date;
}): Promise<Recorded> {
  const { inventory, body, now } = options;
  const at = attributeDelivery(inventory, options.peer);
  const reported = at.server !== null && options.ledgerServers.has(at.server);
  const counted = at.ip !== null && reported;
  const day = localDate(now, inventory.platform.timezone);
  return options.sql.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO pmta_webhook_events (received_at, kind, peer, server, ip, day, domain, count, counted)
       VALUES ($1, 'delivery', $2, $3, $4, $5, $6, $7, $8)`,
      [now, options.peer, at.server, at.ip, day, body.domain, body.count, counted],
    );
    if (counted) await new Ledger(tx).addCounts(at.ip, day, { sent: body.count });
    return { counted, suppressed: false, reported };
  });
}
