// POST /webhooks/scraper-pro and /webhooks/backlinks-engine over real HTTP on 127.0.0.1, with the
// store on both backends, the queue, the import pipeline, the test DNS server and the MailWizz
// emulator: what is accepted ends in the list with its provenance; everything else is refused with
// the right status and leaves nothing behind.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDelivery, WEBHOOK_QUEUE } from "../../../reconciler/contacts/webhooks/index.ts";
import { BACKENDS } from "../../helpers/backends.ts";
import type { World } from "./world.ts";
import { deliver, eventually, SECRETS, send, startWorld, testInventory } from "./world.ts";

const PAYLOAD = JSON.stringify({
  source: "google-maps",
  contacts: [
    { email: "jean.dupont@acme.example", first_name: "Jean", last_name: "Dupont", country: "FR" },
    { email: "marie@acme.example", first_name: "Marie", last_name: "Curie", country: "FR" },
    { email: "nobody@nullmx.example", first_name: "No", last_name: "Body", country: "FR" },
  ],
});

async function deliveries(world: World): Promise<number> {
  const [row] = await world.store.sql.query<{ n: string | number }>(
    "SELECT count(*) AS n FROM webhook_deliveries",
  );
  return Number(row!.n);
}

async function jobs(world: World): Promise<number> {
  const counts = await (await world.store.queue()).counts(WEBHOOK_QUEUE);
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

async function subscribers(world: World, list: string): Promise<string[]> {
  const client = world.target.tenants.get("sos-expat")!.client;
  return (await client.subscribers.list(world.lists[list]!))
    .map((s) => `${s.fields.EMAIL} ${s.fields.FNAME}`)
    .sort();
}

function error(answer: { json: <T>() => T }): { code: string; message: string } {
  return answer.json<{ error: { code: string; message: string } }>().error;
}

describe.each(BACKENDS)("contact webhooks on $name (integration, one world)", (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  let world: World;
  // One world for both tests, its workers running: opening a store is the slow part.
  beforeAll(async () => {
    world = await startWorld(backend, {}, cleanups);
    await world.service.start!();
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("queues a good delivery, answers 202, and the worker imports it into the MailWizz list with its provenance", async () => {
    const answer = await deliver(world, "scraper-pro", PAYLOAD);
    expect(answer.status).toBe(202);
    const body = answer.json<{ accepted: boolean; delivery: string; contacts: number }>();
    expect(body).toEqual({
      accepted: true,
      delivery: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      contacts: 3,
    });
    const done = await eventually("the delivery's import", async () => {
      const row = await getDelivery(world.store.sql, body.delivery);
      return row?.state === "done" ? row : undefined;
    });
    expect(await jobs(world)).toBe(1);
    expect(done).toMatchObject({
      source: "scraper-pro",
      tenant: "sos-expat",
      list: "cold-avocats",
      contacts: 3,
      legalBasis: "legitimate-interest",
      error: null,
      report: {
        rows: 3,
        accepted: 2,
        invalid: { null_mx: 1 },
        duplicates: 0,
        suppressed: 0,
        pushed: 2,
        state: "done",
      },
    });
    expect(await subscribers(world, "cold-avocats")).toEqual([
      "jean.dupont@acme.example Jean",
      "marie@acme.example Marie",
    ]);
    const stored = await world.store.sql.query<Record<string, unknown>>(
      "SELECT email, fname, source, legal_basis, import_id FROM contacts ORDER BY email",
    );
    const provenance = {
      source: "scraper-pro",
      legal_basis: "legitimate-interest",
      import_id: `webhook-${body.delivery}`,
    };
    expect(stored).toEqual([
      { email: "jean.dupont@acme.example", fname: "Jean", ...provenance },
      { email: "marie@acme.example", fname: "Marie", ...provenance },
    ]);
    // What stays of the delivery is what was received, not the addresses.
    const kept = await world.store.sql.query("SELECT payload, label FROM webhook_deliveries WHERE id = $1", [
      body.delivery,
    ]);
    expect(kept).toEqual([{ payload: null, label: "google-maps" }]);
  });

  it("answers a replayed delivery 200 duplicate and never queues or imports it twice", async () => {
    const imports = async () =>
      Number((await world.store.sql.query<{ n: string }>("SELECT count(*) AS n FROM contact_imports"))[0]!.n);
    const [jobsBefore, importsBefore] = [await jobs(world), await imports()];
    const payload = PAYLOAD.replace("google-maps", "linkedin");
    const timestamp = Math.floor(world.now.getTime() / 1000);
    const first = await deliver(world, "scraper-pro", payload, { timestamp });
    expect(first.status).toBe(202);
    const { delivery } = first.json<{ delivery: string }>();
    const again = await deliver(world, "scraper-pro", payload, { timestamp });
    expect(again.status).toBe(200);
    expect(again.json()).toEqual({ duplicate: true, delivery });
    expect(await jobs(world)).toBe(jobsBefore + 1);

    await eventually("the import", async () =>
      (await getDelivery(world.store.sql, delivery))?.state === "done" ? true : undefined,
    );
    const third = await deliver(world, "scraper-pro", payload, { timestamp });
    expect(third.json()).toEqual({ duplicate: true, delivery });
    expect(await jobs(world)).toBe(jobsBefore + 1);
    expect(await imports()).toBe(importsBefore + 1);
  });
});

describe("contact webhooks: refusals (integration, PGlite, one world)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  let shared: World;
  beforeAll(async () => {
    shared = await startWorld(BACKENDS[0]!, {}, cleanups);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  // Each test starts from an empty deliveries table, the full secrets and the inventory in force.
  beforeEach(async () => {
    await shared.store.sql.query("DELETE FROM webhook_deliveries");
    Object.assign(shared.secrets, SECRETS);
    shared.setInventory(shared.inventory);
    shared.now = new Date();
  });

  it("refuses a bad signature with 401 and stores nothing", async () => {
    const world = shared;
    const jobsBefore = await jobs(world);
    const answer = await deliver(world, "scraper-pro", PAYLOAD, { secret: "not-the-secret" });
    expect(answer.status).toBe(401);
    expect(error(answer)).toEqual({
      code: "unauthorized",
      message: "invalid signature: X-Signature does not match the body",
    });
    // A signature of another body (the body changed in transit).
    const tampered = await deliver(world, "scraper-pro", PAYLOAD, {
      headers: { "x-signature": "0".repeat(64) },
    });
    expect(tampered.status).toBe(401);
    expect(await deliveries(world)).toBe(0);
    expect(await jobs(world)).toBe(jobsBefore);
  });

  it("refuses missing signature headers with 401 before reading the body", async () => {
    const world = shared;
    const answer = await send(world, "POST", "/webhooks/scraper-pro", {
      headers: { "content-type": "application/json" },
      body: PAYLOAD,
    });
    expect(answer.status).toBe(401);
    expect(error(answer).message).toBe(
      "missing X-Timestamp and X-Signature: sign the request (X-Timestamp, X-Signature)",
    );
  });

  it("refuses a stale timestamp (outside ±300 s) with 401 stale, even when correctly signed", async () => {
    const world = shared;
    const now = Math.floor(world.now.getTime() / 1000);
    const old = await deliver(world, "scraper-pro", PAYLOAD, { timestamp: now - 301 });
    expect(old.status).toBe(401);
    expect(error(old).code).toBe("stale");
    const future = await deliver(world, "scraper-pro", PAYLOAD, { timestamp: now + 400 });
    expect(error(future).code).toBe("stale");
    expect((await deliver(world, "scraper-pro", PAYLOAD, { timestamp: now - 299 })).status).toBe(202);
  });

  it("accepts the old and the new secret during a rotation, and skips a secret that cannot be read", async () => {
    const world = shared;
    const a = await deliver(world, "scraper-pro", PAYLOAD, { secret: SECRETS.SCRAPER_SECRET_OLD });
    const b = await deliver(world, "scraper-pro", PAYLOAD.replace("google-maps", "linkedin"), {
      secret: SECRETS.SCRAPER_SECRET_NEW,
    });
    expect([a.status, b.status]).toEqual([202, 202]);
    const skipped =
      "webhook scraper-pro: api.webhooks.scraperPro.secrets[2]: environment variable SCRAPER_SECRET_UNSET is not set; this secret is skipped";
    // Said once, not once per delivery.
    expect(world.logs.filter((line) => line === skipped)).toEqual([skipped]);
    // The old secret removed from the environment: only the new one still signs.
    world.secrets.SCRAPER_SECRET_OLD = undefined;
    const stale = await deliver(world, "scraper-pro", PAYLOAD.replace("google-maps", "x"), {
      secret: SECRETS.SCRAPER_SECRET_OLD,
    });
    expect(stale.status).toBe(401);
    // No secret at all: closed (503), never open.
    world.secrets.SCRAPER_SECRET_NEW = undefined;
    const closed = await deliver(world, "scraper-pro", PAYLOAD, { secret: SECRETS.SCRAPER_SECRET_NEW });
    expect(closed.status).toBe(503);
    expect(error(closed)).toEqual({
      code: "not_configured",
      message: "the scraper-pro webhook has no usable secret: set the secrets of api.webhooks.scraperPro",
    });
  });

  it("answers 503 for a source that is not configured and before the daemon has an inventory", async () => {
    const world = shared;
    world.setInventory(
      await testInventory(
        world.dns,
        "api:\n  webhooks:\n    scraperPro:\n      secrets: [{ env: SCRAPER_SECRET_NEW }]\n      tenant: sos-expat\n      list: cold-avocats\n      legalBasis: consent\n",
      ),
    );
    const answer = await deliver(world, "backlinks-engine", PAYLOAD);
    expect(answer.status).toBe(503);
    expect(error(answer).message).toBe(
      "the backlinks-engine webhook is not configured: set api.webhooks.backlinksEngine",
    );
    world.setInventory(undefined);
    expect((await deliver(world, "scraper-pro", PAYLOAD)).status).toBe(503);
  });

  it("refuses an oversized body with 413, by Content-Length or while reading a chunked body", async () => {
    const world = shared;
    const contacts = Array.from({ length: 100 }, (_, i) => ({
      email: `person${i}@acme.example`,
      first_name: "P",
    }));
    const big = JSON.stringify({ source: "google-maps", contacts });
    expect(big.length).toBeGreaterThan(4096);
    const declared = await deliver(world, "scraper-pro", big);
    expect(declared.status).toBe(413);
    expect(error(declared)).toEqual({
      code: "too_large",
      message: "the body is larger than 4096 bytes: send less per request",
    });
    const chunked = await deliver(world, "scraper-pro", big, { chunked: true });
    expect(chunked.status).toBe(413);
    expect(await deliveries(world)).toBe(0);
  });

  it("refuses a tenant or list the source may not write with 403, and accepts an allowed one", async () => {
    const world = shared;
    const to = (extra: Record<string, string>) =>
      JSON.stringify({ source: "google-maps", ...extra, contacts: [{ email: "a@acme.example" }] });
    const other = await deliver(world, "scraper-pro", to({ tenant: "ulixai", list: "cold-bloggers" }));
    expect(other.status).toBe(403);
    expect(error(other)).toEqual({
      code: "forbidden",
      message:
        "scraper-pro may not write to tenant ulixai, list cold-bloggers: allow it in api.webhooks.scraperPro.tenants",
    });
    const wrongList = await deliver(world, "backlinks-engine", to({ list: "cold-avocats" }));
    expect(wrongList.status).toBe(403);
    const allowed = await deliver(world, "scraper-pro", to({ list: "cold-notaires" }));
    expect(allowed.status).toBe(202);
    const [row] = await world.store.sql.query<{ list: string }>("SELECT list FROM webhook_deliveries");
    expect(row).toEqual({ list: "cold-notaires" });
  });

  it("refuses a body that is not the delivery's shape with 400 naming the field, and a wrong type with 415", async () => {
    const world = shared;
    const bad = await deliver(
      world,
      "scraper-pro",
      JSON.stringify({ source: "x", contacts: [{ email: 1 }] }),
    );
    expect(bad.status).toBe(400);
    expect(error(bad).message).toBe("contacts[0].email: expected a string, got a number");
    const notJson = await deliver(world, "scraper-pro", "email=a@acme.example");
    expect(notJson.status).toBe(400);
    expect(error(notJson).message).toMatch(/^the body is not JSON/);
    const form = await deliver(world, "scraper-pro", PAYLOAD, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    expect(await deliveries(world)).toBe(0);
  });

  it("takes X-Delivery-Id as the delivery's identity: a re-signed retry is a duplicate, another body a conflict", async () => {
    const world = shared;
    const jobsBefore = await jobs(world);
    const now = Math.floor(world.now.getTime() / 1000);
    const id = { "x-delivery-id": "scr-2026-11-24-0001" };
    const first = await deliver(world, "scraper-pro", PAYLOAD, { timestamp: now - 10, headers: id });
    expect(first.status).toBe(202);
    const retry = await deliver(world, "scraper-pro", PAYLOAD, { timestamp: now, headers: id });
    expect(retry.status).toBe(200);
    expect(retry.json()).toEqual({ duplicate: true, delivery: first.json<{ delivery: string }>().delivery });
    const reused = await deliver(world, "scraper-pro", PAYLOAD.replace("Marie", "Pierre"), { headers: id });
    expect(reused.status).toBe(409);
    // The same id from the other source is another delivery.
    expect((await deliver(world, "backlinks-engine", PAYLOAD, { headers: id })).status).toBe(202);
    expect(await jobs(world)).toBe(jobsBefore + 2);
  });
});
