// The HTTP upload of contact imports and the reports of imports.
export { uploadModule, DEFAULT_MAX_UPLOAD_BYTES } from "./module.ts";
export type { UploadDeps } from "./module.ts";
export { UPLOAD_QUEUE, importUpload, startUploadWorker } from "./worker.ts";
export type { UploadWorkerDeps } from "./worker.ts";
export { readImportReport } from "./report.ts";
