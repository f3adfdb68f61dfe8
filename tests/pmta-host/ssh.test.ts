// quote()/sh`` as a table and over a real SSH session; the SSH session's host key pinning, bounds,
// timeouts; the host lock.
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, TransientError } from "../../reconciler/errors.ts";
import { acquireHostLock } from "../../reconciler/pmta/host/lock.ts";
import { joinCommands, quote, sh } from "../../reconciler/pmta/host/quote.ts";
import {
  connectHost,
  fingerprintOf,
  pinnedFingerprint,
  type HostSession,
} from "../../reconciler/pmta/host/ssh.ts";
import { startSshd, type SshdPeer } from "../peers/sshd.ts";

const NASTY = [
  "plain",
  "with space",
  "it's",
  `"double"`,
  "$(id -u)",
  "`id`",
  "a\nb",
  "semi;colon",
  "*.glob?",
  "back\\slash",
  "-n",
  "",
  "tab\there",
  "ünïcode",
  "x' ; echo 'pwned",
];

describe("quote", () => {
  it.each([
    ["abc", "abc"],
    ["/etc/pmta/config", "/etc/pmta/config"],
    ["a=b,c:d@e%f+g", "a=b,c:d@e%f+g"],
    ["", "''"],
    ["with space", "'with space'"],
    ["it's", `'it'\\''s'`],
    ["$(id)", "'$(id)'"],
    ["`id`", "'`id`'"],
    ["a\nb", "'a\nb'"],
    ["*", "'*'"],
    ["~root", "'~root'"],
  ])("quote(%j) = %j", (input, expected) => {
    expect(quote(input)).toBe(expected);
  });

  it("rejects NUL, which no argv can carry", () => {
    expect(() => quote("a\0b")).toThrow("A shell argument cannot contain a NUL byte");
  });

  it("sh`` quotes each value, spreads arrays, embeds nested commands, renders numbers", () => {
    const inner = sh`echo ${"x y"}`;
    expect(sh`rm -f -- ${["a b", "c"]} && ${inner} ${42}`.text).toBe("rm -f -- 'a b' c && echo 'x y' 42");
    expect(joinCommands("&&", [sh`true`, sh`echo ${"$HOME"}`]).text).toBe("true && echo '$HOME'");
  });
});

let peer: SshdPeer;
let session: HostSession;
beforeAll(async () => {
  peer = await startSshd();
  session = await connectHost(peer.connection());
});
afterAll(async () => {
  session?.close();
  await peer?.stop();
});

describe("over a real sshd", () => {
  it("every nasty value round-trips as one argument", async () => {
    const result = await session.run(sh`printf '[%s]\\n' ${NASTY}`, "printf");
    expect(result.stdout.toString("utf8")).toBe(NASTY.map((v) => `[${v}]\n`).join(""));
  });

  it("a directory with quotes, spaces, $() and a newline in its name is created, written and listed", async () => {
    const name = "dir with 'quotes' $(touch pwned) `x`\nline2";
    const dir = join(peer.dirs.root, name);
    await session.run(sh`mkdir -p -- ${dir} && cat > ${join(dir, "f")}`, "write", { stdin: "content" });
    expect(await readdir(peer.dirs.root)).toContain(name);
    expect(await readdir(dir)).toEqual(["f"]);
    expect((await session.run(sh`cat -- ${join(dir, "f")}`, "read")).stdout.toString()).toBe("content");
    expect(await readdir(peer.dirs.root)).not.toContain("pwned");
  });

  it("exec reports a non-zero exit without throwing; run throws with stderr", async () => {
    const r = await session.exec(sh`echo out; echo err >&2; exit 7`);
    expect([r.code, r.stdout.toString(), r.stderr.toString()]).toEqual([7, "out\n", "err\n"]);
    await expect(session.run(sh`echo boom >&2; exit 3`, "The thing")).rejects.toThrow(
      `The thing failed on ${session.label}: boom`,
    );
  });

  it("bounds output and time", async () => {
    await expect(session.exec(sh`head -c 100000 /dev/zero`, { maxOutputBytes: 1000 })).rejects.toThrow(
      `Output from ${session.label} exceeds 1000 bytes`,
    );
    await expect(session.exec(sh`sleep 5`, { timeoutMs: 300 })).rejects.toThrow(
      `Command on ${session.label} timed out after 300 ms`,
    );
    expect((await session.exec(sh`echo still alive`)).stdout.toString()).toBe("still alive\n");
  });

  it("pins the host key: the right key or fingerprint connects, another one is refused", async () => {
    const fp = pinnedFingerprint(peer.hostKey);
    const byFingerprint = await connectHost({ ...peer.connection(), hostKey: fp });
    byFingerprint.close();
    const wrong = fingerprintOf(Buffer.from("not the key"));
    const error = await connectHost({ ...peer.connection(), hostKey: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `Host key of 127.0.0.1:${peer.port} does not match the pinned key: expected ${wrong}, the host presented ${fp}. Refusing to connect.`,
    );
  });

  it("a refused user key or a closed port is a TransientError naming the target, without key material", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const other = generateKeyPairSync("ed25519")
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const denied = await connectHost({ ...peer.connection(), privateKey: other }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(TransientError);
    expect((denied as Error).message).toMatch(/^SSH connection to \S+@127\.0\.0\.1:\d+ failed: /);
    expect((denied as Error).message).not.toContain("PRIVATE KEY");
    const closed = await connectHost({ ...peer.connection(), port: 1 }).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(TransientError);
    expect((closed as Error).message).toMatch(
      /^SSH connection to \S+@127\.0\.0\.1:1 failed: connect ECONNREFUSED/,
    );
  });
});

describe("host lock", () => {
  it("a held lock refuses a second taker with its owner; release lets the next one in", async () => {
    const lockPath = join(peer.dirs.state, "locks", "deploy.lock");
    const first = await acquireHostLock(session, {
      lockPath,
      owner: "holder one",
      token: "t1",
      staleAfterSeconds: 600,
    });
    const second = await connectHost(peer.connection());
    try {
      await expect(
        acquireHostLock(second, { lockPath, owner: "holder two", token: "t2", staleAfterSeconds: 600 }),
      ).rejects.toThrow(
        /is locked by holder one since \d{4}-\d\d-\d\dT.* \(lock .*deploy\.lock\); another deploy is running/,
      );
      await first.release();
      const taken = await acquireHostLock(second, {
        lockPath,
        owner: "holder two",
        token: "t2",
        staleAfterSeconds: 600,
      });
      expect(taken.brokeStaleLock).toBeNull();
      await first.release(); // not ours any more: must not remove holder two's lock
      await expect(
        acquireHostLock(session, { lockPath, owner: "three", token: "t3", staleAfterSeconds: 600 }),
      ).rejects.toThrow(/locked by holder two/);
      await taken.release();
    } finally {
      second.close();
    }
  });

  it("a lock directory without owner file (crash between mkdir and write) is broken once stale", async () => {
    const lockPath = join(peer.dirs.state, "locks2", "deploy.lock");
    await mkdir(lockPath, { recursive: true });
    await writeFile(join(peer.dirs.state, "locks2", "unrelated"), "");
    const lock = await acquireHostLock(session, { lockPath, owner: "me", token: "t9", staleAfterSeconds: 0 });
    expect(lock.brokeStaleLock).toBe("(no owner file)");
    await lock.release();
    expect(await readdir(join(peer.dirs.state, "locks2"))).toEqual(["unrelated"]);
  });
});
