import { generateKeyPairSync } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import type { DkimKeyInfo, InfraConfig } from "../../infra/types.ts";
import type { Edit } from "../helpers/inventory.ts";
import { EXAMPLE_INVENTORY, inventoryWith } from "../helpers/inventory.ts";

export const SSH_PRIVATE_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\noperator-key-material-do-not-leak\n-----END OPENSSH PRIVATE KEY-----";
export const HOST_PRIVATE_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nhost-key-material-do-not-leak\n-----END OPENSSH PRIVATE KEY-----";
export const DOMAINS = [
  "expat-connect.com",
  "expat-services.com",
  "global-expat.com",
  "sos-mail.com",
  "ulixai-mail.com",
];

export async function loadInventory(edits: readonly Edit[] = []): Promise<Inventory> {
  const dir = edits.length === 0 ? EXAMPLE_INVENTORY : await inventoryWith(edits);
  const result = await validateInventoryDir(dir);
  if (!result.inventory)
    throw new Error(`fixture inventory invalid: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.inventory;
}

/** One real RSA key pair per domain (2048 bits unless told), generated once per test file. */
const cache = new Map<string, { publicKey: string; privateKeyPem: string }>();
export function dkimKeys(bits = 2048, domains = DOMAINS): DkimKeyInfo[] {
  return domains.map((domain) => {
    const cacheKey = `${domain}/${bits}`;
    let pair = cache.get(cacheKey);
    if (!pair) {
      const { publicKey, privateKey } = generateKeyPairSync("rsa", {
        modulusLength: bits,
        publicKeyEncoding: { type: "spki", format: "der" },
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
      });
      pair = { publicKey: publicKey.toString("base64"), privateKeyPem: privateKey };
      cache.set(cacheKey, pair);
    }
    return {
      domain,
      selector: "ee1",
      bits,
      publicKey: pair.publicKey,
      privateKeyPem: pulumi.secret(pair.privateKeyPem),
    };
  });
}

export function infraConfig(overrides: Partial<InfraConfig> = {}): InfraConfig {
  return {
    cloudflareZones: Object.fromEntries(DOMAINS.map((d, i) => [d, `zone-${i}`])),
    sshPublicKeys: ["ssh-ed25519 AAAAoperator operator@example"],
    sshPrivateKey: pulumi.secret(SSH_PRIVATE_KEY),
    hostKeys: Object.fromEntries(
      ["mailwizz", "pmta"].map((s) => [
        s,
        { publicKey: `ssh-ed25519 AAAAhost-${s}`, privateKey: pulumi.secret(HOST_PRIVATE_KEY) },
      ]),
    ),
    adopt: { engine: "4242" },
    image: "ubuntu-24.04",
    pmtaPackagePath: "/operator/PowerMTA-6.0.deb",
    pmtaLicensePath: "/operator/license",
    certbotEmail: "postmaster@sos-mail.com",
    pmtaSubmissionPort: 587,
    pmtaHttpPort: 8080,
    ...overrides,
  };
}
