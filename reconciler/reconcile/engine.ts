// Assembles a reconciler from options: the source (git branch or directory), the store, the records
// and the ports of every system the inventory names (production: SSH and MailWizz; embedded: a local
// PowerMTA sandbox and the MailWizz emulator). Used by `plan`, `apply` and `run`.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readSecret } from "../inventory/secrets.ts";
import { ConfigError } from "../errors.ts";
import { DkimVault } from "../dkim/index.ts";
import { entries } from "../inventory/model.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { PmtaSubmission } from "../mailwizz/reconcile/index.ts";
import type { MailwizzTarget } from "../mailwizz/target/index.ts";
import {
  mailwizzServerNames,
  openEmbeddedMailwizzTarget,
  openMailwizzTarget,
} from "../mailwizz/target/index.ts";
import { DEFAULT_TEMPLATE_DIR, loadPmtaTemplates } from "../pmta/config/index.ts";
import { LocalHost } from "../pmta/local/index.ts";
import type { SshOverride } from "../pmta/target/settings.ts";
import { ReconcileRecords } from "../record/index.ts";
import type { InventorySource } from "../source/index.ts";
import { DirectorySource, GitSource } from "../source/index.ts";
import type { Store } from "../store/index.ts";
import { openStore } from "../store/index.ts";
import { embeddedPaths, embeddedSecrets, ensureEmbeddedDkim } from "./embedded.ts";
import { mailwizzPort } from "./mailwizz-port.ts";
import { pmtaPort } from "./pmta-port.ts";
import type { MailwizzPort, PmtaPort } from "./ports.ts";
import type { ReconcilerMemory } from "./tick.ts";

export const TARGET = "platform";
/** The message of a run a crashed engine left open. */
export const INTERRUPTED = "the engine stopped during this run";

/**
 * Where `email-engine suspend` leaves its mark when the store is the embedded PGlite, which only one
 * process may open: the daemon reads this file on each tick. With PostgreSQL the store carries it.
 */
export function suspendFile(home: string): string {
  return join(home, "suspended");
}

export interface EngineOptions {
  readonly mode: "embedded" | "production";
  readonly inventory: string;
  readonly repo?: { readonly url: string; readonly branch: string; readonly path: string } | undefined;
  /** Root of the engine's own files: data/, dkim/, git cache, and embedded/ for the embedded default. */
  readonly home: string;
  readonly databaseUrl: string | undefined;
  readonly vault?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  /** Connect to the PowerMTA host here instead of its inventory address (SSH tunnels, tests). */
  readonly sshOverride?: SshOverride | undefined;
  /** Owner of the key files uploaded to PowerMTA hosts (user:group); null keeps the SSH user's. */
  readonly fileOwner?: string | null | undefined;
}

export interface Engine {
  readonly source: InventorySource;
  readonly store: Store;
  readonly records: ReconcileRecords;
  readonly memory: ReconcilerMemory;
  readonly ports: (
    inventory: Inventory,
  ) => Promise<{ pmta: readonly PmtaPort[]; mailwizz: readonly MailwizzPort[] }>;
  /** The MailWizz installs of the inventory (API clients per tenant), opened with the ports. */
  readonly mailwizzTargets: (inventory: Inventory) => Promise<readonly MailwizzTarget[]>;
  /** Where `env:` secret references resolve: the process environment, or the embedded default's own. */
  secrets(): Readonly<Record<string, string | undefined>>;
  /** Why the target is suspended (`email-engine suspend`), or undefined. */
  suspended(): Promise<string | undefined>;
  /** URLs of the embedded stand-ins, for the operator to look at. */
  readonly standIns: () => readonly string[];
  close(): Promise<void>;
}

async function submissionOf(
  inventory: Inventory,
  secrets: Readonly<Record<string, string | undefined>>,
): Promise<PmtaSubmission> {
  const pmta = entries(inventory.servers).find(([, s]) => s.role === "pmta");
  if (!pmta) throw new ConfigError("the inventory has no PowerMTA server");
  const [name, server] = pmta;
  const ref = server.pmta?.smtpPassword;
  if (!ref) {
    throw new ConfigError(
      `servers.${name}.pmta.smtpPassword is not set: MailWizz could not authenticate to PowerMTA`,
      ["    fix: add `smtpPassword: { env: PMTA_SMTP_PASSWORD }` under the server's `pmta:`"],
    );
  }
  const listener = (server.pmta?.listeners ?? ["0/0:587"]).find((l) => !l.startsWith("127."));
  const port = Number(listener?.split(":").at(-1) ?? 587);
  return {
    port,
    protocol: server.pmta?.tlsCertificate ? "starttls" : "",
    username: server.pmta?.smtpUser ?? "mailwizz",
    password: await readSecret(ref, secrets, `servers.${name}.pmta.smtpPassword`),
    fromLocalPart: "bounce",
  };
}

