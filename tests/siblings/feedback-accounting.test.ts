// Feedback to Scraper-Pro from the accounting records read over SSH: the batch's bounces (hard, soft,
// complaint) and per-domain deliveries are queued before the cursor moves, and the same batch read
// again (a crash between the queueing and the commit) queues nothing twice.
import { describe, expect, it } from "vitest";
import { ingestAccounting } from "../../reconciler/ingest/ingest.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import type { AcctEvent } from "../../reconciler/pmta/host/accounting.ts";
import type { AcctReadResult } from "../../reconciler/pmta/host/observe.ts";
import { accountingFeedback, accountingForwarder } from "../../reconciler/siblings/feedback/accounting.ts";
import { FEEDBACK_QUEUE } from "../../reconciler/siblings/feedback/queue.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { EXAMPLE_INVENTORY } from "../helpers/inventory.ts";

function record(kind: "d" | "hard" | "soft" | "f" | "t", recipient: string): AcctEvent {
  const base = {
    recordType: kind === "hard" || kind === "soft" ? "b" : kind,
    time: "2026-11-24T10:00:00Z",
    vmta: "pmta-vmta0",
    sourceIp: "203.0.113.10",
    recipient,
    recipientDomain: recipient.slice(recipient.indexOf("@") + 1),
    messageId: null,
    feedbackId: null,
    jobId: null,
  };
  switch (kind) {
    case "d":
      return { ...base, kind: "delivered", dsnStatus: "2.0.0" };
    case "hard":
    case "soft":
      return {
        ...base,
        kind: "bounced",
        remote: false,
        category: kind === "hard" ? "bad-mailbox" : "quota-issues",
        bounceClass: kind,
        dsnStatus: kind === "hard" ? "5.1.1" : "4.2.2",
        dsnDiag: null,
      };
    case "f":
      return { ...base, kind: "complaint", feedbackType: "abuse" };
    case "t":
      return {
        ...base,
        kind: "deferred",
        queueWide: false,
        category: null,
        dsnStatus: "4.7.0",
        dsnDiag: null,
      };
  }
}

const BATCH = [
  record("d", "a@acme.test"),
  record("d", "b@acme.test"),
  record("d", "c@other.test"),
  record("hard", "gone@acme.test"),
  record("soft", "full@acme.test"),
  record("f", "angry@other.test"),
  record("t", "later@acme.test"),
];

const once = (events: AcctEvent[]) => (): Promise<AcctReadResult> =>
  Promise.resolve({
    events,
    skipped: 0,
    cursor: { file: "acct.csv", inode: 1, offset: 700 },
    bytesRead: 700,
    more: false,
    lostCursor: false,
  });

async function exampleInventory(): Promise<Inventory> {
  return (await validateInventoryDir(EXAMPLE_INVENTORY)).inventory!;
}

describe("accounting feedback (pure)", () => {
  it("maps the old engine's vocabulary and counts deliveries per domain; deferrals send nothing", () => {
    expect(accountingFeedback(BATCH).map((f) => f.payload)).toEqual([
      { kind: "bounce", email: "gone@acme.test", bounce_type: "hard" },
      { kind: "bounce", email: "full@acme.test", bounce_type: "soft" },
      { kind: "bounce", email: "angry@other.test", bounce_type: "complaint" },
      { kind: "delivery", domain: "acme.test", count: 2 },
      { kind: "delivery", domain: "other.test", count: 1 },
    ]);
  });
});

describe.each(BACKENDS)("accounting feedback on $name", (backend) => {
  it("queues the batch's feedback once, even when the same batch is read again", async () => {
    const store = await backend.open();
    const inventory = await exampleInventory();
    const forward = accountingForwarder(store, inventory, "pmta");
    expect(forward).toBeDefined();
    await ingestAccounting({
      store,
      host: "pmta",
      inventory,
      now: new Date("2026-11-24T20:00:00Z"),
      read: once(BATCH),
      forward: forward!,
    });
    // A crash after queueing and before the commit: the same records from the same cursor again.
    await forward!(BATCH, null);
    const queue = await store.queue();
    const jobs = await queue.list(FEEDBACK_QUEUE, ["created", "retry", "active"]);
    expect(jobs.map((j) => (j.data as { payload: unknown }).payload)).toEqual(
      expect.arrayContaining(accountingFeedback(BATCH).map((f) => f.payload)),
    );
    expect(jobs).toHaveLength(5);
  });

  it("queues nothing when api.feedback names no URL, or when the pipes are the server's source", async () => {
    const store = await backend.open();
    const inventory = await exampleInventory();
    const without: Inventory = { ...inventory, api: { ...inventory.api, feedback: undefined } };
    expect(accountingForwarder(store, without, "pmta")).toBeUndefined();
    // The pipes are that server's source: they report it, its files do not (never both).
    const viaPipes: Inventory = { ...inventory, api: { ...inventory.api, pmta: { ledger: ["pmta"] } } };
    expect(accountingForwarder(store, viaPipes, "pmta")).toBeUndefined();
  });
});
