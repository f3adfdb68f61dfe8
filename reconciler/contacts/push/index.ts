// The push of an import's stored contacts to the tenant's MailWizz list, in bulk chunks, resumable:
// each contact is marked pushed as MailWizz confirms it, so a re-run sends only the rest, and a
// contact MailWizz already holds (pushed by a run that died before marking it) counts as pushed.
import { ConfigError, TransientError } from "../../errors.ts";
import type { Inventory } from "../../inventory/types.gen.ts";
import type { MailwizzClient, SubscriberInput } from "../../mailwizz/client/index.ts";
import type { MailwizzTarget } from "../../mailwizz/target/types.ts";
import type { SqlQuerier } from "../../store/sql.ts";
import type { StoredContact } from "../store/index.ts";
import { markPushError, markPushed, unpushed } from "../store/index.ts";

type ListEntry = NonNullable<NonNullable<Inventory["tenants"][string]>["lists"]>[string] & {};

export interface PushTarget {
  readonly client: MailwizzClient;
  readonly listUid: string;
}

export interface PushOptions {
  /** Contacts per bulk call (MailWizz takes at most 10,000; the client splits further by form size). */
  readonly chunkSize?: number;
  readonly now?: () => Date;
  /** Called after each chunk with the number pushed so far in this run. */
  readonly progress?: (pushed: number) => void;
}

/** The inventory entry of a tenant's list; errors name what exists. */
export function inventoryList(inventory: Inventory, tenant: string, list: string): ListEntry {
  const t = inventory.tenants[tenant];
  if (t === undefined)
    throw new ConfigError(`tenant ${JSON.stringify(tenant)} is not in the inventory`, [
      `    tenants: ${Object.keys(inventory.tenants).sort().join(", ") || "none"}`,
    ]);
  const entry = t.lists?.[list];
  if (entry === undefined)
    throw new ConfigError(`list ${JSON.stringify(list)} is not a list of tenant ${tenant}`, [
      `    lists of ${tenant}: ${
        Object.keys(t.lists ?? {})
          .sort()
          .join(", ") || "none"
      } (the keys under tenants.${tenant}.lists)`,
    ]);
  return entry;
}

/** The tenant's MailWizz client and the list's uid there, found by the list's inventory name. */
export async function pushTargetFor(
  inventory: Inventory,
  targets: readonly MailwizzTarget[],
  tenant: string,
  list: string,
): Promise<PushTarget> {
  const entry = inventoryList(inventory, tenant, list);
  const target = targets.find((t) => t.tenants.has(tenant));
  const client = target?.tenants.get(tenant)?.client;
  if (target === undefined || client === undefined)
    throw new ConfigError(
      `tenant ${tenant} has no MailWizz install in the inventory (tenants.${tenant}.mailwizz)`,
    );
  const found = await client.lists.findByName(entry.name);
  if (found === null)
    throw new ConfigError(
      `the list ${JSON.stringify(entry.name)} (tenants.${tenant}.lists.${list}) does not exist in MailWizz ${target.server}`,
      ["    fix: run `email-engine apply` first: it creates the inventory's lists"],
    );
  return { client, listUid: found.uid };
}

export function subscriberOf(c: StoredContact): SubscriberInput {
  const fields: Record<string, string> = { ...c.fields };
  if (c.fname !== "") fields.FNAME = c.fname;
  if (c.lname !== "") fields.LNAME = c.lname;
  if (c.country !== "") fields.COUNTRY = c.country;
  if (c.company !== "") fields.COMPANY = c.company;
  // Confirmed: these are B2B contacts under legitimate interest, not sign-ups; a double opt-in list
  // would otherwise mail each of them a confirmation request.
  return { email: c.email, fields, status: "confirmed", source: "import" };
}

const ALREADY_THERE = /already exists/i;

/** Pushes every stored, not yet pushed contact of the import. Throws TransientError on a failed chunk. */
export async function pushImport(
  sql: SqlQuerier,
  importId: string,
  target: PushTarget,
  options: PushOptions = {},
): Promise<{ pushed: number; refused: number }> {
  const chunkSize = options.chunkSize ?? 1_000;
  const now = options.now ?? (() => new Date());
  let after = "";
  let pushed = 0;
  let refused = 0;
  for (;;) {
    const page = await unpushed(sql, importId, after, chunkSize);
    if (page.length === 0) break;
    after = page.at(-1)!.emailHash;
    const results = await target.client.subscribers.bulkCreate(target.listUid, page.map(subscriberOf));
    const ok: { emailHash: string; uid: string }[] = [];
    const bad: { emailHash: string; error: string }[] = [];
    let failure: string | undefined;
    for (const result of results) {
      const contact = page[result.index]!;
      const messages = result.errors.map((e) => e.message);
      if (result.uid !== undefined) ok.push({ emailHash: contact.emailHash, uid: result.uid });
      else if (result.errors.some((e) => e.field === "_request")) failure ??= messages.join("; ");
      else if (messages.some((m) => ALREADY_THERE.test(m)))
        ok.push({ emailHash: contact.emailHash, uid: "" });
      else bad.push({ emailHash: contact.emailHash, error: messages.join("; ") || "refused" });
    }
    const { tenant, list } = page[0]!;
    await markPushed(sql, tenant, list, ok, now());
    await markPushError(sql, tenant, list, bad);
    pushed += ok.length;
    refused += bad.length;
    options.progress?.(pushed);
    if (failure !== undefined)
      throw new TransientError(
        `MailWizz refused a bulk request (${failure}); ${pushed} contacts pushed in this run, run the same import again to push the rest`,
      );
  }
  return { pushed, refused };
}
