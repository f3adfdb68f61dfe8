// DKIM keys: generation, the TXT value and its split, sealing with the master key, the file vault
// (mode 0600, atomic writes, rotation states) and the CLI commands. Real files in a temp directory.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dkimGenerateCommand, dkimRotateCommand, dkimShowCommand } from "../../reconciler/cli/dkim.ts";
import type { CliEnvironment } from "../../reconciler/cli/context.ts";
import type { DkimKeyPair } from "../../reconciler/dkim/index.ts";
import {
  DkimVault,
  dkimTxtValue,
  generateDkimKey,
  masterKeyFrom,
  parseMasterKey,
  publicKeyBits,
  publicKeyOf,
  quoteTxt,
  seal,
  splitTxt,
  unseal,
} from "../../reconciler/dkim/index.ts";
import { ConfigError } from "../../reconciler/errors.ts";
import { EXAMPLE_INVENTORY } from "../helpers/inventory.ts";

let key: DkimKeyPair;
let dir: string;
const master = randomBytes(32);
const otherMaster = randomBytes(32);
const now = new Date("2026-11-24T10:00:00Z");

beforeAll(async () => {
  key = await generateDkimKey();
  dir = await mkdtemp(join(tmpdir(), "ee-dkim-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("DKIM keys and TXT values (pure)", () => {
  it("generates RSA 2048 with a PKCS#1 private key matching its public key", () => {
    expect(key.bits).toBe(2048);
    expect(publicKeyBits(key.publicKey)).toBe(2048);
    expect(key.privateKeyPem.startsWith("-----BEGIN RSA PRIVATE KEY-----\n")).toBe(true);
    expect(publicKeyOf(key.privateKeyPem)).toBe(key.publicKey);
    expect(key.publicKey).toMatch(/^MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA[A-Za-z0-9+/]+=*$/);
  });

  it("splits a 2048-bit TXT value into strings of at most 255 bytes that join back", () => {
    const value = dkimTxtValue(key.publicKey);
    expect(value.startsWith("v=DKIM1; k=rsa; p=MIIB")).toBe(true);
    const parts = splitTxt(value);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(255);
    expect(parts[0]).toHaveLength(255);
    expect(parts.join("")).toBe(value);
    expect(quoteTxt(parts)).toBe(`"${parts[0]}" "${parts[1]}"`);
  });

  it.each([
    ["", 255, [""]],
    ["abc", 2 ** 8 - 1, ["abc"]],
    ["abcdefgh", 4, ["abcd", "efgh"]],
    ["aé€b", 4, ["aé", "€b"]],
  ] as const)("splitTxt(%j, %d) never cuts a character", (value, max, expected) => {
    expect(splitTxt(value, max)).toEqual(expected);
  });
});

describe("sealing with the master key (pure)", () => {
  it("round-trips and binds the ciphertext to its domain and selector", () => {
    const sealed = seal(key.privateKeyPem, master, "dkim:a.example:s1");
    expect(sealed.data).not.toContain("PRIVATE");
    expect(unseal(sealed, master, "dkim:a.example:s1", "the key")).toBe(key.privateKeyPem);
    expect(() => unseal(sealed, master, "dkim:b.example:s1", "the key")).toThrow(ConfigError);
  });

  it("fails with a clear error under the wrong master key", () => {
    const sealed = seal(key.privateKeyPem, master, "x");
    expect(() => unseal(sealed, otherMaster, "x", "the DKIM key of a.example selector s1")).toThrow(
      "cannot decrypt the DKIM key of a.example selector s1: wrong master key, or the file was altered",
    );
  });

  it("reads the master key from the environment or a file, and refuses a short one without echoing it", async () => {
    const b64 = master.toString("base64");
    expect((await masterKeyFrom({ EMAIL_ENGINE_MASTER_KEY: b64 })).equals(master)).toBe(true);
    const file = join(dir, "master.key");
    await writeFile(file, `${b64}\n`, { mode: 0o600 });
    expect((await masterKeyFrom({ EMAIL_ENGINE_MASTER_KEY_FILE: file })).equals(master)).toBe(true);
    const short = randomBytes(16).toString("base64");
    expect(() => parseMasterKey(short, "EMAIL_ENGINE_MASTER_KEY")).toThrow(
      "EMAIL_ENGINE_MASTER_KEY is not a 32-byte key in base64 (16 bytes decoded)",
    );
    await expect(masterKeyFrom({})).rejects.toThrow(
      "no master key: set EMAIL_ENGINE_MASTER_KEY or EMAIL_ENGINE_MASTER_KEY_FILE",
    );
  });
});

describe("the file vault (integration, temp dir)", () => {
  it("stores keys encrypted in files of mode 0600 and reads them back", async () => {
    const vault = new DkimVault(join(dir, "vault1"));
    const info = await vault.create("a.example", "s1", key, master, now);
    expect(info).toMatchObject({ domain: "a.example", selector: "s1", status: "pending", bits: 2048 });
    const path = join(dir, "vault1", "a.example.s1.json");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "vault1"))).mode & 0o777).toBe(0o700);
    const raw = await readFile(path, "utf8");
    expect(raw).not.toContain("PRIVATE KEY");
    expect(raw).not.toContain(key.privateKeyPem.split("\n")[1]);
    expect(await vault.privateKey("a.example", "s1", master)).toBe(key.privateKeyPem);
    expect(await readdir(join(dir, "vault1"))).toEqual(["a.example.s1.json"]);
  });

  it("never puts key material in an error message", async () => {
    const vault = new DkimVault(join(dir, "vault2"));
    await vault.create("a.example", "s1", key, master, now);
    const pemLines = key.privateKeyPem.split("\n").filter((l) => l && !l.startsWith("-----"));
    const messages: string[] = [];
    for (const attempt of [
      () => vault.privateKey("a.example", "s1", otherMaster),
      () => vault.create("a.example", "s1", key, master, now),
      () => vault.setStatus("a.example", "s1", "active", now),
    ]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e as ConfigError,
      );
      expect(error).toBeInstanceOf(ConfigError);
      messages.push(error!.message, ...error!.details, String(error!.stack));
    }
    const all = messages.join("\n");
    expect(all).not.toContain("PRIVATE KEY");
    for (const line of pemLines.slice(0, 5)) expect(all).not.toContain(line.slice(0, 40));
    expect(all).not.toContain(master.toString("base64"));
    expect(messages[0]).toBe(
      "cannot decrypt the DKIM key of a.example selector s1: wrong master key, or the file was altered",
    );
    expect(messages).toContain("a.example selector s1 is pending and cannot become active");
  });

  it("rotates by a new selector: pending → published → active, retiring the previous active key", async () => {
    const vault = new DkimVault(join(dir, "vault3"));
    await vault.create("a.example", "s1", key, master, now);
    await vault.setStatus("a.example", "s1", "published", now);
    await vault.setStatus("a.example", "s1", "active", now);
    expect(await vault.activeSelectors()).toEqual(new Map([["a.example", "s1"]]));
    await vault.create("a.example", "s2", key, master, new Date("2026-12-01T00:00:00Z"));
    await vault.setStatus("a.example", "s2", "published", new Date("2026-12-02T00:00:00Z"));
    expect(await vault.activeSelectors()).toEqual(new Map([["a.example", "s1"]]));
    const changed = await vault.setStatus("a.example", "s2", "active", new Date("2026-12-03T00:00:00Z"));
    expect(changed.map((k) => [k.selector, k.status])).toEqual([
      ["s2", "active"],
      ["s1", "retired"],
    ]);
    expect(await vault.activeSelectors()).toEqual(new Map([["a.example", "s2"]]));
    expect(
      (await vault.list()).map((k) => [k.selector, k.status, k.history.map((h) => h.status).join(">")]),
    ).toEqual([
      ["s1", "retired", "pending>published>active>retired"],
      ["s2", "active", "pending>published>active"],
    ]);
    await expect(vault.setStatus("a.example", "s1", "active", now)).rejects.toThrow(
      "a.example selector s1 is retired and cannot become active",
    );
  });

  it("refuses names that could escape the vault directory", async () => {
    const vault = new DkimVault(join(dir, "vault4"));
    await expect(vault.create("../etc", "s1", key, master, now)).rejects.toThrow(
      '"../etc" is not a lower-case domain name',
    );
    await expect(vault.create("a.example", "../s", key, master, now)).rejects.toThrow(
      '"../s" is not a valid selector',
    );
  });
});

