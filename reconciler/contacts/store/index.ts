// The contacts store: contacts with provenance, the suppression list, imports and their row errors.
export { addressKey, emailHash } from "./keys.ts";
export * from "./suppression.ts";
export * from "./contacts.ts";
export * from "./imports.ts";
