// The SQL store through an SSH local forward. The SSH peer is an ssh2 server on 127.0.0.1 started by
// this file (not OpenSSH): it authenticates one user by key and carries `direct-tcpip` channels to the
// address the client asks for, which is how `ssh -L` works against sshd.
import { createHash, randomBytes } from "node:crypto";
import { connect, type AddressInfo, type Socket } from "node:net";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "mysql2/promise";
import type { Connection } from "mysql2/promise";
import ssh2 from "ssh2";
import { ConfigError } from "../../reconciler/errors.ts";
import { openMysqlStore, openTunnel } from "../../reconciler/mailwizz/delivery-servers/index.ts";
import { MARIADB, desiredServer } from "./harness.ts";

const { Server, utils } = ssh2;
const hostKeys = utils.generateKeyPairSync("ed25519");
const userKeys = utils.generateKeyPairSync("ed25519");
const otherKeys = utils.generateKeyPairSync("ed25519");
const USER = "tunnel";
const fingerprint = (publicLine: string): string =>
  createHash("sha256")
    .update(Buffer.from(publicLine.split(" ")[1] ?? "", "base64"))
    .digest("base64")
    .replace(/=+$/, "");

const forwarded: string[] = [];
const sockets = new Set<Socket>();
const server = new Server({ hostKeys: [hostKeys.private] }, (client) => {
  client.on("authentication", (ctx) => {
    const allowed = utils.parseKey(userKeys.public);
    if (
      ctx.method === "publickey" &&
      ctx.username === USER &&
      !(allowed instanceof Error) &&
      ctx.key.data.equals(allowed.getPublicSSH()) &&
      (!ctx.signature ||
        (ctx.blob !== undefined && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true))
    ) {
      ctx.accept();
    } else {
      ctx.reject(["publickey"]);
    }
  });
  client.on("ready", () => {
    client.on("tcpip", (accept, reject, info) => {
      forwarded.push(`${info.destIP}:${info.destPort}`);
      const upstream = connect(info.destPort, info.destIP);
      sockets.add(upstream);
      upstream.once("error", () => reject());
      upstream.once("connect", () => {
        const channel = accept();
        upstream.pipe(channel).pipe(upstream);
        channel.on("close", () => upstream.destroy());
      });
    });
  });
  client.on("error", () => undefined);
});

const database = `ee_test_${randomBytes(6).toString("hex")}`;
let admin: Connection;
let sshPort = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  sshPort = (server.address() as AddressInfo).port;
  admin = await createConnection({ ...MARIADB, multipleStatements: true, connectTimeout: 5000 });
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8`);
  await admin.query(`USE \`${database}\``);
  await admin.query(
    await readFile(new URL("../../reconciler/mailwizz/delivery-servers/schema.sql", import.meta.url), "utf8"),
  );
});
afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const tunnelOptions = () => ({
  host: "127.0.0.1",
  port: sshPort,
  username: USER,
  privateKey: userKeys.private,
  hostKeySha256: `SHA256:${fingerprint(hostKeys.public)}`,
  readyTimeoutMs: 5000,
});

describe("SSH tunnel", () => {
  it("carries the store's connection to MariaDB as seen from the SSH server", async () => {
    const store = await openMysqlStore({ ...MARIADB, database, tunnel: tunnelOptions() });
    try {
      await store.upsert(desiredServer());
      expect((await store.list()).map((s) => [s.name, s.password])).toEqual([
        ["ee-pmta-vmta0", "s3cret-pmta-password"],
      ]);
    } finally {
      await store.close();
    }
    expect(forwarded[0]).toBe("127.0.0.1:3306");
  });

  it("refuses a server whose host key is not the pinned one", async () => {
    await expect(
      openTunnel(
        { ...tunnelOptions(), hostKeySha256: fingerprint(otherKeys.public) },
        { host: "127.0.0.1", port: 3306 },
      ),
    ).rejects.toThrow(
      new ConfigError(
        `SSH tunnel@127.0.0.1:${sshPort}: the host key does not match hostKeySha256 ${fingerprint(otherKeys.public)}`,
      ),
    );
  });

  it("reports a refused key as a configuration error", async () => {
    await expect(
      openTunnel({ ...tunnelOptions(), privateKey: otherKeys.private }, { host: "127.0.0.1", port: 3306 }),
    ).rejects.toThrow(new ConfigError(`SSH tunnel@127.0.0.1:${sshPort}: authentication failed`));
  });
});
