// The production platform on loopback for the end-to-end tests: the inventory in a bare git repository,
// PowerMTA behind a real sshd (the `pmta` stand-in), MailWizz played by the emulator over a MariaDB
// database of its own, and the engine's home (DKIM vault, PGlite store) in a temp dir. Every secret
// reaches the engine through CliEnvironment.secrets (or the child's environment), never the inventory.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RowDataPacket } from "mysql2/promise";
import type { CliEnvironment } from "../../reconciler/cli/context.ts";
import { DkimVault, generateDkimKey } from "../../reconciler/dkim/index.ts";
import { openMysqlServerSource } from "../../reconciler/mailwizz/delivery-servers/index.ts";
import type { MysqlServerSource } from "../../reconciler/mailwizz/delivery-servers/index.ts";
import { startMailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import { applyCommand, planCommand } from "../../reconciler/cli/reconcile.ts";
import type { ReconcileOptions } from "../../reconciler/cli/reconcile.ts";
import { runCommand } from "../../reconciler/cli/run.ts";
import { BASE_INVENTORY } from "../helpers/inventory.ts";
import { MARIADB, secretFile, throwawayDatabase } from "../mailwizz-target/fixtures.ts";
import { ACCT_HEADER } from "../pmta-host/fixtures.ts";
import { DOMAINS, MASTER_KEY, PASSWORD } from "../pmta-deploy/helpers.ts";
import { ReconcileRecords } from "../../reconciler/record/index.ts";
import { openStore } from "../../reconciler/store/index.ts";
import type { Store } from "../../reconciler/store/index.ts";
import { startSshd } from "../peers/sshd.ts";
import type { SshdPeer } from "../peers/sshd.ts";

export const API_KEYS = {
  MAILWIZZ_API_KEY_SOS_EXPAT: "sos-key-0123456789abcdef",
  MAILWIZZ_API_KEY_ULIXAI: "ulixai-key-0123456789abcdef",
};

/** The sixth IP the tests commit. */
export const SIXTH_IP = [
  "  - address: 203.0.113.15",
  "    hostname: mail2.sos-mail.com",
  "    domain: sos-mail.com",
  "    vmta: pmta-vmta5",
  "    server: pmta",
  "    warmup: { start: 2026-11-23 }",
  "",
].join("\n");

export interface Edit {
  readonly file: string;
  readonly replace?: string;
  readonly with?: string;
  readonly append?: string;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    [
      "-c",
      "user.name=Operator",
      "-c",
      "user.email=ops@example.com",
      "-c",
      "init.defaultBranch=main",
      ...args,
    ],
    { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  ).trim();
}

export type Command = "plan" | "apply" | "run";

export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The platform's clock: 10:00 UTC (11:00 in Paris) on `day`. */
export function at(day: string): () => Date {
  return () => new Date(`${day}T10:00:00Z`);
}

export interface Platform {
  readonly sshd: SshdPeer;
  readonly emulator: MailwizzEmulator;
  readonly home: string;
  readonly origin: string;
  readonly acctDir: string;
  readonly secrets: Readonly<Record<string, string>>;
  /** Arguments naming the platform: --repo … --ssh-host … --home … --file-owner …. */
  readonly args: readonly string[];
  readonly options: ReconcileOptions;
  commit(message: string, edits: readonly Edit[]): Promise<string>;
  /** Runs `plan`, `apply --yes` or `run --once` in process against the platform. */
  run(command: Command, env?: Partial<CliEnvironment>): Promise<CommandRun>;
  liveConfig(): Promise<string>;
  /** What the stand-in PowerMTA last reloaded. */
  runningConfig(): Promise<string>;
  deliveryServers(): Promise<{ name: string; daily_quota: number; status: string }[]>;
  tableChecksum(): Promise<string>;
  /** Opens the engine's store (PGlite under the home, or `databaseUrl`) and reads it; closes it after. */
  records<T>(read: (records: ReconcileRecords, store: Store) => Promise<T>, databaseUrl?: string): Promise<T>;
  /** Makes the stand-in's `pmta COMMAND` wait until release() (a deploy caught in the middle). */
  hold(command: "reload" | "test-config"): Promise<void>;
  release(command: "reload" | "test-config"): Promise<void>;
  /** Appends records to the accounting file (acct.csv; its header first). */
  appendAccounting(rows: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

async function writeVault(dir: string): Promise<void> {
  const vault = new DkimVault(dir);
  const master = Buffer.from(MASTER_KEY, "base64");
  const at = new Date("2026-11-20T10:00:00Z");
  for (const domain of DOMAINS) {
    await vault.create(domain, "ee1", await generateDkimKey(1024), master, at);
    await vault.setStatus(domain, "ee1", "published", at);
    await vault.setStatus(domain, "ee1", "active", at);
  }
}

export async function startPlatform(setup: { inventory?: readonly Edit[] } = {}): Promise<Platform> {
  const root = await mkdtemp(join(tmpdir(), "ee-e2e-"));
  const sshd = await startSshd();
  const db = await throwawayDatabase();
  const dbPassword = await secretFile(MARIADB.password);
  const source: MysqlServerSource = openMysqlServerSource({ ...MARIADB, database: db.name });
  const emulator = await startMailwizzEmulator({
    access: { version: "2.x", apiKey: API_KEYS.MAILWIZZ_API_KEY_SOS_EXPAT },
    customers: [{ apiKey: API_KEYS.MAILWIZZ_API_KEY_ULIXAI, customerId: 2 }],
    deliveryServers: source,
  });
  const home = join(root, "home");
  const acctDir = join(sshd.dirs.root, "acct");
  await mkdir(acctDir, { recursive: true });
  await writeVault(join(home, "dkim"));

  const origin = join(root, "origin.git");
  const work = join(root, "work");
  git(root, "init", "-q", "--bare", origin);
  git(root, "clone", "-q", origin, work);
  const inv = join(work, "inventory");
  await cp(BASE_INVENTORY, inv, { recursive: true });
  const servers = await readFile(join(inv, "servers.yaml"), "utf8");
  const mailwizz = [
    "    hostname: mw.sos-mail.com",
    "    address: 198.51.100.30",
    "    mailwizz:",
    `      apiUrl: ${JSON.stringify(emulator.baseUrl)}`,
    "      version: 2",
    "      database:",
    `        host: ${MARIADB.host}`,
    `        port: ${MARIADB.port}`,
    `        name: ${db.name}`,
    `        user: ${MARIADB.user}`,
    `        password: { file: ${JSON.stringify(dbPassword.path)} }`,
    "        tunnel: false",
  ].join("\n");
  const pmta = [
    "    address: 198.51.100.20",
    "    ssh:",
    `      user: ${JSON.stringify(sshd.username)}`,
    `      hostKey: ${JSON.stringify(sshd.hostKey)}`,
    "      privateKey: { env: PMTA_SSH_KEY }",
    "    pmta:",
    "      postmaster: postmaster@sos-mail.com",
    "      smtpUser: mailwizz",
    "      smtpPassword: { env: PMTA_SMTP_PASSWORD }",
    `      configDir: ${JSON.stringify(sshd.dirs.etc)}`,
    `      accountingDir: ${JSON.stringify(acctDir)}`,
    "      keepBackups: 3",
    "",
  ].join("\n");
  await writeFile(
    join(inv, "servers.yaml"),
    `${servers.replace("    hostname: mw.sos-mail.com", mailwizz).trimEnd()}\n${pmta}`,
  );

  const commit = async (message: string, edits: readonly Edit[]): Promise<string> => {
    for (const edit of edits) {
      const path = join(inv, edit.file);
      let text = await readFile(path, "utf8");
      if (edit.replace !== undefined) {
        if (!text.includes(edit.replace)) throw new Error(`${edit.file} has no ${edit.replace}`);
        text = text.replace(edit.replace, edit.with ?? "");
      }
      if (edit.append !== undefined) text = `${text.trimEnd()}\n${edit.append}`;
      await writeFile(path, text);
    }
    git(work, "add", "-A");
    git(work, "commit", "-q", "--allow-empty", "-m", message);
    git(work, "push", "-q", "origin", "main");
    return git(work, "rev-parse", "HEAD");
  };
  await commit("the seed inventory", setup.inventory ?? []);

  const secrets = {
    PMTA_SSH_KEY: sshd.privateKey,
    PMTA_SMTP_PASSWORD: PASSWORD,
    EMAIL_ENGINE_MASTER_KEY: MASTER_KEY,
    ...API_KEYS,
  };
  // The sshd runs as the test's user: the key files keep their uploader's owner (no pmta user here).
  const options: ReconcileOptions = {
    inventory: "inventory",
    repo: origin,
    branch: "main",
    path: "inventory",
    sshHost: `127.0.0.1:${sshd.port}`,
    home,
    fileOwner: "-",
  };
  const args = [
    "--repo",
    origin,
    "--branch",
    "main",
    "--path",
    "inventory",
    "--ssh-host",
    `127.0.0.1:${sshd.port}`,
    "--home",
    home,
    "--file-owner",
    "-",
  ];
  const table = "mw_delivery_server";
  return {
    sshd,
    emulator,
    home,
    origin,
    acctDir,
    secrets,
    args,
    options,
    commit,
    async run(command, env = {}) {
      let stdout = "";
      let stderr = "";
      const output = {
        out: (t: string) => (stdout += t.endsWith("\n") ? t : `${t}\n`),
        err: (t: string) => (stderr += t.endsWith("\n") ? t : `${t}\n`),
      };
      const environment: CliEnvironment = {
        now: at("2026-11-24"),
        databaseUrl: undefined,
        dataDir: join(home, "data"),
        home,
        secrets,
        ...env,
      };
      const code =
        command === "plan"
          ? await planCommand(options, environment, output)
          : command === "apply"
            ? await applyCommand({ ...options, yes: true }, environment, output)
            : await runCommand(
                { ...options, once: true, listen: "127.0.0.1:0", interval: "60" },
                environment,
                output,
                new Promise(() => undefined),
              );
      return { code, stdout, stderr };
    },
    liveConfig: () => readFile(sshd.configPath, "utf8"),
    runningConfig: () => readFile(join(sshd.dirs.state, "running-config"), "utf8"),
    async deliveryServers() {
      const [rows] = await db.admin.query<RowDataPacket[]>(
        `SELECT name, daily_quota, status FROM \`${db.name}\`.${table} ORDER BY name, server_id`,
      );
      return rows.map((r) => ({
        name: String(r["name"]),
        daily_quota: Number(r["daily_quota"]),
        status: String(r["status"]),
      }));
    },
    async tableChecksum() {
      const [rows] = await db.admin.query<RowDataPacket[]>(
        `SELECT * FROM \`${db.name}\`.${table} ORDER BY server_id`,
      );
      return createHash("sha256").update(JSON.stringify(rows)).digest("hex");
    },
    async records(read, databaseUrl) {
      const store = await openStore({ databaseUrl, dataDir: join(home, "data") });
      try {
        return await read(new ReconcileRecords(store.sql), store);
      } finally {
        await store.close();
      }
    },
    hold: (command) => writeFile(join(sshd.dirs.state, `fail-${command}`), "hang\n"),
    release: (command) => rm(join(sshd.dirs.state, `fail-${command}`), { force: true }),
    async appendAccounting(rows) {
      const file = join(acctDir, "acct.csv");
      const head = existsSync(file) ? [] : [ACCT_HEADER];
      await appendFile(file, [...head, ...rows].join("\n") + "\n");
    },
    async close() {
      await emulator.close();
      await source.close();
      await db.drop();
      await dbPassword.remove();
      await sshd.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
