// The daemon killed (SIGKILL) in the middle of an apply: its PowerMTA deploy is caught in `pmta reload`
// (the stand-in waits there) when the process dies, leaving the host's deploy lock behind and the run
// open in the store. The next apply converges: no duplicate delivery server or VMTA, backups pruned to
// keepBackups, the killed run closed, and the lock broken once it is stale.
import { spawn } from "node:child_process";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIXTH_IP, startPlatform } from "./platform.ts";
import { count, reloads, throwawayPostgres, until } from "./support.ts";
import type { Platform } from "./platform.ts";

const CHILD = fileURLToPath(new URL("./daemon-child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const VMTAS = ["pmta-vmta0", "pmta-vmta1", "pmta-vmta2", "pmta-vmta3", "pmta-vmta4", "pmta-vmta5"];

let platform: Platform;
let database: Awaited<ReturnType<typeof throwawayPostgres>>;
beforeAll(async () => {
  [platform, database] = await Promise.all([startPlatform(), throwawayPostgres()]);
}, 60_000);
afterAll(async () => {
  await platform?.release("reload");
  await platform?.close();
  await database?.drop();
});

describe("SIGKILL during an apply", () => {
  it("the next apply converges with no duplicates and the stale lock broken", async () => {
    const env = { databaseUrl: database.url };
    // A few applies first, so there are backups to multiply.
    expect((await platform.run("apply", env)).code).toBe(0);
    for (const edit of ["pmta-vmta3", "pmta-vmta4"]) {
      await platform.commit(`start ${edit} now`, [
        { file: "ips.yaml", replace: "warmup: { start: 2026-11-30 }", with: "warmup: { start: 2026-11-24 }" },
      ]);
      expect((await platform.run("apply", env)).code, edit).toBe(0);
    }
    await platform.commit("a sixth IP", [{ file: "ips.yaml", append: SIXTH_IP }]);

    await platform.hold("reload");
    const before = await reloads(platform);
    const args = [CHILD, JSON.stringify(platform.options), "2026-11-24T10:00:00Z"];
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        ...platform.secrets,
        DATABASE_URL: database.url,
        EMAIL_ENGINE_HOME: platform.home,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let childOutput = "";
    child.stdout.on("data", (c: Buffer) => (childOutput += c.toString()));
    child.stderr.on("data", (c: Buffer) => (childOutput += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_, s) => resolve(s)));
    await until(
      () => `the child's reload (exit ${child.exitCode}: ${childOutput})`,
      async () => child.exitCode === null && (await reloads(platform)) > before,
      30_000,
    );
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    // The new config is in place but the deploy never finished: lock left, run open.
    expect(count(await platform.liveConfig(), "<virtual-mta pmta-vmta5>")).toBe(1);
    const lockOwner = join(platform.sshd.dirs.etc, ".email-engine-deploy.lock", "owner");
    expect(await readFile(lockOwner, "utf8")).toMatch(/^since=\d+$/m);
    // The reload the host was running completes on its own (its client is gone).
    await platform.release("reload");

    // The next start converges: the config is in place, the delivery server is created once.
    const next = await platform.run("run", env);
    expect(next.stderr).toBe("");
    expect(next.code).toBe(0);
    expect((await platform.run("plan", env)).code).toBe(0);

    // The killed deploy's lock is still fresh: the next change to PowerMTA is not deployed over it.
    await platform.commit("the sixth IP's hostname", [
      { file: "ips.yaml", replace: "mail2.sos-mail.com", with: "mail3.sos-mail.com" },
    ]);
    const blocked = await platform.run("apply", env);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/is locked by email-engine deploy .* considered stale after 900 s/);
    expect(await platform.liveConfig()).not.toContain("mail3.sos-mail.com");

    // Fifteen minutes later (the lock's clock is the host's: move its start back) it is stale.
    const owner = await readFile(lockOwner, "utf8");
    const since = Number(/^since=(\d+)$/m.exec(owner)![1]);
    await writeFile(lockOwner, owner.replace(/^since=\d+$/m, `since=${since - 901}`));
    const apply = await platform.run("apply", env);
    expect(apply.stderr).toBe("");
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain("took it after breaking a stale lock");
    expect((await platform.run("plan", env)).code).toBe(0);
    expect(await platform.runningConfig()).toContain("203.0.113.15 mail3.sos-mail.com");

    const live = await platform.liveConfig();
    const running = await platform.runningConfig();
    for (const vmta of VMTAS) {
      expect(count(live, `<virtual-mta ${vmta}>`), vmta).toBe(1);
      expect(count(running, `<virtual-mta ${vmta}>`), vmta).toBe(1);
    }
    const servers = (await platform.deliveryServers()).map((s) => s.name);
    expect(servers).toEqual(VMTAS.map((v) => `ee-${v}`));
    const backups = await readdir(join(platform.sshd.dirs.etc, "backup"));
    expect(backups.length).toBeGreaterThan(0);
    expect(backups.length).toBeLessThanOrEqual(3);
    await expect(readFile(lockOwner)).rejects.toThrow(/ENOENT/);

    const runs = await platform.records((r) => r.recentRuns(50), database.url);
    const killed = runs.find((r) => r.message === "the engine stopped during this run");
    expect(killed).toMatchObject({ trigger: "schedule", outcome: "transient" });
    expect(runs.every((r) => r.finishedAt !== null)).toBe(true);
  }, 150_000);
});
