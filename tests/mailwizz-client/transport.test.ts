// The client's transport against real loopback peers (integration): retries on 503/5xx/network
// errors only where safe, timeouts on a hung server, the response-size bound, base URL forms, the
// 1.x signature verified by the emulator, and no secret in any log or error.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailwizzClient } from "../../reconciler/mailwizz/client/index.ts";
import {
  MailwizzAuthError,
  MailwizzNotFoundError,
  MailwizzProtocolError,
  MailwizzUnavailableError,
} from "../../reconciler/mailwizz/client/index.ts";
import type { MailwizzClientOptions, MailwizzLogEvent } from "../../reconciler/mailwizz/client/index.ts";
import { startMailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import { listInput } from "./fixtures.ts";

const KEY = "9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d";
let emu: MailwizzEmulator;
let logs: MailwizzLogEvent[];
let junk: Server;
let junkUrl: string;

const client = (extra: Partial<MailwizzClientOptions> = {}) =>
  new MailwizzClient({
    baseUrl: emu.baseUrl,
    auth: { version: "2.x", apiKey: KEY },
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    timeoutMs: 2_000,
    log: (e) => logs.push(e),
    ...extra,
  });

beforeAll(async () => {
  emu = await startMailwizzEmulator({ access: { version: "2.x", apiKey: KEY } });
  // A peer that is not MailWizz: a large answer, an HTML page.
  junk = createServer((req, res) => {
    if (req.url?.includes("/big/")) {
      res.writeHead(200, { "Content-Type": "application/json" });
      const chunk = "x".repeat(64 * 1024);
      for (let i = 0; i < 40; i += 1) res.write(chunk);
      res.end();
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end("<html>Welcome to nginx</html>");
  });
  await new Promise<void>((resolve) => junk.listen(0, "127.0.0.1", resolve));
  junkUrl = `http://127.0.0.1:${(junk.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emu.close();
  await new Promise((resolve) => junk.close(resolve));
});

const requestsDuring = async (fn: () => Promise<unknown>) => {
  const before = emu.requests.length;
  const result = await fn().catch((e: unknown) => e);
  return { result, count: emu.requests.length - before };
};

describe("retries", () => {
  it("retries a GET through 503s, then succeeds", async () => {
    logs = [];
    emu.failNext(2);
    const { result, count } = await requestsDuring(() => client().lists.list());
    expect(Array.isArray(result)).toBe(true);
    expect(count).toBe(3);
    expect(logs.map((l) => `${l.outcome}:${l.status}`)).toEqual(["retry:503", "retry:503", "ok:200"]);
  });

  it("retries a GET on 500 but a POST create only on 503", async () => {
    emu.failNext(1, 500);
    expect((await requestsDuring(() => client().lists.list())).count).toBe(2);
    emu.failNext(1, 503);
    const ok = await requestsDuring(() => client().lists.create(listInput("After 503")));
    expect(ok.count).toBe(2);
    expect(ok.result).toMatch(/^[a-z0-9]{13}$/);
    emu.failNext(1, 500);
    const failed = await requestsDuring(() => client().lists.create(listInput("After 500")));
    expect(failed.count).toBe(1);
    expect(failed.result).toBeInstanceOf(MailwizzUnavailableError);
    expect((failed.result as MailwizzUnavailableError).status).toBe(500);
  });

  it("never retries a 4xx", async () => {
    const { result, count } = await requestsDuring(() => client().lists.fields("zz000zzzzz000"));
    expect(result).toBeInstanceOf(MailwizzNotFoundError);
    expect(count).toBe(1);
  });

  it("gives up after the configured retries with a transient error", async () => {
    emu.failNext(3);
    const { result, count } = await requestsDuring(() => client({ retries: 2 }).lists.list());
    expect(count).toBe(3);
    expect(result).toBeInstanceOf(MailwizzUnavailableError);
    expect((result as Error).message).toBe("MailWizz GET lists answered 503: Service Unavailable.");
  });

  it("times out a hung GET and retries it; does not repeat a hung POST", async () => {
    emu.hangNext(1);
    const get = await requestsDuring(() => client({ timeoutMs: 200 }).lists.list());
    expect(Array.isArray(get.result)).toBe(true);
    expect(get.count).toBe(2);
    emu.hangNext(1);
    const post = await requestsDuring(() => client({ timeoutMs: 200 }).lists.create(listInput("Hung")));
    expect(post.count).toBe(1);
    expect(post.result).toBeInstanceOf(MailwizzUnavailableError);
    expect((post.result as MailwizzUnavailableError).code).toBe("ETIMEDOUT");
    expect((post.result as Error).message).toBe("MailWizz POST lists timed out (request)");
  });

  it("retries a refused connection even for a POST (nothing reached the server)", async () => {
    logs = [];
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((resolve) => dead.close(resolve));
    const e = await client({ baseUrl: `http://127.0.0.1:${port}/api`, retries: 2 })
      .lists.create(listInput("x"))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MailwizzUnavailableError);
    expect((e as MailwizzUnavailableError).code).toBe("ECONNREFUSED");
    expect(logs.map((l) => l.outcome)).toEqual(["retry", "retry", "error"]);
  });
});

