// The deploy scenarios of `email-engine deploy pmta`, run against any test host: the real sshd
// (ssh.test.ts) and the local sandbox (local.test.ts) must pass the same ones.
import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DeployPmtaOptions } from "../../reconciler/cli/deploy.ts";
import { openStore } from "../../reconciler/store/index.ts";
import { DOMAINS, PASSWORD, runDeploy, SECRETS, secretFragments, testEnv, type Run } from "./helpers.ts";

export interface TestHost {
  /** The directory standing for /etc/pmta. */
  etc: string;
  inventory: string;
  vault: string;
  pems: string[];
  /** Extra command options reaching this host (--ssh-host and --file-owner, or --local). */
  options: Partial<DeployPmtaOptions>;
  pmtaCommands(): Promise<string[]>;
  setFault(name: "test-config" | null): Promise<void>;
  /** Empty the host (config dir and stand-in state). */
  reset(): Promise<void>;
  /** Other places a secret could leak to (sshd's log). */
  logs(): string;
  /** Private keys the host's transport uses (the SSH user key). */
  transportSecrets: string[];
}

const DEPLOYED_COMMANDS = ["test config", "reload", "--dom show status", "--dom show vmtas"];
/** Read-only: observing (and a deploy that changes nothing) checks that what runs is what is on disk. */
const CHECK_LOADED = "--dom show vmtas";

