// The HTTP upload of a CSV import over real HTTP on 127.0.0.1 (X-API-Key), the queued import through
// the pipeline into the MailWizz emulator, then the report and its errors.csv; and the refusals, each
// before or while the body is read, leaving no spool file behind.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UPLOAD_QUEUE } from "../../../reconciler/contacts/http/index.ts";
import { BACKENDS } from "../../helpers/backends.ts";
import type { Answer, World } from "../webhooks/world.ts";
import { eventually, SECRETS, send, startWorld } from "../webhooks/world.ts";

const KEY = { "x-api-key": SECRETS.CONTACTS_API_KEY };
const CSV = [
  "Email;Prénom;Nom;Pays",
  "anne@acme.example;Anne;Martin;FR",
  "bruno@acme.example;Bruno;Petit;BE",
  "anne@acme.example;Anne;Doublon;FR",
  "nobody@nullmx.example;No;Body;FR",
  ";Sans;Adresse;FR",
  "",
].join("\r\n");

let spoolRoot: string;
beforeAll(async () => {
  spoolRoot = await mkdtemp(join(tmpdir(), "ee-spool-"));
});
afterAll(async () => {
  await rm(spoolRoot, { recursive: true, force: true });
});

function upload(
  world: World,
  query: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(world, "POST", `/api/v1/contacts/imports${query}`, {
    headers: { "content-type": "text/csv; charset=utf-8", ...KEY, ...headers },
    body,
  });
}