describe("answers that are not MailWizz's", () => {
  it("stops reading past maxResponseBytes", async () => {
    const e = await client({ baseUrl: `${junkUrl}/big/api`, maxResponseBytes: 1024 * 1024 })
      .lists.list()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MailwizzProtocolError);
    expect((e as Error).message).toBe("MailWizz GET lists: answer larger than 1048576 bytes");
  });

  it("points at the base URL when the answer has no envelope", async () => {
    const e = await client({ baseUrl: `${junkUrl}/api` })
      .lists.list()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MailwizzProtocolError);
    expect((e as Error).message).toContain("check the base URL");
  });

  it.each(["/api", "/api/", "/api/index.php/"])("works with base URL …%s", async (suffix) => {
    const mw = client({ baseUrl: `http://127.0.0.1:${emu.port}${suffix}` });
    expect(mw.baseUrl).toBe(`http://127.0.0.1:${emu.port}${suffix.replace(/\/$/, "")}`);
    expect(Array.isArray(await mw.lists.list())).toBe(true);
  });
});

describe("1.x signed requests against the emulator's 1.x check", () => {
  const PUBLIC = "1".repeat(40);
  const PRIVATE = "2".repeat(40);
  let v1: MailwizzEmulator;
  beforeAll(async () => {
    v1 = await startMailwizzEmulator({ access: { version: "1.x", publicKey: PUBLIC, privateKey: PRIVATE } });
  });
  afterAll(async () => v1.close());
  const signed = (privateKey = PRIVATE, tunnelPutDelete = false) =>
    new MailwizzClient({
      baseUrl: v1.baseUrl,
      auth: { version: "1.x", publicKey: PUBLIC, privateKey },
      retries: 0,
      tunnelPutDelete,
    });

  it.each([false, true])("signs GET with paging, POST, PUT (tunnelled: %s)", async (tunnel) => {
    const mw = signed(PRIVATE, tunnel);
    const list = await mw.lists.create({
      ...listInput("Signed * list (1.x)"),
      description: "it's ~ (quoted)",
    });
    const sub = await mw.subscribers.create(list, {
      email: "s@x.example",
      fields: { FNAME: "Zoë" },
      status: "confirmed",
    });
    await mw.subscribers.update(list, sub.uid, { fields: { LNAME: "O'Neil" } });
    expect((await mw.subscribers.get(list, sub.uid))?.fields).toMatchObject({
      FNAME: "Zoë",
      LNAME: "O'Neil",
    });
    expect((await mw.lists.findByName("Signed * list (1.x)"))?.uid).toBe(list);
    expect(await mw.subscribers.searchByEmail(list, "s@x.example")).not.toBeNull();
  });

  it("is refused with a wrong private key", async () => {
    const e = await signed("3".repeat(40))
      .lists.list()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MailwizzAuthError);
    expect((e as Error).message).toBe(
      "MailWizz GET lists answered 400: Invalid API request signature. Please refer to the documentation.",
    );
  });
});

describe("secrets", () => {
  it("never puts the API key in logs or errors", async () => {
    logs = [];
    const errors: unknown[] = [];
    const mw = client({ retries: 1, timeoutMs: 200 });
    const bad = new MailwizzClient({
      baseUrl: emu.baseUrl,
      auth: { version: "2.x", apiKey: `${KEY.slice(0, 39)}0` },
      log: (e) => logs.push(e),
    });
    emu.failNext(2);
    errors.push(await mw.lists.list().catch((e: unknown) => e));
    emu.hangNext(1);
    errors.push(await mw.lists.create(listInput("Leak")).catch((e: unknown) => e));
    errors.push(await mw.lists.create({ ...listInput("Leak"), fromEmail: "bad" }).catch((e: unknown) => e));
    errors.push(await bad.lists.list().catch((e: unknown) => e));
    errors.push(
      await client({ baseUrl: "http://127.0.0.1:1/api" })
        .lists.list()
        .catch((e: unknown) => e),
    );
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    const haystack = [
      JSON.stringify(logs),
      ...errors.map(
        (e) =>
          `${String(e)}\n${(e as Error).stack}\n${inspect(e, { depth: null, showHidden: true })}\n${JSON.stringify(e)}`,
      ),
      inspect(mw, { depth: null, showHidden: true }),
    ].join("\n");
    expect(haystack).not.toContain(KEY);
    expect(haystack).not.toContain(KEY.slice(0, 39));
    expect(haystack).toContain("Invalid API key.");
    expect(logs.length).toBeGreaterThan(5);
  });
});