describe("email-engine dkim generate|rotate|show (integration)", () => {
  const lines: string[] = [];
  const output = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(`ERR ${t}`) };
  const env = (): CliEnvironment => ({
    now: () => now,
    databaseUrl: undefined,
    dataDir: join(dir, "cli", "data"),
  });
  const secrets = { EMAIL_ENGINE_MASTER_KEY: master.toString("base64") };

  it("generates a key per inventory domain, rotates one, and shows TXT records but never a private key", async () => {
    const vaultDir = join(dir, "cli", "dkim");
    expect(
      await dkimGenerateCommand(
        { inventory: EXAMPLE_INVENTORY, domain: "sos-mail.com" },
        env(),
        output,
        secrets,
      ),
    ).toBe(0);
    expect(lines[0]).toBe("sos-mail.com ee1: generated (2048 bits, pending). Publish:");
    expect(lines[1]).toMatch(
      /^ {4}ee1\._domainkey\.sos-mail\.com\. IN TXT "v=DKIM1; k=rsa; p=MIIB[^"]{233}" "[^"]+"$/,
    );
    expect(
      await dkimGenerateCommand(
        { inventory: EXAMPLE_INVENTORY, domain: "sos-mail.com" },
        env(),
        output,
        secrets,
      ),
    ).toBe(0);
    expect(lines.at(-1)).toBe("sos-mail.com ee1: already in the vault, unchanged");

    const rotate = (selector: string, to?: string) =>
      dkimRotateCommand(
        { inventory: EXAMPLE_INVENTORY, domain: "sos-mail.com", selector, ...(to ? { to } : {}) },
        env(),
        output,
        secrets,
      );
    await rotate("ee1", "published");
    await rotate("ee1", "active");
    await expect(rotate("ee2", "active")).rejects.toThrow("no DKIM key for sos-mail.com selector ee2");
    await rotate("ee2");
    await expect(rotate("ee3")).rejects.toThrow(
      "sos-mail.com already has a rotation in progress: ee2 (pending)",
    );
    await rotate("ee2", "published");
    await rotate("ee2", "active");
    expect(lines.slice(-3)).toEqual([
      "sos-mail.com ee2: active",
      "sos-mail.com ee1: retired",
      "next: PowerMTA signs with it from the next deploy; the previous selector is retired",
    ]);

    lines.length = 0;
    expect(await dkimShowCommand({ vault: vaultDir }, env(), output)).toBe(0);
    const shown = lines.join("\n");
    const out = shown.split("\n");
    expect(out[0]).toBe("DOMAIN        SELECTOR  BITS  STATUS   SINCE");
    expect(out[2]).toBe("sos-mail.com  ee1       2048  retired  2026-11-24T10:00:00.000Z");
    expect(out[3]).toBe("sos-mail.com  ee2       2048  active   2026-11-24T10:00:00.000Z");
    expect(out[4]).toMatch(/^ee1\._domainkey\.sos-mail\.com\. IN TXT "v=DKIM1; k=rsa; p=/);
    expect(shown).not.toMatch(/PRIVATE|BEGIN/);
    const pem = await new DkimVault(vaultDir).privateKey("sos-mail.com", "ee2", master);
    expect(shown).not.toContain(pem.split("\n")[1]);
  });

  it("needs the master key to generate, and says how to provide it", async () => {
    await expect(
      dkimGenerateCommand({ inventory: EXAMPLE_INVENTORY, domain: "ulixai-mail.com" }, env(), output, {}),
    ).rejects.toThrow("no master key: set EMAIL_ENGINE_MASTER_KEY or EMAIL_ENGINE_MASTER_KEY_FILE");
  });
});