async function spooled(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

async function settled(world: World, id: string): Promise<Record<string, unknown>> {
  return eventually(`import ${id}`, async () => {
    const report = (await send(world, "GET", `/api/v1/contacts/imports/${id}`, { headers: KEY })).json();
    return report.state === "running" ? undefined : report;
  });
}

describe.each(BACKENDS)("contacts upload on $name (integration)", (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  let world: World;
  let dir: string;
  // Opened in a hook: opening a store is the slow part, and hooks have the longer timeout.
  beforeAll(async () => {
    dir = join(spoolRoot, backend.name);
    world = await startWorld(backend, { spoolDir: dir }, cleanups);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("uploads a CSV, imports it through the queue, then serves its report and errors.csv", async () => {
    const answer = await upload(world, "?tenant=sos-expat&list=cold-avocats&name=salon-2026.csv", CSV);
    expect(answer.status).toBe(202);
    const body = answer.json<{ importId: string; location: string; bytes: number }>();
    expect(body.location).toBe(`/api/v1/contacts/imports/${body.importId}`);
    expect(answer.headers.location).toBe(body.location);
    expect(body.bytes).toBe(Buffer.byteLength(CSV));
    expect(await spooled(dir)).toEqual([`${body.importId}.csv`]);

    // Queued, not yet imported: the report says so.
    const queued = await send(world, "GET", body.location, { headers: KEY });
    expect(queued.json()).toMatchObject({ importId: body.importId, state: "running", rows: 0 });
    expect(await (await world.store.queue()).counts(UPLOAD_QUEUE)).toEqual({ created: 1 });

    await world.service.start!();
    const report = await settled(world, body.importId);
    expect(report).toEqual({
      importId: body.importId,
      tenant: "sos-expat",
      list: "cold-avocats",
      rows: 5,
      accepted: 2,
      invalid: { null_mx: 1 },
      duplicates: 1,
      suppressed: 0,
      errors: 1,
      pushed: 2,
      state: "done",
    });
    const client = world.target.tenants.get("sos-expat")!.client;
    const inList = (await client.subscribers.list(world.lists["cold-avocats"]!))
      .map((s) => s.fields.EMAIL)
      .sort();
    expect(inList).toEqual(["anne@acme.example", "bruno@acme.example"]);
    const [provenance] = await world.store.sql.query("SELECT DISTINCT source, legal_basis FROM contacts");
    expect(provenance).toEqual({ source: "upload:salon-2026.csv", legal_basis: "legitimate-interest" });

    const errors = await send(world, "GET", `${body.location}/errors.csv`, { headers: KEY });
    expect(errors.status).toBe(200);
    expect(errors.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(errors.text.trim().split("\n")).toEqual([
      "line,kind,email,reason,detail",
      expect.stringMatching(/^5,invalid,nobody@nullmx\.example,null_mx,/) as string,
      "6,error,,no_email,the EMAIL column is empty",
    ]);
    // The spool file is gone once imported.
    expect(
      await eventually("the spool file's removal", async () =>
        (await spooled(dir)).length === 0 ? true : undefined,
      ),
    ).toBe(true);
  });
});

describe("contacts upload: refusals and failures (integration, PGlite, one world)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  let world: World;
  let dir: string;
  beforeAll(async () => {
    dir = join(spoolRoot, "refusals");
    world = await startWorld(BACKENDS[0]!, { spoolDir: dir, maxUploadBytes: 2048 }, cleanups);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  beforeEach(() => {
    Object.assign(world.secrets, SECRETS);
  });
  const error = (a: Answer) => a.json<{ error: { code: string; message: string } }>().error;

  it("refuses a missing or wrong API key with 401, and answers 503 when no key is configured", async () => {
    const none = await send(world, "POST", "/api/v1/contacts/imports?tenant=sos-expat&list=cold-avocats", {
      headers: { "content-type": "text/csv" },
      body: CSV,
    });
    expect(none.status).toBe(401);
    expect(error(none)).toEqual({ code: "unauthorized", message: "Invalid or missing API key" });
    const wrong = await upload(world, "?tenant=sos-expat&list=cold-avocats", CSV, { "x-api-key": "nope" });
    expect(wrong.status).toBe(401);
    expect(
      (await send(world, "GET", "/api/v1/contacts/imports/x", { headers: { "x-api-key": "nope" } })).status,
    ).toBe(401);
    world.secrets.CONTACTS_API_KEY = undefined;
    expect((await upload(world, "?tenant=sos-expat&list=cold-avocats", CSV)).status).toBe(503);
    expect(await spooled(dir)).toEqual([]);
  });

  it("refuses an unknown tenant or list, or a missing one, with 400 before reading the body", async () => {
    const tenant = await upload(world, "?tenant=acme&list=cold-avocats", CSV);
    expect(tenant.status).toBe(400);
    expect(error(tenant).message).toBe('tenant: "acme" is not a tenant of the inventory');
    const list = await upload(world, "?tenant=ulixai&list=cold-avocats", CSV);
    expect(error(list).message).toBe('list: "cold-avocats" is not a list of tenant ulixai');
    const missing = await upload(world, "?tenant=sos-expat", CSV);
    expect(error(missing).message).toBe(
      "tenant and list are required: POST /api/v1/contacts/imports?tenant=T&list=L",
    );
    const basis = await upload(world, "?tenant=sos-expat&list=cold-avocats&legalBasis=maybe", CSV);
    expect(error(basis).message).toBe("legalBasis: one of legitimate-interest, consent, contract");
    expect(await spooled(dir)).toEqual([]);
  });

  it("refuses a body over the limit with 413 (declared or chunked) and keeps no partial file", async () => {
    const big = `EMAIL\r\n${Array.from({ length: 200 }, (_, i) => `person${i}@acme.example`).join("\r\n")}\r\n`;
    expect(big.length).toBeGreaterThan(2048);
    const declared = await upload(world, "?tenant=sos-expat&list=cold-avocats", big);
    expect(declared.status).toBe(413);
    const chunked = await send(world, "POST", "/api/v1/contacts/imports?tenant=sos-expat&list=cold-avocats", {
      headers: { "content-type": "text/csv", ...KEY },
      body: big,
      chunked: true,
    });
    expect(chunked.status).toBe(413);
    expect(error(chunked).code).toBe("too_large");
    expect(await spooled(dir)).toEqual([]);
  });

  it("refuses another content type with 415 and an empty body with 400", async () => {
    const json = await upload(world, "?tenant=sos-expat&list=cold-avocats", "{}", {
      "content-type": "application/json",
    });
    expect(json.status).toBe(415);
    expect(error(json).message).toBe("send the file as Content-Type: text/csv");
    const empty = await upload(world, "?tenant=sos-expat&list=cold-avocats", "");
    expect(empty.status).toBe(400);
    expect(await spooled(dir)).toEqual([]);
  });

  it("answers 404 for an unknown import and 400 for a malformed id", async () => {
    const unknown = await send(world, "GET", "/api/v1/contacts/imports/no-such-import", { headers: KEY });
    expect(unknown.status).toBe(404);
    expect(error(unknown).message).toBe("no import no-such-import");
    expect(
      (await send(world, "GET", "/api/v1/contacts/imports/no-such-import/errors.csv", { headers: KEY }))
        .status,
    ).toBe(404);
    expect((await send(world, "GET", "/api/v1/contacts/imports/bad%20id", { headers: KEY })).status).toBe(
      400,
    );
  });

  it("fails a file that is not CSV for good, says why in the report, and deletes it", async () => {
    const binary = Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(64, 0)]);
    const answer = await upload(world, "?tenant=sos-expat&list=cold-avocats&name=contacts.xlsx", binary);
    expect(answer.status).toBe(202);
    const { importId } = answer.json<{ importId: string }>();
    await world.service.start!();
    const report = await settled(world, importId);
    expect(report).toMatchObject({ importId, state: "failed", rows: 0, accepted: 0 });
    expect(report.message).toMatch(
      /^contacts\.xlsx: not a text file \(binary content at byte \d+\); nothing was imported; fix: export the sheet as CSV/,
    );
    expect(await spooled(dir)).toEqual([]);
  });
});
