// One batch of source rows through the pipeline, in two steps so that consecutive batches overlap:
// checkBatch (dedupe in the batch, suppression and the list's addresses, validation) of batch N+1 runs
// while writeBatch (the inserts) of batch N is in flight. Writes stay one after the other. A contact of
// batch N+1 that batch N was storing during the check is still found: an accepted one by the insert's
// ON CONFLICT, a refused one by writeBatch's second look (`recheck`), so the counts are those of
// batches handled strictly one after the other.
import type { Verdict } from "../verify/types.ts";
import type { NewContact, RowError } from "../store/index.ts";
import {
  addressKey,
  emailHash,
  existingIn,
  insertContacts,
  insertRowErrors,
  suppressedAmong,
} from "../store/index.ts";
import type { ImportDeps, ImportPolicy } from "./pipeline.ts";
import type { ContactInput, ImportRequest, SourceRow } from "./types.ts";

export interface Counter {
  rows: number;
  accepted: number;
  invalid: Record<string, number>;
  duplicates: number;
  suppressed: number;
  errors: number;
}

interface Candidate {
  readonly line: number;
  readonly contact: ContactInput;
  readonly hash: string;
}

interface Judged {
  readonly candidate: Candidate;
  readonly verdict: Verdict;
}

export interface CheckedBatch {
  /** Rows that could not be read (kind error). */
  readonly errors: readonly RowError[];
  readonly accepted: readonly Judged[];
  readonly refused: readonly Judged[];
}

export async function checkBatch(
  deps: ImportDeps,
  request: ImportRequest,
  batch: readonly SourceRow[],
  counter: Counter,
  policy: ImportPolicy,
): Promise<CheckedBatch> {
  const { sql } = deps;
  const { tenant, list, importId } = request;
  const errors: RowError[] = [];
  const firstOf = new Map<string, Candidate>();
  for (const row of batch) {
    counter.rows++;
    if ("error" in row) {
      counter.errors++;
      const email = row.error.email;
      errors.push({
        line: row.line,
        kind: "error",
        email,
        emailHash: emailHash(email),
        reason: row.error.reason,
        detail: row.error.detail,
      });
      continue;
    }
    const hash = emailHash(row.contact.email);
    if (firstOf.has(hash)) counter.duplicates++;
    else firstOf.set(hash, { line: row.line, contact: row.contact, hash });
  }
  const hashes = [...firstOf.keys()];
  // Suppressed addresses are counted, never recorded: the row-error list would otherwise keep the
  // address of someone who objected. Both reads at once (PostgreSQL answers on two connections).
  const [suppressed, existing] = await Promise.all([
    suppressedAmong(sql, hashes, tenant),
    existingIn(sql, tenant, list, hashes),
  ]);
  const fresh: Candidate[] = [];
  for (const candidate of firstOf.values()) {
    if (suppressed.has(candidate.hash)) {
      counter.suppressed++;
      continue;
    }
    const held = existing.get(candidate.hash);
    if (held === undefined) fresh.push(candidate);
    else if (held.importId === importId && held.line === candidate.line) counter.accepted++;
    else counter.duplicates++;
  }
  const verdicts = await validateAll(deps, fresh);
  const accepted: Judged[] = [];
  const refused: Judged[] = [];
  fresh.forEach((candidate, i) => {
    const verdict = verdicts[i]!;
    const ok = policy.accept.includes(verdict.status) && !policy.refuseReasons.includes(verdict.reason);
    (ok ? accepted : refused).push({ candidate, verdict });
  });
  return { errors, accepted, refused };
}

/**
 * Stores a checked batch. `recheck`: the batch was checked while the previous one was being written,
 * so its refused addresses are looked up again (the previous batch may have stored them: then they are
 * duplicates, as they would have been had the batches not overlapped).
 */
export async function writeBatch(
  deps: ImportDeps,
  request: ImportRequest,
  checked: CheckedBatch,
  counter: Counter,
  now: () => Date,
  recheck: boolean,
): Promise<void> {
  const { sql } = deps;
  const { tenant, list, importId } = request;
  const errors = [...checked.errors];
  let refused = checked.refused;
  if (recheck && refused.length > 0) {
    const held = await existingIn(
      sql,
      tenant,
      list,
      refused.map((r) => r.candidate.hash),
    );
    refused = refused.filter(({ candidate }) => {
      const h = held.get(candidate.hash);
      if (h === undefined) return true;
      if (h.importId === importId && h.line === candidate.line) counter.accepted++;
      else counter.duplicates++;
      return false;
    });
  }
  for (const { candidate, verdict } of refused) {
    counter.invalid[verdict.reason] = (counter.invalid[verdict.reason] ?? 0) + 1;
    errors.push({
      line: candidate.line,
      kind: "invalid",
      email: candidate.contact.email,
      emailHash: candidate.hash,
      reason: verdict.reason,
      detail: detailOf(verdict),
    });
  }
  const contacts: NewContact[] = checked.accepted.map(({ candidate, verdict }) => {
    const { contact } = candidate;
    return {
      emailHash: candidate.hash,
      email: verdict.email !== "" ? verdict.email : addressKey(contact.email),
      fname: contact.fname ?? "",
      lname: contact.lname ?? "",
      country: contact.country ?? "",
      company: contact.company ?? "",
      fields: contact.fields ?? {},
      status: verdict.status,
      reason: verdict.reason,
      line: candidate.line,
    };
  });
  const inserted = await insertContacts(
    sql,
    {
      tenant,
      list,
      importId,
      source: request.provenance.source,
      collectedAt: request.provenance.collectedAt,
      legalBasis: request.provenance.legalBasis,
      addedAt: now(),
    },
    contacts,
  );
  counter.accepted += inserted.size;
  // Stored meanwhile by another import of the same list, or by the previous batch (see recheck).
  counter.duplicates += contacts.length - inserted.size;
  await insertRowErrors(sql, importId, errors);
}

function detailOf(verdict: Verdict): string {
  const d = verdict.details;
  const parts: string[] = [verdict.status];
  if (d.suggestion) parts.push(`did you mean ${d.suggestion}?`);
  if (d.smtp) parts.push(d.smtp);
  if (d.message) parts.push(d.message);
  return parts.join("; ");
}

async function validateAll(deps: ImportDeps, candidates: readonly Candidate[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = new Array<Verdict>(candidates.length);
  const width = Math.max(1, deps.concurrency ?? 32);
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const i = next++;
      verdicts[i] = await deps.validator.validate(candidates[i]!.contact.email, { deep: deps.deep ?? false });
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, candidates.length) }, worker));
  return verdicts;
}
