// Observing the live host over a real sshd: config, status, VMTAs, and accounting records read from a
// cursor across appends, partial lines, small read budgets and rotation.
import { appendFile, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AcctEvent } from "../../reconciler/pmta/host/accounting.ts";
import {
  readAccountingSince,
  readLiveConfig,
  readStatus,
  readVmtas,
  type AcctCursor,
} from "../../reconciler/pmta/host/observe.ts";
import { connectHost, type HostSession } from "../../reconciler/pmta/host/ssh.ts";
import { startSshd, type SshdPeer } from "../peers/sshd.ts";
import { ACCT_HEADER, ACCT_ROWS } from "./fixtures.ts";
import { configWith, resetHost, seedLive } from "./helpers.ts";

let peer: SshdPeer;
let session: HostSession;
let acct: string;
beforeAll(async () => {
  peer = await startSshd();
  session = await connectHost(peer.connection());
  acct = join(peer.dirs.root, "acct");
});
afterAll(async () => {
  session?.close();
  await peer?.stop();
});
beforeEach(async () => {
  await resetHost(peer);
  await rm(acct, { recursive: true, force: true });
  await mkdir(acct);
});

const ids = (events: readonly AcctEvent[]) => events.map((e) => e.messageId);

describe("live config, status, VMTAs", () => {
  it("reads the live config and compares it with the desired text", async () => {
    expect(await readLiveConfig(session, peer.configPath, "x")).toEqual({
      text: null,
      sha256: null,
      equalsDesired: false,
    });
    const text = configWith(["vmta-a", "vmta-b"]);
    await seedLive(peer, text);
    const live = await readLiveConfig(session, peer.configPath, text);
    expect(live.text).toBe(text);
    expect(live.equalsDesired).toBe(true);
    expect(live.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await readLiveConfig(session, peer.configPath, `${text}\n`)).equalsDesired).toBe(false);
  });

  it("reads status and VMTAs from the pmta CLI", async () => {
    await seedLive(peer, configWith(["vmta-b", "vmta-a"]));
    const status = await readStatus(session);
    expect(status.status).toBe("running");
    expect(status.queue.smtp.rcp).toBe(655);
    expect(status.conn.smtpOut.cur).toBe(7);
    expect(await readVmtas(session)).toEqual(["vmta-a", "vmta-b"]);
    await peer.setFault("show-status");
    await expect(readStatus(session)).rejects.toThrow("pmta show status failed on");
  });
});

describe("readAccountingSince", () => {
  const live = () => join(acct, "acct.csv");

  it("reads everything, then only what was appended; an unfinished line waits for its newline", async () => {
    await writeFile(
      live(),
      `${ACCT_HEADER}\n${ACCT_ROWS.delivered}\n${ACCT_ROWS.hardBounce}\n${ACCT_ROWS.received}\n`,
    );
    const first = await readAccountingSince(session, { dir: acct, cursor: null, maxBytes: 1 << 20 });
    expect(ids(first.events)).toEqual(["<m1@mail.example.com>", "<m2@mail.example.com>"]);
    expect(first).toMatchObject({ more: false, lostCursor: false, skipped: 2 }); // header + r record
    expect(first.cursor).toMatchObject({ file: "acct.csv", offset: first.bytesRead });

    const complaint = ACCT_ROWS.complaint;
    await appendFile(live(), `${ACCT_ROWS.softBounce}\n${complaint.slice(0, 20)}`);
    const second = await readAccountingSince(session, { dir: acct, cursor: first.cursor, maxBytes: 1 << 20 });
    expect(ids(second.events)).toEqual(["<m3@mail.example.com>"]);
    await appendFile(live(), `${complaint.slice(20)}\n`);
    const third = await readAccountingSince(session, { dir: acct, cursor: second.cursor, maxBytes: 1 << 20 });
    expect(third.events.map((e) => e.kind)).toEqual(["complaint"]);
    const idle = await readAccountingSince(session, { dir: acct, cursor: third.cursor, maxBytes: 1 << 20 });
    expect(idle.events).toEqual([]);
    expect(idle.cursor).toEqual(third.cursor);
  });

  it("a small budget reads in several calls, each record exactly once (a quoted newline is not a record end)", async () => {
    const rows = [
      ACCT_ROWS.delivered,
      ACCT_ROWS.hardBounce,
      ACCT_ROWS.softBounce,
      ACCT_ROWS.remoteBounce,
      ACCT_ROWS.deferred,
    ];
    await writeFile(live(), `${ACCT_HEADER}\n${rows.join("\n")}\n`);
    let cursor: AcctCursor | null = null;
    const seen: AcctEvent[] = [];
    let calls = 0;
    for (let more = true; more && calls < 20; calls++) {
      const r = await readAccountingSince(session, { dir: acct, cursor, maxBytes: 700 });
      expect(r.bytesRead).toBeLessThanOrEqual(700);
      seen.push(...r.events);
      cursor = r.cursor;
      more = r.more;
    }
    expect(calls).toBeGreaterThan(2);
    expect(ids(seen)).toEqual([
      "<m1@mail.example.com>",
      "<m2@mail.example.com>",
      "<m3@mail.example.com>",
      "<m4@mail.example.com>",
      "<m6@mail.example.com>",
    ]);
  });

  it("follows a rotation: finishes the renamed file (same inode), then reads the new live file", async () => {
    await writeFile(live(), `${ACCT_HEADER}\n${ACCT_ROWS.delivered}\n`);
    const first = await readAccountingSince(session, { dir: acct, cursor: null, maxBytes: 1 << 20 });
    await appendFile(live(), `${ACCT_ROWS.hardBounce}\n`);
    await rename(live(), join(acct, "acct-2026-11-24-0000.csv"));
    await writeFile(live(), `${ACCT_HEADER}\n${ACCT_ROWS.softBounce}\n${ACCT_ROWS.deferred}\n`);
    const next = await readAccountingSince(session, { dir: acct, cursor: first.cursor, maxBytes: 1 << 20 });
    expect(ids(next.events)).toEqual([
      "<m2@mail.example.com>",
      "<m3@mail.example.com>",
      "<m6@mail.example.com>",
    ]);
    expect(next.cursor?.file).toBe("acct.csv");
    expect(next.lostCursor).toBe(false);

    await rm(join(acct, "acct-2026-11-24-0000.csv"));
    await rm(live());
    await writeFile(live(), `${ACCT_HEADER}\n${ACCT_ROWS.complaint}\n`);
    const lost = await readAccountingSince(session, {
      dir: acct,
      cursor: { file: "acct.csv", inode: 1, offset: 10 },
      maxBytes: 1 << 20,
    });
    expect(lost.lostCursor).toBe(true);
    expect(lost.events.map((e) => e.kind)).toEqual(["complaint"]);
  });

  it("a record longer than the budget is an error, not a silent stall; no files is no events", async () => {
    expect(await readAccountingSince(session, { dir: acct, cursor: null, maxBytes: 100 })).toMatchObject({
      events: [],
      cursor: null,
    });
    await writeFile(live(), `${ACCT_HEADER}\n${ACCT_ROWS.delivered}\n`);
    await expect(
      readAccountingSince(session, {
        dir: acct,
        cursor: { file: "acct.csv", inode: -1, offset: 0 },
        maxBytes: 100,
      }),
    ).rejects.toThrow(/An accounting record in .*acct\.csv is longer than 100 bytes/);
  });
});
