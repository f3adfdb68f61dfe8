// The PowerMTA pipes' webhooks over real HTTP: requests written as the old bounce and delivery pipes
// send them (curl with a JSON body, no signature) get the answers they expect; the signature and the
// address allow-list refuse what they must; hard bounces reach the suppression list; and a record
// reaches the warm-up ledger by exactly one path, the webhook or the accounting files.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSuppressed } from "../../reconciler/contacts/store/suppression.ts";
import { ingestAccounting } from "../../reconciler/ingest/ingest.ts";
import type { AcctEvent } from "../../reconciler/pmta/host/accounting.ts";
import { attributeDelivery } from "../../reconciler/siblings/pmta-webhooks/record.ts";
import { FEEDBACK_QUEUE } from "../../reconciler/siblings/feedback/queue.ts";
import type { Store } from "../../reconciler/store/index.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { loadInventory, NOW, raw, startWorld } from "./world.ts";

const backend = BACKENDS[1]!; // PostgreSQL: the SQL is shared with PGlite, covered by the v1 suite.

/** The headers of the old bounce-pipe.sh's `curl -s -m 5 -X POST -H "Content-Type: application/json" -H "X-API-Key: $KEY" -d "$JSON"`. */
const CURL = {
  "User-Agent": "curl/7.81.0",
  Accept: "*/*",
  "Content-Type": "application/json",
  "X-API-Key": "ignored",
};
const BOUNCE =
  '{"email":"bob@gmail.com","bounce_type":"hard","reason":"bad-mailbox: 5.1.1 550 5.1.1 user unknown","source_ip":"203.0.113.10","vmta":"pmta-vmta0"}';

const hmac = (secret: string, body: string) => createHmac("sha256", secret).update(body).digest("hex");

async function ledgerOf(store: Store) {
  return (await store.ledger.list()).map((r) => [r.ip, r.day, r.sent, r.bounced, r.complained, r.deferred]);
}

function acctBounce(ip: string, email: string): AcctEvent {
  return {
    kind: "bounced",
    recordType: "b",
    remote: false,
    category: "bad-mailbox",
    bounceClass: "hard",
    dsnStatus: "5.1.1",
    dsnDiag: "550 5.1.1 user unknown",
    time: NOW.toISOString(),
    vmta: "pmta-vmta0",
    sourceIp: ip,
    recipient: email,
    recipientDomain: email.split("@")[1] ?? null,
    messageId: null,
    feedbackId: null,
    jobId: null,
  };
}

async function ingestOne(
  store: Store,
  inventory: Awaited<ReturnType<typeof loadInventory>>,
  event: AcctEvent,
) {
  return ingestAccounting({
    store,
    host: "pmta",
    inventory,
    now: NOW,
    read: () =>
      Promise.resolve({
        events: [event],
        skipped: 0,
        cursor: { file: "acct-2026-11-24.csv", inode: 7, offset: 300 },
        bytesRead: 300,
        more: false,
        lostCursor: false,
      }),
  });
}