export function deployScenarios(name: string, setup: () => Promise<TestHost>): void {
  describe(`deploy pmta through ${name}`, () => {
    let host: TestHost;
    let dataDir: string;
    const runs: Run[] = [];
    const deploy = async (
      options: Partial<DeployPmtaOptions>,
      secrets?: Record<string, string | undefined>,
    ) => {
      const run = await runDeploy(
        { inventory: host.inventory, vault: host.vault, ...host.options, ...options },
        testEnv(dataDir),
        secrets,
      );
      runs.push(run);
      return run;
    };
    const live = () => readFile(join(host.etc, "config"), "utf8");

    beforeAll(async () => {
      host = await setup();
      dataDir = join(host.inventory, "..", "data");
      // Seven healthy days for 203.0.113.10: on 2026-11-30 pmta-vmta0 is on day 8, the 200/d step.
      const store = await openStore({ dataDir });
      for (const day of ["23", "24", "25", "26", "27", "28", "29"])
        await store.ledger.judge("203.0.113.10", `2026-11-${day}`, "advance", "healthy", 50);
      await store.close();
    });
    beforeEach(async () => {
      await host.reset();
    });

    it("first deploy writes config, DKIM keys and smtp-users (0600); a redeploy, or a new date or revision with the same quotas, does not reload", async () => {
      const first = await deploy({ date: "2026-11-24" });
      expect(first.error).toBeNull();
      expect(first.code).toBe(0);
      expect(first.out).toContain("no live config: everything is new");
      expect(first.out).toContain("deployed: the new config is live and verified");
      expect(first.out).toMatch(/^reload +Success +\d+ ms/m);
      const config = await live();
      expect(config).toContain("# inventory revision: rev-1\n");
      expect(config).toContain("# warm-up date: 2026-11-24\n");
      expect(config.match(/max-smtp-msg-rate 50\/d/g)).toHaveLength(3);
      expect(config).toContain(`include ${join(host.etc, "smtp-users.conf")}`);
      for (const [i, domain] of DOMAINS.entries()) {
        const file = join(host.etc, "dkim", `${domain}.ee1.pem`);
        expect(await readFile(file, "utf8")).toBe(host.pems[i]);
        expect((await stat(file)).mode & 0o777).toBe(0o600);
        expect(config).toContain(`domain-key ee1, ${domain}, ${file}`);
      }
      const users = join(host.etc, "smtp-users.conf");
      expect(await readFile(users, "utf8")).toContain(`    password ${PASSWORD}\n`);
      expect((await stat(users)).mode & 0o777).toBe(0o600);
      expect(await host.pmtaCommands()).toEqual(DEPLOYED_COMMANDS);

      const again = await deploy({ date: "2026-11-24" });
      expect(again.code).toBe(0);
      expect(again.out).toContain("in sync: the live config and files equal the rendered ones");
      expect(again.out).toContain("no change: nothing written, PowerMTA not reloaded");
      expect(again.out).toMatch(/^reload +NotExecuted/m);

      // Same quotas, new header (date, revision): equivalent, so the file stays and nothing reloads.
      const later = await deploy({ date: "2026-11-25", revision: "rev-2" });
      expect(later.code).toBe(0);
      expect(later.out).toContain("no change: nothing written, PowerMTA not reloaded");
      expect(await live()).toBe(config);
      // Two redeploys, each observing then checking the loaded config: reads only, no reload.
      expect(await host.pmtaCommands()).toEqual([
        ...DEPLOYED_COMMANDS,
        ...Array<string>(4).fill(CHECK_LOADED),
      ]);
    });

    it("a quota change shows as drift in --dry-run (exit 2, nothing touched), then deploys and reloads", async () => {
      expect((await deploy({ date: "2026-11-30" })).code).toBe(0);
      const before = await live();
      expect(before).not.toContain("200/d");

      const dry = await deploy({ date: "2026-11-30", ledger: true, dataDir, dryRun: true });
      expect(dry.error).toBeNull();
      expect(dry.code).toBe(2);
      expect(dry.out).toContain("~ virtual-mta pmta-vmta0\n");
      expect(dry.out).toMatch(/^ {4}~ max-smtp-msg-rate: 50\/d → 200\/d$/m);
      expect(dry.out).toMatch(/^ {4}~ <domain gmail\.com> max-msg-rate: 1\/h → 5\/h$/m);
      expect(dry.out).not.toContain("virtual-mta pmta-vmta1");
      expect(dry.out).not.toMatch(/^STEP/m);
      expect(await live()).toBe(before);
      expect(await host.pmtaCommands()).toEqual([...DEPLOYED_COMMANDS, CHECK_LOADED]);

      const real = await deploy({ date: "2026-11-30", ledger: true, dataDir });
      expect(real.code).toBe(0);
      expect(real.out).toContain("deployed: the new config is live and verified");
      expect(await live()).toContain("max-smtp-msg-rate 200/d");
      // The dry run and the deploy each observe first (one read each), then the deploy runs.
      expect(await host.pmtaCommands()).toEqual([
        ...DEPLOYED_COMMANDS,
        CHECK_LOADED,
        CHECK_LOADED,
        ...DEPLOYED_COMMANDS,
      ]);
      expect(existsSync(join(host.etc, "backup"))).toBe(true);
      expect(await readdir(join(host.etc, "backup"))).toHaveLength(1);

      const inSync = await deploy({ date: "2026-11-30", ledger: true, dataDir, dryRun: true });
      expect(inSync.code).toBe(0);
      expect(inSync.out).toContain("in sync");
    });

    it("--dry-run on an empty host lists everything as new and writes nothing", async () => {
      const dry = await deploy({ date: "2026-11-24", dryRun: true });
      expect(dry.code).toBe(2);
      expect(dry.out).toContain("no live config: everything is new\n+ virtual-mta pmta-vmta0");
      expect(dry.out).toContain(`+ file ${join(host.etc, "dkim", "sos-mail.com.ee1.pem")}`);
      expect(dry.out).toContain(`+ file ${join(host.etc, "smtp-users.conf")}`);
      expect(await readdir(host.etc)).toEqual([]);
      expect(await host.pmtaCommands()).toEqual([]);
    });

    it("a missing SMTP password stops before anything connects or is written", async () => {
      const run = await deploy({ date: "2026-11-24" }, { ...SECRETS, PMTA_SMTP_PASSWORD: undefined });
      expect(run.code).toBeNull();
      expect(run.error?.name).toBe("ConfigError");
      expect(run.error?.message).toBe(
        "servers.pmta.pmta.smtpPassword: environment variable PMTA_SMTP_PASSWORD is not set",
      );
      expect((run.error as { details?: string[] }).details).toContain(
        "    fix: export PMTA_SMTP_PASSWORD=… (at least 12 characters, no '#' or blanks) before deploying",
      );
      expect(run.out).toBe("");
      expect(await readdir(host.etc)).toEqual([]);
      expect(await host.pmtaCommands()).toEqual([]);
    });

    it("a failing `pmta test config` exits 1 and leaves the previous config in place", async () => {
      expect((await deploy({ date: "2026-11-24" })).code).toBe(0);
      const before = await live();
      await host.setFault("test-config");
      const run = await deploy({ date: "2026-12-01" });
      expect(run.code).toBe(1);
      expect(run.out).toMatch(/^test-config +Error/m);
      expect(run.out).toContain("FAILED: pmta test config failed");
      expect(run.out).toContain("(the previous config was restored)");
      expect(await live()).toBe(before);
    });

    it("no secret (SMTP password, DKIM or SSH private key) appears in any output", () => {
      expect(runs.length).toBe(11);
      const text = [
        ...runs.flatMap((r) => [
          r.out,
          r.err,
          r.error?.message ?? "",
          ...((r.error as { details?: string[] })?.details ?? []),
        ]),
        host.logs(),
      ].join("\n");
      for (const secret of secretFragments(host.pems, host.transportSecrets))
        expect({ leaked: text.includes(secret) }).toEqual({ leaked: false });
    });
  });
}
