// `deploy pmta --local DIR`: the same scenarios as over SSH, through the local sandbox host that the
// embedded default uses (no sshd, no PowerMTA on the machine). The inventory needs no ssh section.
import { existsSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalHost } from "../../reconciler/pmta/local/index.ts";
import { deployPmtaConfig } from "../../reconciler/pmta/host/deploy.ts";
import { sh } from "../../reconciler/pmta/host/quote.ts";
import { silentLogger } from "../../reconciler/pmta/host/log.ts";
import { runDeploy, tempRoot, testEnv, writeInventory, writeVault } from "./helpers.ts";
import { deployScenarios } from "./scenarios.ts";

let root: string | undefined;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

deployScenarios("the local sandbox", async () => {
  root = await tempRoot("pmta-deploy-local-");
  const sandbox = join(root, "host");
  const local = await LocalHost.prepare(sandbox);
  const inventory = await writeInventory(root, {});
  const vault = await writeVault(root);
  return {
    etc: local.dirs.etc,
    inventory,
    vault: vault.dir,
    pems: vault.pems,
    options: { local: sandbox },
    pmtaCommands: () => local.pmtaCommands(),
    setFault: (name) => local.setFault(name),
    reset: async () => {
      await rm(sandbox, { recursive: true, force: true });
      await LocalHost.prepare(sandbox);
    },
    logs: () => "",
    transportSecrets: [],
  };
});

describe("deploy pmta: DKIM keys from the vault", () => {
  it("a key missing from the vault is a ConfigError naming the domain, selector and the fix; nothing is written", async () => {
    const dir = await tempRoot("pmta-deploy-novault-");
    try {
      const inventory = await writeInventory(dir, {});
      const sandbox = join(dir, "host");
      const run = await runDeploy(
        { inventory, date: "2026-11-24", vault: join(dir, "empty-vault"), local: sandbox },
        testEnv(dir),
      );
      expect(run.error?.message).toBe(
        `the config for pmta signs expat-connect.com with selector ee1, but the DKIM vault ${join(dir, "empty-vault")} has no such key`,
      );
      expect((run.error as { details?: string[] }).details).toEqual([
        "    fix: email-engine dkim generate --domain expat-connect.com --selector ee1, then publish its TXT record (domains.expat-connect.com.dkim.selector)",
      ]);
      expect(await readdir(join(sandbox, "etc"))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("signing with a key that is not active yet deploys, with a warning", async () => {
    const dir = await tempRoot("pmta-deploy-pending-");
    try {
      const inventory = await writeInventory(dir, {});
      const vault = await writeVault(dir, "ulixai-mail.com");
      const run = await runDeploy(
        { inventory, date: "2026-11-24", vault: vault.dir, local: join(dir, "host") },
        testEnv(dir),
      );
      expect(run.code).toBe(0);
      expect(run.err).toBe(
        "warning: ulixai-mail.com signs with selector ee1 whose key is pending in the vault (is its TXT record published?)",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("LocalHost", () => {
  it("an aborted session during an upload leaves the live config intact and the lock held", async () => {
    const dir = await tempRoot("pmta-local-abort-");
    try {
      const local = await LocalHost.prepare(dir);
      const etc = local.dirs.etc;
      const base = {
        transport: local,
        paths: {
          configPath: join(etc, "config"),
          backupDir: join(etc, "backup"),
          lockPath: join(etc, ".lock"),
        },
        lint: () => [],
        expectedVmtas: [],
        keepBackups: 2,
      };
      const v1 = "postmaster a@example.com\n";
      expect((await deployPmtaConfig({ ...base, configText: v1 })).applied).toBe(true);
      const big = join(etc, "big.bin");
      const report = await deployPmtaConfig({
        ...base,
        configText: "postmaster b@example.com\n",
        extraFiles: [{ path: big, content: Buffer.alloc(4 * 1024 * 1024, "x"), mode: 0o600 }],
        hooks: {
          onUploadChunk: (info, session) => {
            if (info.sent >= 256 * 1024) session.abort();
          },
        },
      });
      expect(report.ok).toBe(false);
      expect(report.error).toMatch(/closed/);
      expect(await readFile(join(etc, "config"), "utf8")).toBe(v1);
      expect(existsSync(big)).toBe(false);
      expect(existsSync(join(etc, ".lock"))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses paths outside its sandbox, before running anything", async () => {
    const dir = await tempRoot("pmta-local-refuse-");
    try {
      const local = await LocalHost.prepare(dir);
      const session = await local.open(silentLogger);
      expect(() =>
        session.confine([join(local.dirs.etc, "config"), join(local.dirs.etc, "dkim/a.pem")]),
      ).not.toThrow();
      expect(() => session.confine(["/etc/pmta/config"])).toThrow(
        `the local PowerMTA sandbox only writes inside ${local.dirs.etc}; refused: /etc/pmta/config`,
      );
      expect(() => session.confine([join(local.dirs.etc, "../state/x")])).toThrow(/refused/);
      const report = await deployPmtaConfig({
        transport: local,
        paths: { configPath: "/etc/pmta/config", backupDir: "/etc/pmta/backup", lockPath: "/etc/pmta/.lock" },
        configText: "postmaster postmaster@example.com\n",
        lint: () => [],
        expectedVmtas: [],
        keepBackups: 1,
      });
      expect(report.ok).toBe(false);
      expect(report.error).toMatch(/^the local PowerMTA sandbox only writes inside /);
      expect(report.steps.find((s) => s.step === "lock")?.status).toBe("NotExecuted");
      expect(await local.pmtaCommands()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs commands with stdin, a bounded output and a time limit, in a minimal environment", async () => {
    const dir = await tempRoot("pmta-local-exec-");
    try {
      const local = await LocalHost.prepare(dir, { execTimeoutMs: 2_000 });
      const session = await local.open(silentLogger);
      const echo = await session.run(sh`cat; printf %s "$PMTA_SMTP_PASSWORD"`, "cat", { stdin: "hello" });
      expect(echo.stdout.toString()).toBe("hello");
      await expect(session.run(sh`head -c 5000 /dev/zero`, "big", { maxOutputBytes: 1000 })).rejects.toThrow(
        /exceeds 1000 bytes/,
      );
      await expect(session.run(sh`sleep 5`, "sleep", { timeoutMs: 200 })).rejects.toThrow(
        /timed out after 200 ms/,
      );
      expect((await session.exec(sh`exit 3`)).code).toBe(3);
      expect((await session.run(sh`pmta --dom show status`, "status")).stdout.toString()).toContain(
        'status.status="running"',
      );
      session.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