describe("PowerMTA webhooks", () => {
  it("answers the old pipes' requests as they expect, and suppresses the hard bounce", async () => {
    const store = await backend.open();
    const world = await startWorld({ store, inventory: await loadInventory("api: {}\n") });
    const bounce = await raw(world.server, "POST", "/api/v1/webhooks/pmta-bounce", CURL, BOUNCE);
    expect(bounce.status).toBe(200);
    expect(bounce.json()).toEqual({
      received: true,
      forwarded_to_scraper_pro: false,
      email: "bob@gmail.com",
      bounce_type: "hard",
    });
    expect(await isSuppressed(store.sql, "bob@gmail.com")).toMatchObject({
      reason: "hard-bounce",
      source: "pmta-webhook",
    });
    const delivery = await raw(
      world.server,
      "POST",
      "/api/v1/webhooks/pmta-delivery",
      CURL,
      '{"domain": "gmail.com", "count": 3}',
    );
    expect(delivery.json()).toEqual({
      received: true,
      forwarded_to_scraper_pro: false,
      domain: "gmail.com",
      count: 3,
    });
    const soft = await raw(
      world.server,
      "POST",
      "/api/v1/webhooks/pmta-bounce",
      CURL,
      '{"email":"ann@outlook.com","bounce_type":"soft"}',
    );
    expect(soft.status).toBe(200);
    expect(await isSuppressed(store.sql, "ann@outlook.com")).toBeUndefined();
    const bad = await raw(
      world.server,
      "POST",
      "/api/v1/webhooks/pmta-bounce",
      CURL,
      '{"email":"nobody","bounce_type":"hard"}',
    );
    expect(bad.status).toBe(422);
    expect(bad.json<{ error: { message: string } }>().error.message).toContain("not an address");
    const huge = await raw(
      world.server,
      "POST",
      "/api/v1/webhooks/pmta-bounce",
      CURL,
      `{"email":"a@b.c","reason":"${"x".repeat(20_000)}"}`,
    );
    expect(huge.status).toBe(413);
  });

  it("requires X-Webhook-Signature when a secret is set (hex, optional sha256= prefix)", async () => {
    const store = await backend.open();
    const inventory = await loadInventory("api:\n  pmta:\n    secret: { env: PMTA_SECRET }\n");
    const world = await startWorld({ store, inventory, secrets: { PMTA_SECRET: "pipe-secret-1" } });
    const post = (headers: Record<string, string>) =>
      raw(world.server, "POST", "/api/v1/webhooks/pmta-bounce", { ...CURL, ...headers }, BOUNCE);
    expect((await post({})).status).toBe(401);
    expect((await post({ "X-Webhook-Signature": hmac("other-secret", BOUNCE) })).status).toBe(401);
    expect((await post({ "X-Webhook-Signature": "sha256=abc" })).status).toBe(401);
    expect((await post({ "X-Webhook-Signature": `sha256=${hmac("pipe-secret-1", BOUNCE)}` })).status).toBe(
      200,
    );
    expect((await post({ "X-Webhook-Signature": hmac("pipe-secret-1", BOUNCE).toUpperCase() })).status).toBe(
      200,
    );
    // The signature covers the bytes: the same JSON written differently is refused.
    const respaced = BOUNCE.replace(/,/g, ", ");
    const moved = await raw(
      world.server,
      "POST",
      "/api/v1/webhooks/pmta-bounce",
      { ...CURL, "X-Webhook-Signature": hmac("pipe-secret-1", BOUNCE) },
      respaced,
    );
    expect(moved.status).toBe(401);
    // A configured secret that cannot be read refuses everything rather than skipping the check.
    const missing = await startWorld({ store, inventory, secrets: {} });
    expect((await raw(missing.server, "POST", "/api/v1/webhooks/pmta-bounce", CURL, BOUNCE)).status).toBe(
      503,
    );
  });

  it("refuses peers outside the allow-list before reading the body", async () => {
    const store = await backend.open();
    const inventory = await loadInventory('api:\n  pmta:\n    allow: ["10.0.0.0/8", "2001:db8::/32"]\n');
    const world = await startWorld({ store, inventory });
    const answer = await raw(world.server, "POST", "/api/v1/webhooks/pmta-bounce", CURL, BOUNCE);
    expect(answer.status).toBe(403);
    expect(answer.json<{ error: { message: string } }>().error.message).toBe(
      "127.0.0.1 is not allowed to post PowerMTA events: add it to api.pmta.allow in the inventory",
    );
    expect(await isSuppressed(store.sql, "bob@gmail.com")).toBeUndefined();
    world.inventory = await loadInventory('api:\n  pmta:\n    allow: ["127.0.0.1"]\n');
    expect((await raw(world.server, "POST", "/api/v1/webhooks/pmta-bounce", CURL, BOUNCE)).status).toBe(200);
  });

  it("counts a bounce once: from the webhook for servers in api.pmta.ledger, else from the accounting files", async () => {
    const store = await backend.open();
    // The pmta server's ledger comes from the webhooks: the webhook counts, the accounting file does not.
    const fromWebhooks = await loadInventory("api:\n  pmta:\n    ledger: [pmta]\n");
    const world = await startWorld({ store, inventory: fromWebhooks });
    expect((await raw(world.server, "POST", "/api/v1/webhooks/pmta-bounce", CURL, BOUNCE)).status).toBe(200);
    expect(await ledgerOf(store)).toEqual([["203.0.113.10", "2026-11-24", 1, 1, 0, 0]]);
    const read = await ingestOne(store, fromWebhooks, acctBounce("203.0.113.10", "bob@gmail.com"));
    expect(read.events).toBe(1);
    expect(await ledgerOf(store)).toEqual([["203.0.113.10", "2026-11-24", 1, 1, 0, 0]]);
    const cursor = await store.sql.query<{ cursor: unknown }>(
      "SELECT cursor FROM accounting_cursors WHERE host = 'pmta'",
    );
    expect(cursor[0]?.cursor).toMatchObject({ offset: 300 }); // read, so switching back does not recount it

    // Default: the accounting files are the ledger's source; the webhook only suppresses and forwards.
    const other = await backend.open();
    const fromFiles = await loadInventory("api: {}\n");
    const second = await startWorld({ store: other, inventory: fromFiles });
    await raw(second.server, "POST", "/api/v1/webhooks/pmta-bounce", CURL, BOUNCE);
    expect(await ledgerOf(other)).toEqual([]);
    await ingestOne(other, fromFiles, acctBounce("203.0.113.10", "bob@gmail.com"));
    expect(await ledgerOf(other)).toEqual([["203.0.113.10", "2026-11-24", 1, 1, 0, 0]]);
    const events = await other.sql.query<{ counted: boolean; ip: string }>(
      "SELECT counted, ip FROM pmta_webhook_events",
    );
    expect(events).toEqual([{ counted: false, ip: "203.0.113.10" }]);
  });

  it("attributes a delivery (which names no IP) only to a server with a single sending IP", async () => {
    const inventory = await loadInventory("api: {}\n");
    // The base inventory's pmta server has five IPs: a delivery posted from one of them is not attributable.
    expect(attributeDelivery(inventory, "203.0.113.10")).toEqual({ server: "pmta", ip: null });
    const single = { ...inventory, ips: inventory.ips.slice(0, 1) };
    expect(attributeDelivery(single, "203.0.113.10")).toEqual({ server: "pmta", ip: "203.0.113.10" });
    expect(attributeDelivery(single, "192.0.2.1")).toEqual({ server: null, ip: null });
  });

  it("leaves the feedback to the accounting files unless the pipes are the server's source", async () => {
    const store = await backend.open();
    const inventory = await loadInventory(
      "api:\n  feedback:\n    bounceUrl: http://127.0.0.1:9/bounce\n    secret: { env: HMAC }\n",
    );
    const world = await startWorld({ store, inventory, secrets: { HMAC: "shared-secret" } });
    const bounce = await raw(world.server, "POST", "/api/v1/webhooks/pmta-bounce", CURL, BOUNCE);
    expect(bounce.json()).toMatchObject({ received: true, forwarded_to_scraper_pro: false });
    expect(await (await store.queue()).counts(FEEDBACK_QUEUE)).toEqual({});
  });

  it("queues the feedback for Scraper-Pro when the pipes are the source, and says so", async () => {
    const store = await backend.open();
    const inventory = await loadInventory(
      "api:\n  pmta: { ledger: [pmta] }\n  feedback:\n    bounceUrl: http://127.0.0.1:9/bounce\n    deliveryUrl: http://127.0.0.1:9/delivery\n    secret: { env: HMAC }\n",
    );
    const world = await startWorld({ store, inventory, secrets: { HMAC: "shared-secret" } });
    const bounce = await raw(world.server, "POST", "/api/v1/webhooks/pmta-bounce", CURL, BOUNCE);
    expect(bounce.json()).toMatchObject({ received: true, forwarded_to_scraper_pro: true });
    const delivery = await raw(
      world.server,
      "POST",
      "/api/v1/webhooks/pmta-delivery",
      CURL,
      '{"domain":"gmail.com"}',
    );
    // A delivery names no IP and this peer (loopback) is no inventory server: which source reports it
    // cannot be told, so it is not forwarded (the accounting files of its server report it).
    expect(delivery.json()).toEqual({
      received: true,
      forwarded_to_scraper_pro: false,
      domain: "gmail.com",
      count: 1,
    });
    const queue = await store.queue();
    const jobs = await queue.list(FEEDBACK_QUEUE, ["created"]);
    expect(jobs.map((j) => j.data)).toEqual([
      { payload: { kind: "bounce", email: "bob@gmail.com", bounce_type: "hard" }, retries: 10 },
    ]);
  });
});
