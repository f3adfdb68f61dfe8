// ingest (IO): read a PowerMTA host's new accounting records from its stored cursor, add them to the
// ledger, suppress the recipients that hard-bounced or complained, and move the cursor, all in one
// transaction: a crash before the commit rereads the same records; after it, they are never read again.
import type { Inventory } from "../inventory/types.gen.ts";
import type { AcctEvent } from "../pmta/host/accounting.ts";
import type { AcctCursor, AcctReadResult } from "../pmta/host/observe.ts";
import type { Store } from "../store/index.ts";
import { Ledger } from "../store/ledger.ts";
import { suppress } from "../contacts/store/suppression.ts";
import { tenantOfAddress } from "../inventory/model.ts";
import { aggregateEvents, suppressionEvents } from "./aggregate.ts";

export interface IngestResult {
  readonly host: string;
  readonly events: number;
  readonly unmatched: number;
  readonly days: number;
  /** Recipients suppressed from this batch (hard bounces and complaints). */
  readonly suppressed: number;
  readonly more: boolean;
  readonly lostCursor: boolean;
}

export async function readCursor(store: Store, host: string): Promise<AcctCursor | null> {
  const rows = await store.sql.query<{ cursor: AcctCursor }>(
    "SELECT cursor FROM accounting_cursors WHERE host = $1",
    [host],
  );
  return rows[0]?.cursor ?? null;
}

/** One batch for one host; call again while `more` is true. */
export async function ingestAccounting(options: {
  readonly store: Store;
  readonly host: string;
  readonly inventory: Inventory;
  readonly now: Date;
  readonly read: (cursor: AcctCursor | null) => Promise<AcctReadResult>;
  /** Told the batch's records before they are committed (feedback to the sibling tools). It must be
   *  idempotent for the same records from the same cursor: after a crash the batch is read again. */
  readonly forward?: (events: readonly AcctEvent[], from: AcctCursor | null) => Promise<void>;
}): Promise<IngestResult> {
  const { store, host, inventory, now } = options;
  const cursor = await readCursor(store, host);
  const batch = await options.read(cursor);
  const aggregate = aggregateEvents(inventory, batch.events, now);
  const toSuppress = suppressionEvents(inventory, batch.events);
  // Before the commit: a failure here leaves the cursor where it was, so the records are not lost.
  if (options.forward && batch.events.length > 0) await options.forward(batch.events, cursor);
  // A host whose ledger comes from the PowerMTA pipes' webhooks (api.pmta.ledger) is still read, so its
  // cursor stays current, but not counted: each record reaches the ledger by one path, and switching
  // the source back later does not count the records the webhooks already counted.
  const counting = !(inventory.api?.pmta?.ledger ?? []).includes(host);
  await store.sql.transaction(async (tx) => {
    // The cursor row is locked first: two engines ingesting the same host serialize here, and the
    // second one sees the first one's cursor before counting anything.
    const current = await tx.query<{ cursor: AcctCursor }>(
      "SELECT cursor FROM accounting_cursors WHERE host = $1 FOR UPDATE",
      [host],
    );
    if (JSON.stringify(current[0]?.cursor ?? null) !== JSON.stringify(cursor)) {
      throw new Error(`accounting cursor of ${host} moved while reading: another engine is ingesting it`);
    }
    const ledger = new Ledger(tx);
    for (const c of counting ? aggregate.counts : []) {
      await ledger.addCounts(c.ip, c.day, {
        sent: c.sent,
        bounced: c.bounced,
        complained: c.complained,
        deferred: c.deferred,
      });
    }
    // Whatever the ledger's source, every record's recipient is suppressed here: the pipes' webhooks
    // may suppress the same address too, which changes nothing (an entry is added once).
    for (const e of toSuppress) {
      await suppress(tx, {
        email: e.email,
        reason: e.reason,
        // A complaint stops the address for the tenant that sent; a hard bounce for everyone.
        tenant: e.reason === "complaint" ? tenantOfAddress(inventory, e.ip) : undefined,
        source: "pmta-accounting",
        at: now,
      });
    }
    if (batch.cursor) {
      await tx.query(
        `INSERT INTO accounting_cursors (host, cursor) VALUES ($1, $2)
         ON CONFLICT (host) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
        [host, JSON.stringify(batch.cursor)],
      );
    }
  });
  return {
    host,
    events: batch.events.length,
    unmatched: aggregate.unmatched,
    days: aggregate.counts.length,
    suppressed: toSuppress.length,
    more: batch.more,
    lostCursor: batch.lostCursor,
  };
}