export async function openEngine(options: EngineOptions): Promise<Engine> {
  const embedded = options.mode === "embedded" ? embeddedPaths(join(options.home, "embedded")) : undefined;
  const source: InventorySource = options.repo
    ? new GitSource({ ...options.repo, cacheDir: join(options.home, "git", "inventory.git") })
    : new DirectorySource(options.inventory);
  const store = await openStore({
    databaseUrl: options.databaseUrl,
    dataDir: embedded ? embedded.data : join(options.home, "data"),
  });
  const records = new ReconcileRecords(store.sql);
  // Runs left open by a crash are closed here only when the store is this process's own (PGlite): on a
  // shared PostgreSQL an open run may be another daemon's, in flight; the daemon closes them once it
  // holds the reconcile lock (cli/run.ts).
  if (!options.databaseUrl) await records.closeInterrupted(options.now(), INTERRUPTED);
  const status = await records.getStatus(TARGET);
  const owned = await records.listOwned({ system: "mailwizz", kind: "delivery-server" });
  const memory: ReconcilerMemory = {
    lastGood: undefined,
    lastAppliedRevision: status?.lastAppliedRevision ?? undefined,
    owned: new Set(owned.map((o) => o.name)),
  };
  const templates = await loadPmtaTemplates(DEFAULT_TEMPLATE_DIR);
  let secretsInUse: Readonly<Record<string, string | undefined>> = options.env;
  let opened: { pmta: PmtaPort[]; mailwizz: MailwizzPort[]; targets: MailwizzTarget[] } | undefined;
  const standIns: string[] = [];

  const ports = async (inventory: Inventory) => {
    if (opened) return opened;
    const pmtaHosts = entries(inventory.servers)
      .filter(([, s]) => s.role === "pmta")
      .map(([n]) => n);
    const mailwizzNames = mailwizzServerNames(inventory);
    let secrets: Readonly<Record<string, string | undefined>> = options.env;
    let vault = new DkimVault(options.vault ?? join(options.home, "dkim"));
    const pmta: PmtaPort[] = [];
    const targets: MailwizzTarget[] = [];
    if (embedded) {
      const own = await embeddedSecrets(embedded, inventory);
      secrets = own;
      secretsInUse = own;
      standIns.push(
        `secrets (API keys, webhook and SMTP secrets, made for this sandbox): ${embedded.secrets}`,
      );
      await ensureEmbeddedDkim(embedded, inventory, own, options.now());
      vault = new DkimVault(embedded.vault);
      for (const host of pmtaHosts) {
        const local = await LocalHost.prepare(join(embedded.pmta, host));
        standIns.push(`PowerMTA ${host}: local sandbox ${local.dirs.etc} (stands for /etc/pmta)`);
        pmta.push(pmtaPort({ host, secrets, vault, templates, local }));
      }
      for (const name of mailwizzNames) {
        const target = await openEmbeddedMailwizzTarget(inventory, name);
        standIns.push(`MailWizz ${name}: emulator at ${target.emulator.baseUrl}`);
        targets.push(target);
      }
    } else {
      for (const host of pmtaHosts) {
        pmta.push(
          pmtaPort({
            host,
            secrets,
            vault,
            templates,
            ...(options.sshOverride ? { sshOverride: options.sshOverride } : {}),
            ...(options.fileOwner !== undefined ? { fileOwner: options.fileOwner } : {}),
          }),
        );
      }
      for (const name of mailwizzNames) targets.push(await openMailwizzTarget(inventory, name, secrets));
    }
    const submission = await submissionOf(inventory, secrets);
    opened = { pmta, mailwizz: targets.map((t) => mailwizzPort(t, submission)), targets };
    return opened;
  };

  return {
    source,
    store,
    records,
    memory,
    ports,
    mailwizzTargets: async (inventory) => (await ports(inventory)).targets,
    secrets: () => secretsInUse,
    async suspended() {
      const file = await readFile(suspendFile(options.home), "utf8").catch(() => undefined);
      if (file !== undefined) return file.trim() || "suspended by an operator";
      // Without PostgreSQL the file alone decides (the daemon records "suspended" itself).
      if (options.databaseUrl === undefined) return undefined;
      const status = await records.getStatus(TARGET);
      return status?.state === "suspended" ? status.message : undefined;
    },
    standIns: () => standIns,
    async close() {
      if (opened) await Promise.all(opened.mailwizz.map((p) => p.close()));
      await store.close();
    },
  };
}
