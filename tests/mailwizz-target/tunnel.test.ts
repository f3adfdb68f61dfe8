// The real-install target through an SSH tunnel: a real OpenSSH sshd on loopback (tests/peers/sshd.ts)
// forwards the store's MariaDB connections to 127.0.0.1:3306, with the host key pinned from the
// inventory and the private key read from the environment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RowDataPacket } from "mysql2/promise";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { ConfigError, TransientError } from "../../reconciler/errors.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import { startMailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import {
  applyMailwizz,
  isEmpty,
  observeMailwizz,
  openMailwizzTarget,
  planMailwizzChanges,
} from "../../reconciler/mailwizz/target/index.ts";
import { startSshd } from "../peers/sshd.ts";
import type { SshdPeer } from "../peers/sshd.ts";
import {
  MARIADB,
  baseInventory,
  desiredState,
  secretFile,
  throwawayDatabase,
  withInstall,
} from "./fixtures.ts";

let sshd: SshdPeer;
let db: Awaited<ReturnType<typeof throwawayDatabase>>;
let password: Awaited<ReturnType<typeof secretFile>>;
let emulator: MailwizzEmulator;
let inventory: Inventory;
const secrets = (): Record<string, string> => ({
  MAILWIZZ_API_KEY_SOS_EXPAT: "tunnel-test-key-sos",
  MAILWIZZ_API_KEY_ULIXAI: "tunnel-test-key-ulixai",
  MW_SSH_KEY: sshd.privateKey,
});

beforeAll(async () => {
  [sshd, db, password] = await Promise.all([startSshd(), throwawayDatabase(), secretFile(MARIADB.password)]);
  emulator = await startMailwizzEmulator({
    access: { version: "2.x", apiKey: "tunnel-test-key-sos" },
    customers: [{ apiKey: "tunnel-test-key-ulixai", customerId: 2 }],
  });
  inventory = withInstall(
    await baseInventory(),
    {
      apiUrl: emulator.baseUrl,
      // Host and port as seen from the SSH server (defaults: its loopback, 3306).
      database: { name: db.name, user: MARIADB.user, password: { file: password.path } },
    },
    {
      address: "127.0.0.1",
      ssh: { user: sshd.username, port: sshd.port, hostKey: sshd.hostKey, privateKey: { env: "MW_SSH_KEY" } },
    },
  );
}, 30_000);
afterAll(async () => {
  await emulator?.close();
  await password?.remove();
  await db?.drop();
  await sshd?.stop();
});

describe("MailWizz target through an SSH tunnel", () => {
  it("writes the delivery servers through the forward and is idle on the second pass", async () => {
    const target = await openMailwizzTarget(inventory, "mailwizz", secrets(), { connectTimeoutMs: 5000 });
    try {
      const desired = await desiredState(inventory);
      const reports = await applyMailwizz(
        target,
        planMailwizzChanges(desired, await observeMailwizz(target)),
      );
      expect(reports.filter((r) => r.status !== "Success")).toEqual([]);
      expect(reports).toHaveLength(11);
      const [rows] = await db.admin.query<RowDataPacket[]>(
        "SELECT name FROM mw_delivery_server ORDER BY name",
      );
      expect(rows.map((r): unknown => r.name)).toEqual([0, 1, 2, 3, 4].map((i) => `ee-pmta-vmta${i}`));
      expect(isEmpty(planMailwizzChanges(desired, await observeMailwizz(target)))).toBe(true);
    } finally {
      await target.close();
    }
    // sshd saw the engine's key and the forward to the database (LogLevel VERBOSE).
    expect(sshd.sshdLog()).toMatch(/Accepted publickey for \S+ from 127\.0\.0\.1/);
  }, 30_000);

  it("refuses an SSH server whose host key is not the pinned one", async () => {
    const wrong = structuredClone(inventory);
    wrong.servers["mailwizz"]!.ssh!.hostKey = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const error = await openMailwizzTarget(wrong, "mailwizz", secrets()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `SSH ${sshd.username}@127.0.0.1:${sshd.port}: the host key does not match hostKeySha256 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
    );
  });

  it("depends on the SSH server: with none listening, opening the target is a transient failure", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const down = structuredClone(inventory);
    down.servers["mailwizz"]!.ssh!.port = closed;
    const error = await openMailwizzTarget(down, "mailwizz", secrets()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(
      new RegExp(`^SSH ${sshd.username}@127\\.0\\.0\\.1:${closed}: ECONNREFUSED`),
    );
  });

  it("names the missing private key secret, never a value", async () => {
    const rest = secrets();
    delete rest["MW_SSH_KEY"];
    const error = await openMailwizzTarget(inventory, "mailwizz", rest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      "servers.mailwizz.ssh.privateKey: environment variable MW_SSH_KEY is not set",
    );
  });
});
