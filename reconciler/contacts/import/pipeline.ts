// The import pipeline: rows (CSV file, HTTP upload, sibling webhook) → normalize → dedupe within the
// source and against the list → suppression → validation → storage with provenance → push to MailWizz.
//
// Resumable: an import has an id and a phase. "reading" stores rows batch by batch; a re-run reads the
// source again and skips what it stored (a contact stored by this import at the same line is its own,
// not a duplicate). "pushing" means every row is stored; a re-run only pushes what is left. An error
// thrown by the source while reading (a file-level problem) undoes what this import stored, so a bad
// file imports nothing.
import { ConfigError } from "../../errors.ts";
import type { SqlClient } from "../../store/sql.ts";
import type { VerdictStatus, Validator } from "../verify/types.ts";
import type { PushTarget } from "../push/index.ts";
import { pushImport } from "../push/index.ts";
import type { ImportCounts } from "../store/index.ts";
import {
  analyzeContacts,
  deleteRowErrorsOf,
  deleteUnpushedOf,
  getImport,
  pushCounts,
  saveCounts,
  setState,
  startImport,
} from "../store/index.ts";
import type { CheckedBatch, Counter } from "./batch.ts";
import { checkBatch, writeBatch } from "./batch.ts";
import type { ImportReport, ImportReportDetails, ImportRequest, SourceRow } from "./types.ts";

export interface ImportPolicy {
  /** Verdict statuses stored and pushed (default safe and risky). */
  readonly accept: readonly VerdictStatus[];
  /** Reasons refused even when their status is accepted (default role and typo: §6.3 holds them back). */
  readonly refuseReasons: readonly string[];
}

export const DEFAULT_POLICY: ImportPolicy = { accept: ["safe", "risky"], refuseReasons: ["role", "typo"] };

export interface ImportProgress {
  readonly phase: "reading" | "pushing";
  readonly rows: number;
  readonly accepted: number;
  readonly pushed: number;
}

export interface ImportDeps {
  readonly sql: SqlClient;
  readonly validator: Validator;
  /** Probe mailboxes (slow); default domain level. */
  readonly deep?: boolean;
  /** Where accepted contacts go; undefined stores them only (a later run with a target pushes them). */
  readonly push?: PushTarget | undefined;
  readonly policy?: ImportPolicy;
  readonly now?: () => Date;
  /** Rows per storage batch (default 2,000). */
  readonly batchSize?: number;
  /** Contacts per MailWizz bulk call (default 1,000). */
  readonly pushChunkSize?: number;
  /** Validations in flight at once (default 32; the validator rate-limits per MX itself). */
  readonly concurrency?: number;
  readonly progress?: (progress: ImportProgress) => void;
}

export type FullReport = ImportReport & ImportReportDetails;

