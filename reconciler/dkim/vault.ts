// A small file vault of DKIM keys: one JSON file per domain and selector, the private key sealed with
// the master key (seal.ts), the public key in clear (so `show` and DNS planning need no secret).
// Files are written atomically (temp file in the same directory, fsync, rename) with mode 0600, in a
// directory with mode 0700.
//
// Rotation by a new selector: pending (generated) → published (TXT in DNS) → active (PowerMTA signs
// with it; the previous active selector becomes retired at the same moment) → retired (TXT may be
// removed once in-flight mail has been verified). A key never returns to an earlier state.
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import type { DkimKeyPair } from "./keys.ts";
import { publicKeyOf } from "./keys.ts";
import type { Sealed } from "./seal.ts";
import { seal, unseal } from "./seal.ts";

export const DKIM_STATUSES = ["pending", "published", "active", "retired"] as const;
export type DkimStatus = (typeof DKIM_STATUSES)[number];

const NEXT: Record<DkimStatus, readonly DkimStatus[]> = {
  pending: ["published", "retired"],
  published: ["active", "retired"],
  active: ["retired"],
  retired: [],
};

/** What the vault tells without the master key. */
export interface DkimKeyInfo {
  readonly domain: string;
  readonly selector: string;
  readonly bits: number;
  readonly status: DkimStatus;
  readonly publicKey: string;
  readonly history: readonly { readonly status: DkimStatus; readonly at: string }[];
}

interface DkimKeyFile extends DkimKeyInfo {
  readonly version: 1;
  readonly privateKey: Sealed;
}

const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;
const SELECTOR = /^[a-z0-9](?:[a-z0-9_-]{0,62})$/;

function checkNames(domain: string, selector: string): void {
  if (!DOMAIN.test(domain))
    throw new ConfigError(`${JSON.stringify(domain)} is not a lower-case domain name`);
  if (!SELECTOR.test(selector)) {
    throw new ConfigError(
      `${JSON.stringify(selector)} is not a valid selector (lower-case letters, digits, '-', '_')`,
    );
  }
}

const aad = (domain: string, selector: string) => `dkim:${domain}:${selector}`;
const info = ({ domain, selector, bits, status, publicKey, history }: DkimKeyFile): DkimKeyInfo => ({
  domain,
  selector,
  bits,
  status,
  publicKey,
  history,
});

function parseKeyFile(text: string, path: string): DkimKeyFile {
  try {
    const file = JSON.parse(text) as DkimKeyFile;
    if (file.version === 1 && typeof file.domain === "string" && typeof file.privateKey?.data === "string")
      return file;
  } catch {
    // fall through: the message below names the file, never its content
  }
  throw new ConfigError(`${path} is not a DKIM vault file (version 1)`);
}

export class DkimVault {
  constructor(readonly dir: string) {}

  private path(domain: string, selector: string): string {
    checkNames(domain, selector);
    return join(this.dir, `${domain}.${selector}.json`);
  }

  private async read(domain: string, selector: string): Promise<DkimKeyFile | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(domain, selector), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    const file = parseKeyFile(text, this.path(domain, selector));
    if (file.version !== 1 || file.domain !== domain || file.selector !== selector) {
      throw new ConfigError(`vault file for ${domain} selector ${selector} does not describe that key`);
    }
    return file;
  }

  private async write(file: DkimKeyFile): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = this.path(file.domain, file.selector);
    const temp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** Every key, sorted by domain then selector. */
  async list(domain?: string): Promise<DkimKeyInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const files = await Promise.all(
      names
        .filter((n) => n.endsWith(".json"))
        .map(async (n) => parseKeyFile(await readFile(join(this.dir, n), "utf8"), join(this.dir, n))),
    );
    return files
      .filter((f) => domain === undefined || f.domain === domain)
      .map(info)
      .sort((a, b) =>
        a.domain === b.domain ? (a.selector < b.selector ? -1 : 1) : a.domain < b.domain ? -1 : 1,
      );
  }

  async get(domain: string, selector: string): Promise<DkimKeyInfo | undefined> {
    const file = await this.read(domain, selector);
    return file && info(file);
  }

  /** Stores a new key as `pending`. Refuses to overwrite: a selector names one key forever. */
  async create(
    domain: string,
    selector: string,
    key: DkimKeyPair,
    masterKey: Buffer,
    now: Date,
  ): Promise<DkimKeyInfo> {
    if (await this.read(domain, selector)) {
      throw new ConfigError(`${domain} already has a key with selector ${selector}`, [
        "    fix: rotate to a new selector instead of replacing a published key",
      ]);
    }
    const file: DkimKeyFile = {
      version: 1,
      domain,
      selector,
      bits: key.bits,
      status: "pending",
      publicKey: key.publicKey,
      history: [{ status: "pending", at: now.toISOString() }],
      privateKey: seal(key.privateKeyPem, masterKey, aad(domain, selector)),
    };
    await this.write(file);
    return info(file);
  }

  /** The decrypted PEM, checked against the stored public key. Never logged by callers. */
  async privateKey(domain: string, selector: string, masterKey: Buffer): Promise<string> {
    const file = await this.read(domain, selector);
    if (!file) throw new ConfigError(`no DKIM key for ${domain} selector ${selector} in ${this.dir}`);
    const what = `the DKIM key of ${domain} selector ${selector}`;
    const pem = unseal(file.privateKey, masterKey, aad(domain, selector), what);
    if (publicKeyOf(pem) !== file.publicKey) throw new ConfigError(`${what} does not match its public key`);
    return pem;
  }

  /** Moves a key along its rotation; activating one retires the domain's previous active key. */
  async setStatus(domain: string, selector: string, to: DkimStatus, now: Date): Promise<DkimKeyInfo[]> {
    const file = await this.read(domain, selector);
    if (!file) throw new ConfigError(`no DKIM key for ${domain} selector ${selector} in ${this.dir}`);
    if (!NEXT[file.status].includes(to)) {
      const allowed = NEXT[file.status];
      throw new ConfigError(`${domain} selector ${selector} is ${file.status} and cannot become ${to}`, [
        `    allowed values: ${allowed.length > 0 ? allowed.join(", ") : "none (retired is final)"}`,
      ]);
    }
    const at = now.toISOString();
    const move = (f: DkimKeyFile, status: DkimStatus): DkimKeyFile => ({
      ...f,
      status,
      history: [...f.history, { status, at }],
    });
    const changed: DkimKeyFile[] = [];
    if (to === "active") {
      for (const other of await this.list(domain)) {
        if (other.status === "active" && other.selector !== selector) {
          const f = await this.read(domain, other.selector);
          if (f) changed.push(move(f, "retired"));
        }
      }
    }
    // The new key goes active before the old one retires: a crash in between leaves two active keys
    // (activeSelectors picks the newest), never none.
    const updated = move(file, to);
    await this.write(updated);
    for (const f of changed) await this.write(f);
    return [updated, ...changed].map(info);
  }

  /** Domain → the selector PowerMTA should sign with (the most recently activated active key). */
  async activeSelectors(): Promise<Map<string, string>> {
    const out = new Map<string, { selector: string; at: string }>();
    for (const key of await this.list()) {
      if (key.status !== "active") continue;
      const at = key.history[key.history.length - 1]?.at ?? "";
      const current = out.get(key.domain);
      if (!current || at > current.at) out.set(key.domain, { selector: key.selector, at });
    }
    return new Map([...out].map(([d, v]) => [d, v.selector]));
  }
}
