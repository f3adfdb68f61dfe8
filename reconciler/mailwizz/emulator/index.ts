// The MailWizz 2.x contract emulator: an HTTP server written from reference/mailwizz-api.md.
export { startMailwizzEmulator } from "./server.ts";
export type { EmulatorOptions, MailwizzEmulator, RecordedRequest } from "./server.ts";
export type { AccessMode } from "./access.ts";
export { EmulatorStore, newUid } from "./store.ts";
export type { DeliveryServerRow } from "./store.ts";
export { memoryServerSource } from "./servers.ts";
export type { DeliveryServerSource } from "./servers.ts";
