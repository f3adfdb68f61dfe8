// `deploy pmta` end to end over a real OpenSSH sshd (tests/peers/sshd.ts). The inventory's server has a
// public-looking address (the rules refuse loopback); --ssh-host points the connection at the test sshd
// while the host key stays the pinned one from the inventory.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { userInfo } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { startSshd, type SshdPeer } from "../peers/sshd.ts";
import { runDeploy, tempRoot, testEnv, writeInventory, writeVault } from "./helpers.ts";
import { deployScenarios } from "./scenarios.ts";

let peer: SshdPeer | undefined;
let root: string | undefined;
afterAll(async () => {
  await peer?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

deployScenarios("SSH", async () => {
  peer = await startSshd();
  root = await tempRoot("pmta-deploy-ssh-");
  const p = peer;
  const inventory = await writeInventory(root, {
    user: p.username,
    hostKey: p.hostKey,
    keyFile: join(p.dirs.keys, "user_ed25519"),
    configDir: p.dirs.etc,
  });
  const vault = await writeVault(root);
  const { uid, gid } = userInfo();
  return {
    etc: p.dirs.etc,
    inventory,
    vault: vault.dir,
    pems: vault.pems,
    // chown to ourselves: exercises the chown step without a `pmta` user on the test machine.
    options: { sshHost: `127.0.0.1:${p.port}`, fileOwner: `${uid}:${gid}` },
    pmtaCommands: () => p.pmtaCommands(),
    setFault: (name) => p.setFault(name),
    reset: async () => {
      await p.setFault(null);
      for (const dir of [p.dirs.etc, p.dirs.state]) {
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
      }
    },
    logs: () => p.sshdLog(),
    transportSecrets: [p.privateKey],
  };
});

describe("deploy pmta: SSH settings", () => {
  it("a server without an ssh section is a ConfigError naming the inventory path and the fix", async () => {
    const dir = await tempRoot("pmta-deploy-nossh-");
    try {
      const inventory = await writeInventory(dir, {});
      const run = await runDeploy({ inventory, date: "2026-11-24", vault: join(dir, "vault") }, testEnv(dir));
      expect(run.error?.message).toBe(
        "servers.pmta has no ssh section: the engine cannot reach its PowerMTA",
      );
      expect((run.error as { details?: string[] }).details?.[0]).toMatch(
        /^ {4}fix: add to servers\.pmta: ssh: /,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a host key that is not the pinned one is refused before anything is written", async () => {
    const p = peer as SshdPeer;
    const dir = await tempRoot("pmta-deploy-badkey-");
    try {
      const other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl other";
      const inventory = await writeInventory(dir, {
        user: p.username,
        hostKey: other,
        keyFile: join(p.dirs.keys, "user_ed25519"),
        configDir: p.dirs.etc,
      });
      const vault = await writeVault(dir);
      const commands = await p.pmtaCommands();
      const run = await runDeploy(
        { inventory, date: "2026-11-24", vault: vault.dir, sshHost: `127.0.0.1:${p.port}` },
        testEnv(dir),
      );
      expect(run.error?.name).toBe("ConfigError");
      expect(run.error?.message).toMatch(
        /^Host key of 127\.0\.0\.1:\d+ does not match the pinned key: expected SHA256:\S+, the host presented SHA256:\S+\. Refusing to connect\.$/,
      );
      expect(run.out).toBe("");
      expect(await p.pmtaCommands()).toEqual(commands);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