export async function importContacts(
  deps: ImportDeps,
  request: ImportRequest,
  rows: AsyncIterable<SourceRow> | Iterable<SourceRow>,
): Promise<FullReport> {
  const now = deps.now ?? (() => new Date());
  const previous = await getImport(deps.sql, request.importId);
  if (previous !== undefined && (previous.tenant !== request.tenant || previous.list !== request.list))
    throw new ConfigError(
      `import ${request.importId} was an import into ${previous.tenant}/${previous.list}, not ${request.tenant}/${request.list}`,
      ["    fix: give another import id, or the same tenant and list"],
    );
  let counts: ImportCounts;
  if (previous?.phase === "pushing" || previous?.phase === "done") {
    // Every row was stored by an earlier run: only the push may be left.
    counts = previous.counts;
    await setState(deps.sql, request.importId, "running", previous.phase, "", now());
  } else {
    await startImport(
      deps.sql,
      {
        importId: request.importId,
        tenant: request.tenant,
        list: request.list,
        source: request.provenance.source,
        collectedAt: request.provenance.collectedAt,
        legalBasis: request.provenance.legalBasis,
      },
      now(),
    );
    try {
      counts = await readRows(deps, request, rows, now);
    } catch (error) {
      await undoReading(deps, request.importId, error, now);
      throw error;
    }
    await saveCounts(deps.sql, request.importId, counts, "pushing", now());
  }
  let message = "";
  let failed = false;
  if (deps.push !== undefined) {
    try {
      await pushImport(deps.sql, request.importId, deps.push, {
        chunkSize: deps.pushChunkSize,
        now,
        progress: (pushed) =>
          deps.progress?.({ phase: "pushing", rows: counts.rows, accepted: counts.accepted, pushed }),
      });
    } catch (error) {
      failed = true;
      message = error instanceof Error ? error.message : String(error);
    }
  } else {
    message = "stored only: not pushed to MailWizz (run the import again with MailWizz reachable to push)";
  }
  const push = await pushCounts(deps.sql, request.importId);
  const complete = deps.push !== undefined && !failed && push.pushed + push.refused === push.stored;
  await setState(
    deps.sql,
    request.importId,
    failed ? "failed" : "done",
    complete ? "done" : "pushing",
    message,
    now(),
  );
  return {
    importId: request.importId,
    tenant: request.tenant,
    list: request.list,
    rows: counts.rows,
    accepted: counts.accepted,
    invalid: counts.invalid,
    duplicates: counts.duplicates,
    suppressed: counts.suppressed,
    errors: counts.errors,
    pushed: push.pushed,
    pushRefused: push.refused,
    state: failed ? "failed" : "done",
    message,
  };
}

/** A source that failed while being read leaves nothing of this import behind. */
async function undoReading(
  deps: ImportDeps,
  importId: string,
  error: unknown,
  now: () => Date,
): Promise<void> {
  await deleteUnpushedOf(deps.sql, importId);
  await deleteRowErrorsOf(deps.sql, importId);
  const message = error instanceof Error ? error.message : String(error);
  await setState(deps.sql, importId, "failed", "reading", message, now());
}

async function readRows(
  deps: ImportDeps,
  request: ImportRequest,
  rows: AsyncIterable<SourceRow> | Iterable<SourceRow>,
  now: () => Date,
): Promise<ImportCounts> {
  const counter: Counter = { rows: 0, accepted: 0, invalid: {}, duplicates: 0, suppressed: 0, errors: 0 };
  const size = deps.batchSize ?? 2_000;
  const policy = deps.policy ?? DEFAULT_POLICY;
  let analyzeAt = ANALYZE_FIRST;
  // The previous batch's write, in flight while the next batch is read and checked (batch.ts): the
  // source, the validator and the database then work at the same time.
  let writing: Promise<void> | undefined;
  let inFlight = false;
  const write = async (checked: CheckedBatch, recheck: boolean) => {
    inFlight = true;
    try {
      await writeBatch(deps, request, checked, counter, now, recheck);
    } finally {
      inFlight = false;
    }
    if (counter.accepted >= analyzeAt) {
      analyzeAt *= 10;
      await analyzeContacts(deps.sql);
    }
    deps.progress?.({ phase: "reading", rows: counter.rows, accepted: counter.accepted, pushed: 0 });
  };
  const step = async (batch: readonly SourceRow[]) => {
    // A deep check probes mailboxes over SMTP: it waits for the previous write, so that it never
    // probes an address that batch is storing.
    if (deps.deep) await writing;
    const recheck = inFlight;
    const checked = await checkBatch(deps, request, batch, counter, policy);
    await writing;
    writing = write(checked, recheck);
    // Awaited by the next step or below; until then a failure must not count as unhandled.
    writing.catch(() => undefined);
  };
  try {
    let batch: SourceRow[] = [];
    for await (const row of rows) {
      batch.push(row);
      if (batch.length >= size) {
        await step(batch);
        batch = [];
      }
    }
    await step(batch);
    await writing;
  } catch (error) {
    // Let the write in flight finish, so that undoing the import sees all it stored.
    await writing?.catch(() => undefined);
    throw error;
  }
  return counter;
}

/** Stored rows after which the import refreshes the table's statistics (then ×10 each time). */
const ANALYZE_FIRST = 10_000;
