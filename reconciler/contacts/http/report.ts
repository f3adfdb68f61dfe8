// GET /api/v1/contacts/imports/:id: the pipeline's own report of an import (an upload's or a webhook
// delivery's), or the upload's state while the pipeline has not taken it yet.
import type { SqlQuerier } from "../../store/sql.ts";
import type { ImportReport } from "../import/types.ts";
import { getImport, pushCounts } from "../store/index.ts";
import type { UploadRow } from "./uploads.ts";

/** The report, plus why the import stopped when it failed. */
export type ImportReportBody = ImportReport & { readonly message?: string };

/** The pipeline's report of an import, or undefined when the pipeline has not started it. */
export async function readImportReport(
  db: SqlQuerier,
  importId: string,
): Promise<ImportReportBody | undefined> {
  const record = await getImport(db, importId);
  if (record === undefined) return undefined;
  const { pushed } = await pushCounts(db, importId);
  return {
    importId,
    tenant: record.tenant,
    list: record.list,
    ...record.counts,
    pushed,
    state: record.state,
    ...(record.message === "" ? {} : { message: record.message }),
  };
}

/** What an upload's report says before the pipeline took it (queued), or when the file was refused. */
export function uploadReport(upload: UploadRow): ImportReportBody {
  return {
    importId: upload.id,
    tenant: upload.tenant,
    list: upload.list,
    rows: 0,
    accepted: 0,
    invalid: {},
    duplicates: 0,
    suppressed: 0,
    errors: 0,
    pushed: 0,
    state: upload.state === "failed" ? "failed" : "running",
    ...(upload.error === null ? {} : { message: upload.error }),
  };
}
