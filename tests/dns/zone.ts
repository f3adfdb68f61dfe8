// Publishes a correct set of records for an inventory on the test DNS server: SPF, DKIM (2048-bit key
// split into several strings, as it must be), DMARC, MX with addresses, A and PTR per sending IP.
// Each test then breaks one record.
import { generateKeyPairSync } from "node:crypto";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import { entries } from "../../reconciler/inventory/model.ts";
import { reverseName } from "../../reconciler/dns/resolver.ts";
import { dkimKeyName } from "../../reconciler/dns/checks.ts";
import type { TestDnsServer } from "../peers/dns-server.ts";

export interface KeyPair {
  readonly publicPem: string;
  readonly privatePem: string;
  /** base64 SubjectPublicKeyInfo, as in p= */
  readonly p: string;
}

export function rsaKey(bits: number): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  return {
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    p: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
  };
}

/** Splits a TXT value into 255-octet strings (how a 2048-bit DKIM key must be published). */
export function chunk(text: string, size = 255): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function dkimTxt(p: string): string[] {
  return chunk(`v=DKIM1; k=rsa; p=${p}`);
}

/** Writes good records for every domain and IP; returns the signing keys by `<selector>._domainkey.<domain>`. */
export function publishInventory(
  server: TestDnsServer,
  inventory: Inventory,
  key: KeyPair,
): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [name, domain] of entries(inventory.domains)) {
    const ips = inventory.ips.filter((ip) => ip.domain === name && ip.address !== undefined);
    const spf = [
      "v=spf1",
      ...ips.map((ip) => `ip4:${ip.address}`),
      ...(domain.spf.include ?? []).map((d) => `include:${d}`),
      domain.spf.qualifier,
    ];
    server.set(name, "TXT", [[spf.join(" ")], ["google-site-verification=abc"]]);
    server.set(dkimKeyName(domain.dkim.selector, name), "TXT", [dkimTxt(key.p)]);
    keys.set(dkimKeyName(domain.dkim.selector, name), key.privatePem);
    server.set(`_dmarc.${name}`, "TXT", [[`v=DMARC1; p=${domain.dmarc.policy}; rua=${domain.dmarc.rua}`]]);
    const mx = domain.mx ?? [];
    server.set(
      name,
      "MX",
      mx.map((m) => ({ exchange: m.host, priority: m.priority })),
    );
    mx.forEach((m, i) => server.set(m.host, "A", [`192.0.2.${i + 1}`]));
  }
  for (const ip of inventory.ips) {
    if (ip.address === undefined) continue;
    server.set(ip.hostname, "A", [ip.address]);
    server.set(reverseName(ip.address), "PTR", [ip.hostname]);
  }
  return keys;
}
