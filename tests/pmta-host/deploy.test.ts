// Deploy over a real OpenSSH sshd with the `pmta` fixture: happy path, idempotence, every fault of
// issue 3 (each asserting the live config is byte for byte the previous good one), backups, host key.
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deployPmtaConfig, type DeployOptions } from "../../reconciler/pmta/host/deploy.ts";
import { startSshd, type SshdPeer } from "../peers/sshd.ts";
import { configWith, deployPaths, liveConfig, lintStub, resetHost } from "./helpers.ts";

let peer: SshdPeer;
beforeAll(async () => {
  peer = await startSshd();
});
afterAll(async () => {
  await peer?.stop();
});
beforeEach(async () => {
  await resetHost(peer);
});

const V1 = configWith(["vmta-a", "vmta-b"], "v1");
const V2 = configWith(["vmta-a", "vmta-b"], "v2");

function options(over: Partial<DeployOptions> = {}): DeployOptions {
  return {
    connection: peer.connection(),
    paths: deployPaths(peer),
    configText: V1,
    lint: lintStub,
    expectedVmtas: ["vmta-a", "vmta-b"],
    keepBackups: 3,
    ...over,
  };
}

function statuses(report: Awaited<ReturnType<typeof deployPmtaConfig>>): Record<string, string> {
  return Object.fromEntries(report.steps.map((s) => [s.step, s.status]));
}

async function clearCommandLog(): Promise<void> {
  await rm(join(peer.dirs.state, "commands.log"), { force: true });
}

