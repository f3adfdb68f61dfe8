// Data-subject rights (GDPR Art. 15 and 17): export what is held about an address, and erase it
// everywhere email-engine put it, keeping only the hash in the suppression list so the address is
// never imported again (CNIL: keep a hash of opposed addresses to honour the objection).
import type { SqlClient } from "../../store/sql.ts";
import type { PushTarget } from "../push/index.ts";
import type { RowError, StoredContact, SuppressionEntry } from "../store/index.ts";
import {
  addressKey,
  contactsByHash,
  emailHash,
  rowErrorsByHash,
  suppress,
  suppressionOf,
} from "../store/index.ts";

export interface SubjectExport {
  readonly email: string;
  readonly emailHash: string;
  readonly contacts: readonly Omit<StoredContact, "emailHash">[];
  readonly suppression: readonly Omit<SuppressionEntry, "emailHash">[];
  readonly importErrors: readonly (Omit<RowError, "emailHash"> & { readonly importId: string })[];
}

export async function exportSubject(sql: SqlClient, email: string): Promise<SubjectExport> {
  const hash = emailHash(email);
  const contacts = await contactsByHash(sql, hash);
  const suppression = await suppressionOf(sql, hash);
  const errors = await rowErrorsByHash(sql, hash);
  return {
    email: addressKey(email),
    emailHash: hash,
    contacts: contacts.map(({ emailHash: _, ...c }) => c),
    suppression: suppression.map(({ emailHash: _, ...s }) => s),
    importErrors: errors.map(({ emailHash: _, ...e }) => e),
  };
}

export interface ErasureStep {
  readonly step: string;
  readonly status: "done" | "failed";
  readonly detail: string;
}

export interface ErasureReport {
  readonly emailHash: string;
  readonly steps: readonly ErasureStep[];
  /** False when a MailWizz step failed: the local erasure still happened; repeat it for MailWizz. */
  readonly complete: boolean;
}

/** Finds a tenant list in MailWizz (throws when it cannot: unreachable, not applied, …). */
export type ListResolver = (tenant: string, list: string) => Promise<PushTarget>;

/**
 * Erases the address: first from the MailWizz lists it was pushed to (while the store still says
 * which), then every row of the store in one transaction with the suppression entry. A MailWizz step
 * that fails is reported and does not stop the local erasure.
 */
export async function eraseSubject(
  sql: SqlClient,
  email: string,
  options: { readonly mailwizz?: ListResolver | undefined; readonly now?: () => Date } = {},
): Promise<ErasureReport> {
  const hash = emailHash(email);
  const steps: ErasureStep[] = [];
  const contacts = await contactsByHash(sql, hash);
  for (const contact of contacts.filter((c) => c.pushedAt !== null))
    steps.push(await eraseInMailwizz(contact, options.mailwizz));
  let pending = 0;
  const [deleted, errors] = await sql.transaction(async (tx) => {
    const c = await tx.query(`DELETE FROM contacts WHERE email_hash = $1 RETURNING tenant`, [hash]);
    const e = await tx.query(`DELETE FROM contact_import_errors WHERE email_hash = $1 RETURNING line`, [
      hash,
    ]);
    // Contacts a sibling's webhook delivered but not yet imported wait in webhook_deliveries.payload:
    // the address leaves those too (the suppression entry would refuse it at import anyway).
    const key = addressKey(email);
    const w = await tx.query(
      `UPDATE webhook_deliveries
          SET payload = (SELECT coalesce(jsonb_agg(c), '[]'::jsonb) FROM jsonb_array_elements(payload) c
                          WHERE lower(btrim(c->>'email')) <> $1)
        WHERE payload IS NOT NULL
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(payload) c WHERE lower(btrim(c->>'email')) = $1)
        RETURNING id`,
      [key],
    );
    pending = w.length;
    await suppress(tx, {
      email,
      reason: "erased",
      source: "erasure",
      at: (options.now ?? (() => new Date()))(),
    });
    return [c.length, e.length];
  });
  steps.push({
    step: "contacts",
    status: "done",
    detail: `${deleted} row${deleted === 1 ? "" : "s"} deleted`,
  });
  steps.push({
    step: "import row errors",
    status: "done",
    detail: `${errors} row${errors === 1 ? "" : "s"} deleted`,
  });
  steps.push({
    step: "pending webhook deliveries",
    status: "done",
    detail: `removed from ${pending} deliver${pending === 1 ? "y" : "ies"} not yet imported`,
  });
  steps.push({
    step: "suppression",
    status: "done",
    detail: "hash kept with reason erased (never imported again)",
  });
  return { emailHash: hash, steps, complete: steps.every((s) => s.status === "done") };
}

async function eraseInMailwizz(
  contact: StoredContact,
  resolve: ListResolver | undefined,
): Promise<ErasureStep> {
  const step = `MailWizz ${contact.tenant}/${contact.list}`;
  if (resolve === undefined)
    return {
      step,
      status: "failed",
      detail: `not reachable from here; subscriber ${contact.subscriberUid ?? "(uid unknown)"} stays there`,
    };
  try {
    const target = await resolve(contact.tenant, contact.list);
    const subscribers = target.client.subscribers;
    const uid =
      contact.subscriberUid ?? (await subscribers.searchByEmail(target.listUid, contact.email))?.uid;
    if (uid === undefined || uid === "") return { step, status: "done", detail: "not in the list" };
    // Art. 17: the subscriber row goes (MailWizz's DELETE lists/{L}/subscribers/{S}); only the hash in
    // email-engine's suppression list remains, so the address is never imported again.
    await subscribers.delete(target.listUid, uid);
    return { step, status: "done", detail: `subscriber ${uid} deleted from the list` };
  } catch (error) {
    return { step, status: "failed", detail: error instanceof Error ? error.message : String(error) };
  }
}
