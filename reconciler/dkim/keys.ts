// DKIM key pairs and their DNS TXT value.
//
// node:crypto rather than node-forge (reference/gitops-pulumi.md §6.4): the async generateKeyPair runs
// on libuv's thread pool, so a long-running daemon's event loop stays free (forge in pure-JS mode
// blocks it for about a second per 2048-bit key), and it adds no dependency and no forge CVE exposure.
import { createPrivateKey, createPublicKey, generateKeyPair } from "node:crypto";
import { promisify } from "node:util";

const generate = promisify(generateKeyPair);

export interface DkimKeyPair {
  /**
   * PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`): whether PowerMTA also reads PKCS#8 is unverified
   * (gitops-pulumi.md §6.4), and PKCS#1 is what pmtakeytool and OpenDKIM write.
   */
  readonly privateKeyPem: string;
  /** SubjectPublicKeyInfo DER in base64: the DKIM `p=` value. */
  readonly publicKey: string;
  readonly bits: number;
}

export const DKIM_KEY_SIZES = [1024, 2048, 3072, 4096] as const;
export type DkimKeySize = (typeof DKIM_KEY_SIZES)[number];

export async function generateDkimKey(bits: DkimKeySize = 2048): Promise<DkimKeyPair> {
  const { publicKey, privateKey } = await generate("rsa", {
    modulusLength: bits,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: "spki", format: "der" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKey: publicKey.toString("base64"), bits };
}

/** The public key (base64 SPKI) of a PEM private key: checks a decrypted key matches its record. */
export function publicKeyOf(privateKeyPem: string): string {
  const der = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: "spki", format: "der" });
  return der.toString("base64");
}

/** Modulus size in bits of a base64 SPKI public key. */
export function publicKeyBits(publicKey: string): number {
  const key = createPublicKey({ key: Buffer.from(publicKey, "base64"), format: "der", type: "spki" });
  return key.asymmetricKeyDetails?.modulusLength ?? 0;
}
