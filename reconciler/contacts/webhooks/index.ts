// The sibling tools' contact webhooks: signature, payload, the HTTP routes and the queue worker.
export { webhookModule } from "./module.ts";
export type { WebhookDeps } from "./module.ts";
export { signBody, REPLAY_WINDOW_SECONDS } from "./signature.ts";
export { WEBHOOK_SOURCES, DEFAULT_MAX_BODY_BYTES } from "./config.ts";
export type { WebhookSource } from "./config.ts";
export { getDelivery } from "./deliveries.ts";
export type { DeliveryRow, DeliveryState } from "./deliveries.ts";
export { WEBHOOK_QUEUE, deliveryImportId, importDelivery, startWebhookWorker } from "./worker.ts";
export type { RunImport, WebhookWorkerDeps } from "./worker.ts";