describe("deployPmtaConfig", () => {
  it("deploys to an empty host: files in place, reloaded, verified, every step Success", async () => {
    const dkim = join(peer.dirs.etc, "dkim", "example.com.s1.pem");
    const report = await deployPmtaConfig(
      options({ extraFiles: [{ path: dkim, content: "KEY-ONE\n", mode: 0o600 }] }),
    );
    expect(report.error).toBeNull();
    expect(report).toMatchObject({
      ok: true,
      changed: true,
      applied: true,
      rolledBack: false,
      backupPath: null,
    });
    expect(statuses(report)).toEqual({
      lint: "Success",
      connect: "Success",
      lock: "Success",
      "check-loaded": "NotExecuted",
      "read-live": "Success",
      backup: "Success",
      "upload-extra-files": "Success",
      "upload-config": "Success",
      "move-into-place": "Success",
      "test-config": "Success",
      reload: "Success",
      verify: "Success",
      rollback: "NotExecuted",
      unlock: "Success",
    });
    expect(report.steps.every((s) => s.durationMs >= 0)).toBe(true);
    expect(await liveConfig(peer)).toBe(V1);
    expect(await readFile(dkim, "utf8")).toBe("KEY-ONE\n");
    expect((await stat(dkim)).mode & 0o777).toBe(0o600);
    expect(await peer.pmtaCommands()).toEqual([
      "test config",
      "reload",
      "--dom show status",
      "--dom show vmtas",
    ]);
    expect(existsSync(deployPaths(peer).lockPath)).toBe(false);
    expect((await readdir(peer.dirs.etc)).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("a second deploy of the same text changes nothing and says so", async () => {
    const extra = [{ path: join(peer.dirs.etc, "smtp-users"), content: "user secret\n", mode: 0o600 }];
    expect((await deployPmtaConfig(options({ extraFiles: extra }))).applied).toBe(true);
    await clearCommandLog();
    const again = await deployPmtaConfig(options({ extraFiles: extra }));
    expect(again).toMatchObject({ ok: true, changed: false, applied: false, error: null });
    expect(again.steps.find((s) => s.step === "reload")).toEqual({
      step: "reload",
      status: "NotExecuted",
      durationMs: 0,
      detail: "no change: the live config and files equal the rendered ones",
    });
    // Only the read-only check that PowerMTA runs what is on disk.
    expect(await peer.pmtaCommands()).toEqual(["--dom show vmtas"]);
    expect(await readdir(join(peer.dirs.etc, "backup")).catch(() => [])).toHaveLength(0);
  });

  it("refuses a config with lint errors without touching the host", async () => {
    const report = await deployPmtaConfig(options({ configText: `${V1}LINT-ERROR\n` }));
    expect(report.ok).toBe(false);
    expect(report.error).toBe("The rendered config has 1 lint error(s): line 1: marker LINT-ERROR found");
    expect(statuses(report)).toMatchObject({ lint: "Error", connect: "NotExecuted" });
    expect(await liveConfig(peer)).toBeNull();
  });

  it.each([
    { fault: "test-config" as const, failed: "test-config", commands: ["test config"], reloaded: false },
    {
      fault: "reload" as const,
      failed: "reload",
      commands: ["test config", "reload", "reload"],
      reloaded: true,
    },
    {
      fault: "show-vmtas" as const,
      failed: "verify",
      commands: ["test config", "reload", "--dom show status", "--dom show vmtas", "reload"],
      reloaded: true,
    },
  ])(
    "$fault fails → previous config restored byte for byte",
    async ({ fault, failed, commands, reloaded }) => {
      const oldKey = join(peer.dirs.etc, "dkim", "k.pem");
      expect(
        (
          await deployPmtaConfig(
            options({ extraFiles: [{ path: oldKey, content: "OLD-KEY\n", mode: 0o600 }] }),
          )
        ).applied,
      ).toBe(true);
      await clearCommandLog();
      await peer.setFault(fault, { once: true });
      const report = await deployPmtaConfig(
        options({ configText: V2, extraFiles: [{ path: oldKey, content: "NEW-KEY\n", mode: 0o600 }] }),
      );
      expect(report).toMatchObject({ ok: false, changed: true, applied: false, rolledBack: true });
      expect(report.error).toContain("injected failure");
      expect(statuses(report)[failed]).toBe("Error");
      expect(statuses(report).rollback).toBe("Success");
      expect(report.steps.find((s) => s.step === "rollback")?.detail).toContain(
        reloaded ? "reloaded the previous config" : "not reloaded",
      );
      expect(await liveConfig(peer)).toBe(V1);
      expect(await readFile(oldKey, "utf8")).toBe("OLD-KEY\n");
      expect(await readdir(dirname(oldKey))).toEqual(["k.pem"]); // no temp or .prev- copy left behind
      expect(await peer.pmtaCommands()).toEqual(commands);
      expect(existsSync(deployPaths(peer).lockPath)).toBe(false);
    },
  );

  it("a failed first deploy (no previous config) removes the new config and does not reload", async () => {
    await peer.setFault("test-config");
    const key = join(peer.dirs.etc, "dkim", "new.pem");
    const report = await deployPmtaConfig(
      options({ extraFiles: [{ path: key, content: "NEW\n", mode: 0o600 }] }),
    );
    expect(report).toMatchObject({ ok: false, rolledBack: true, backupPath: null });
    expect(await liveConfig(peer)).toBeNull();
    expect(existsSync(key)).toBe(false);
    expect(await peer.pmtaCommands()).toEqual(["test config"]);
  });

  it("only an extra file changed: it is replaced and PowerMTA reloaded, the config is not rewritten", async () => {
    const key = join(peer.dirs.etc, "dkim", "k.pem");
    await deployPmtaConfig(options({ extraFiles: [{ path: key, content: "K1\n", mode: 0o600 }] }));
    const before = (await stat(peer.configPath)).ino;
    await clearCommandLog();
    const report = await deployPmtaConfig(
      options({ extraFiles: [{ path: key, content: "K2\n", mode: 0o600 }] }),
    );
    expect(report).toMatchObject({ ok: true, applied: true, changed: true });
    expect(statuses(report)).toMatchObject({
      "upload-config": "NotExecuted",
      "move-into-place": "NotExecuted",
      reload: "Success",
    });
    expect(await readFile(key, "utf8")).toBe("K2\n");
    expect((await stat(peer.configPath)).ino).toBe(before);
    expect(await peer.pmtaCommands()).toEqual([
      "test config",
      "reload",
      "--dom show status",
      "--dom show vmtas",
    ]);
  });

  it("verify fails when an expected VMTA is not live → restored and reloaded", async () => {
    await deployPmtaConfig(options());
    const report = await deployPmtaConfig(
      options({ configText: V2, expectedVmtas: ["vmta-a", "vmta-b", "vmta-c"] }),
    );
    expect(report.error).toBe("VMTA(s) missing after the reload: vmta-c");
    expect(report.rolledBack).toBe(true);
    expect(await liveConfig(peer)).toBe(V1);
    expect(await readFile(join(peer.dirs.state, "running-config"), "utf8")).toBe(V1);
  });

  it("a connection dropped during an upload leaves the live config intact; the next deploy breaks the stale lock", async () => {
    await deployPmtaConfig(options());
    const big = join(peer.dirs.etc, "big.bin");
    const content = Buffer.alloc(4 * 1024 * 1024, "x");
    const report = await deployPmtaConfig(
      options({
        configText: V2,
        extraFiles: [{ path: big, content, mode: 0o600 }],
        hooks: {
          onUploadChunk: (info, session) => {
            if (info.path === big && info.sent >= 256 * 1024) session.abort();
          },
        },
      }),
    );
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(/connection|closed/i);
    expect(statuses(report)).toMatchObject({
      "upload-extra-files": "Error",
      "upload-config": "NotExecuted",
      rollback: "NotExecuted",
      unlock: "NotExecuted",
    });
    expect(await liveConfig(peer)).toBe(V1);
    expect(existsSync(big)).toBe(false);
    expect(existsSync(deployPaths(peer).lockPath)).toBe(true); // held by the dead deploy

    const blocked = await deployPmtaConfig(options({ configText: V2 }));
    expect(blocked.error).toMatch(/is locked by email-engine deploy on .* since .*another deploy is running/);
    const next = await deployPmtaConfig(
      options({ configText: V2, extraFiles: [{ path: big, content, mode: 0o600 }], staleLockSeconds: 0 }),
    );
    expect(next.ok).toBe(true);
    expect(next.steps.find((s) => s.step === "lock")?.detail).toMatch(
      /^took it after breaking a stale lock of email-engine deploy/,
    );
    expect(await liveConfig(peer)).toBe(V2);
    expect((await readdir(dirname(big))).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect((await readFile(big)).equals(content)).toBe(true);
  });

  it("concurrent deploys: the lock lets them through one at a time, losers fail cleanly", async () => {
    const texts = ["r1", "r2", "r3"].map((m) => configWith(["vmta-a", "vmta-b"], m));
    const reports = await Promise.all(texts.map((t) => deployPmtaConfig(options({ configText: t }))));
    const winners = reports.filter((r) => r.ok);
    const losers = reports.filter((r) => !r.ok);
    expect(winners.length).toBeGreaterThanOrEqual(1);
    for (const r of losers) {
      expect(r.error).toMatch(/is locked by/);
      expect(statuses(r)).toMatchObject({ lock: "Error", "read-live": "NotExecuted", unlock: "NotExecuted" });
    }
    const live = await liveConfig(peer);
    expect(texts.filter((t, i) => reports[i]?.ok)).toContain(live);
    expect(existsSync(deployPaths(peer).lockPath)).toBe(false);
  });

  it("keeps only the last N backups, each a copy of a previous config", async () => {
    let minute = 0;
    const clock = () => new Date(Date.UTC(2026, 10, 24, 12, minute++));
    for (const m of ["b1", "b2", "b3", "b4"]) {
      const r = await deployPmtaConfig(
        options({ configText: configWith(["vmta-a", "vmta-b"], m), keepBackups: 2, clock }),
      );
      expect(r.ok).toBe(true);
    }
    const dir = join(peer.dirs.etc, "backup");
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(["config.20261124T120200000Z", "config.20261124T120300000Z"]);
    expect(await readFile(join(dir, names[0] as string), "utf8")).toBe(
      configWith(["vmta-a", "vmta-b"], "b2"),
    );
    expect(await readFile(join(dir, names[1] as string), "utf8")).toBe(
      configWith(["vmta-a", "vmta-b"], "b3"),
    );
  });

  it("refuses a host whose key is not the pinned one", async () => {
    const other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl other";
    const report = await deployPmtaConfig(options({ connection: { ...peer.connection(), hostKey: other } }));
    expect(report.error).toMatch(
      /^Host key of 127\.0\.0\.1:\d+ does not match the pinned key: expected SHA256:\S+, the host presented SHA256:\S+\. Refusing to connect\.$/,
    );
    expect(statuses(report)).toMatchObject({ connect: "Error", lock: "NotExecuted" });
    expect(await peer.pmtaCommands()).toEqual([]);
    expect(await liveConfig(peer)).toBeNull();
  });
});
