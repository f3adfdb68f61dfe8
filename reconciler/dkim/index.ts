// DKIM keys: generation (node:crypto), the DNS TXT value, and the encrypted file vault with rotation.
export type { DkimKeyPair, DkimKeySize } from "./keys.ts";
export { DKIM_KEY_SIZES, generateDkimKey, publicKeyBits, publicKeyOf } from "./keys.ts";
export type { Sealed } from "./seal.ts";
export { MASTER_KEY_ENV, MASTER_KEY_FILE_ENV, masterKeyFrom, parseMasterKey, seal, unseal } from "./seal.ts";
export { dkimRecordName, dkimTxtValue, quoteTxt, splitTxt } from "./txt.ts";
export type { DkimKeyInfo, DkimStatus } from "./vault.ts";
export { DKIM_STATUSES, DkimVault } from "./vault.ts";
