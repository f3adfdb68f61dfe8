// MailWizz stores a delivery server's password as base64(AES-128-CBC(password)) with a key written in
// its source, a zero IV and PKCS#7 padding (RemoteServerPasswordHandlerBehavior with phpseclib 2's AES:
// setKeyLength(128) keeps the first 16 bytes of the key, an empty IV is padded with NUL bytes). On read
// it decrypts only a value that is canonical base64, and uses anything else as plain text. A plain-text
// password written by SQL would therefore break whenever it happens to be canonical base64 (any 8 or 12
// letters and digits, say), so the store writes the encrypted form, exactly as MailWizz's own save does.
// This is obfuscation, not protection: the key is public.
import { createCipheriv, createDecipheriv } from "node:crypto";

const KEY = Buffer.from("abcdefghqrstuvwxyz123456ijklmnop".slice(0, 16), "latin1");
const IV = Buffer.alloc(16, 0);

/** What MailWizz's beforeSave writes for `plain` (an empty password is stored as it is). */
export function encryptPassword(plain: string): string {
  if (plain === "") return "";
  const cipher = createCipheriv("aes-128-cbc", KEY, IV);
  return Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]).toString("base64");
}

/** What MailWizz's afterFind reads from the stored column value. */
export function decryptPassword(stored: string | null): string {
  if (stored === null || stored === "") return "";
  const bytes = Buffer.from(stored, "base64");
  if (bytes.toString("base64") !== stored) return stored;
  // phpseclib 2 pads a cipher text that is not a whole number of blocks with NUL bytes; its _unpad
  // checks only the last byte (1..16) and returns false otherwise, which PHP then uses as ''.
  const padded = Buffer.concat([bytes, Buffer.alloc((16 - (bytes.length % 16)) % 16, 0)]);
  if (padded.length === 0) return "";
  const decipher = createDecipheriv("aes-128-cbc", KEY, IV);
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(padded), decipher.final()]);
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > 16) return "";
  return plain.subarray(0, plain.length - pad).toString("utf8");
}
