// Real peers for the import tests: the loopback DNS server answering MX for the test domains, the
// project's validator pointed at it, and the MailWizz emulator with one list.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MailwizzClient } from "../../../reconciler/mailwizz/client/index.ts";
import { startMailwizzEmulator } from "../../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../../reconciler/mailwizz/emulator/index.ts";
import { createValidator } from "../../../reconciler/contacts/verify/index.ts";
import type { Validator } from "../../../reconciler/contacts/verify/index.ts";
import { TestDnsServer } from "../../peers/dns-server.ts";

export const GOOD_DOMAINS = ["acme.test", "globex.test", "initech.test"] as const;

export async function startDns(): Promise<TestDnsServer> {
  const dns = await TestDnsServer.start();
  for (const d of GOOD_DOMAINS) dns.set(d, "MX", [{ exchange: `mx.${d}`, priority: 10 }]);
  return dns;
}

export function validatorFor(dns: TestDnsServer): Validator {
  return createValidator({ resolvers: [dns.address], dnsTimeoutMs: 500, dnsTries: 1 });
}

export interface MailwizzPeer {
  readonly emulator: MailwizzEmulator;
  readonly client: MailwizzClient;
  readonly listUid: string;
  emails(): string[];
}

export async function startMailwizz(): Promise<MailwizzPeer> {
  const apiKey = "k".repeat(40);
  const emulator = await startMailwizzEmulator({ access: { version: "2.x", apiKey }, host: "127.0.0.1" });
  const client = new MailwizzClient({
    baseUrl: emulator.baseUrl,
    auth: { version: "2.x", apiKey },
    retries: 0,
    timeoutMs: 5_000,
  });
  const listUid = await client.lists.create({
    name: "Cold Outreach Avocats",
    description: "test",
    fromName: "SOS-Expat",
    fromEmail: "contact@sos-mail.com",
    replyTo: "contact@sos-expat.com",
    company: { name: "SOS-Expat", country: "France", address1: "1 rue", city: "Paris", zipCode: "75001" },
  });
  return {
    emulator,
    client,
    listUid,
    emails: () => emulator.store.subscribers.map((s) => s.email).sort(),
  };
}

export async function tempFile(name: string, content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ee-import-"));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

export async function removeTemp(path: string): Promise<void> {
  await rm(join(path, ".."), { recursive: true, force: true });
}
