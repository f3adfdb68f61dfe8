// An SSH local port forward: a listener on 127.0.0.1:<random> whose connections are carried to
// `target` through the SSH server (ssh2 `forwardOut`). MailWizz's database usually listens only on the
// MailWizz host's loopback, so the store reaches it this way.
import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { createHash } from "node:crypto";
import { Client } from "ssh2";
import { ConfigError, TransientError } from "../../errors.ts";

export interface TunnelOptions {
  readonly host: string;
  readonly port?: number;
  readonly username: string;
  /** PEM/OpenSSH private key text (preferred) or a password. Neither is ever logged. */
  readonly privateKey?: string | Buffer;
  readonly passphrase?: string;
  readonly password?: string;
  /** The server's host key, SHA-256, base64 without padding (as `ssh-keygen -lf` prints after `SHA256:`). */
  readonly hostKeySha256: string;
  readonly readyTimeoutMs?: number;
}

export interface TunnelTarget {
  readonly host: string;
  readonly port: number;
}

export interface Tunnel {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export function hostKeyFingerprint(key: Buffer): string {
  return createHash("sha256").update(key).digest("base64").replace(/=+$/, "");
}

export async function openTunnel(ssh: TunnelOptions, target: TunnelTarget): Promise<Tunnel> {
  const where = `SSH ${ssh.username}@${ssh.host}:${ssh.port ?? 22}`;
  const expected = ssh.hostKeySha256.replace(/^SHA256:/, "").replace(/=+$/, "");
  const client = new Client();
  let hostKeyMismatch = false;
  await new Promise<void>((resolve, reject) => {
    client.once("ready", () => resolve());
    client.once("error", (error: Error & { level?: string; code?: string }) => {
      if (hostKeyMismatch)
        reject(new ConfigError(`${where}: the host key does not match hostKeySha256 ${expected}`));
      else if (error.level === "client-authentication")
        reject(new ConfigError(`${where}: authentication failed`));
      else
        reject(
          new TransientError(`${where}: ${error.code ?? "connection failed"}: ${safeMessage(error, ssh)}`),
        );
    });
    client.connect({
      host: ssh.host,
      port: ssh.port ?? 22,
      username: ssh.username,
      ...(ssh.privateKey === undefined ? {} : { privateKey: ssh.privateKey }),
      ...(ssh.passphrase === undefined ? {} : { passphrase: ssh.passphrase }),
      ...(ssh.password === undefined ? {} : { password: ssh.password }),
      readyTimeout: ssh.readyTimeoutMs ?? 10_000,
      keepaliveInterval: 15_000,
      hostVerifier: (key: Buffer) => {
        hostKeyMismatch = hostKeyFingerprint(key) !== expected;
        return !hostKeyMismatch;
      },
    });
  });

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    client.forwardOut("127.0.0.1", socket.remotePort ?? 0, target.host, target.port, (error, stream) => {
      if (error) {
        socket.destroy();
        return;
      }
      stream.on("error", () => socket.destroy());
      socket.once("close", () => stream.destroy());
      stream.once("close", () => socket.destroy());
      socket.pipe(stream).pipe(socket);
    });
  });
  // If the SSH connection drops, forwarded connections fail and the store reports a TransientError.
  client.on("error", () => undefined);
  client.once("close", () => {
    for (const socket of sockets) socket.destroy();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
  } catch (error) {
    client.end();
    throw new TransientError(`${where}: cannot listen on 127.0.0.1: ${(error as Error).message}`);
  }
  const port = (server.address() as AddressInfo).port;
  return {
    host: "127.0.0.1",
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      client.end();
    },
  };
}

function safeMessage(error: Error, ssh: TunnelOptions): string {
  let message = error.message;
  for (const secret of [ssh.password, ssh.passphrase]) {
    if (secret) message = message.split(secret).join("(sensitive)");
  }
  return message;
}
