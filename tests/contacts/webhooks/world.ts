// A daemon's contacts service with real peers for the webhook and upload tests: the store (PGlite or
// PostgreSQL), the HTTP server on 127.0.0.1, the embedded MailWizz emulator with the tenant's lists
// created, and the test DNS server answering the validator's MX lookups.
import { tmpdir } from "node:os";
import { request as httpRequest } from "node:http";
import type { DaemonService } from "../../../reconciler/daemon/services.ts";
import { contactsService } from "../../../reconciler/contacts/service.ts";
import type { ContactsServiceOptions } from "../../../reconciler/contacts/service.ts";
import { signBody } from "../../../reconciler/contacts/webhooks/index.ts";
import type { HttpServer } from "../../../reconciler/http/index.ts";
import { EngineMetrics, startHttpServer } from "../../../reconciler/http/index.ts";
import type { Inventory } from "../../../reconciler/inventory/types.gen.ts";
import type { EmbeddedTarget } from "../../../reconciler/mailwizz/target/index.ts";
import { openEmbeddedMailwizzTarget } from "../../../reconciler/mailwizz/target/index.ts";
import type { Store } from "../../../reconciler/store/index.ts";
import { openStore } from "../../../reconciler/store/index.ts";
import { validateInventoryDir } from "../../../reconciler/validate/index.ts";
import type { Backend } from "../../helpers/backends.ts";
import { afterThisTest as afterTest } from "../../helpers/backends.ts";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../../helpers/postgres.ts";
import { inventoryWith } from "../../helpers/inventory.ts";
import { TestDnsServer } from "../../peers/dns-server.ts";

export const SECRETS = {
  SCRAPER_SECRET_OLD: "old-scraper-secret-4f2a9c",
  SCRAPER_SECRET_NEW: "new-scraper-secret-7d1e3b",
  BACKLINKS_SECRET: "backlinks-secret-0a9b8c",
  CONTACTS_API_KEY: "api-key-for-tests-1234567890",
} as const;

export const API_YAML = `# Test configuration of the contacts API.
api:
  keys:
    - env: CONTACTS_API_KEY
  webhooks:
    maxBodyBytes: 4096
    scraperPro:
      secrets:
        - env: SCRAPER_SECRET_OLD
        - env: SCRAPER_SECRET_NEW
        - env: SCRAPER_SECRET_UNSET
      tenant: sos-expat
      list: cold-avocats
      tenants:
        sos-expat: [cold-notaires]
      legalBasis: legitimate-interest
    backlinksEngine:
      secrets:
        - env: BACKLINKS_SECRET
      tenant: sos-expat
      list: cold-notaires
      legalBasis: consent
`;

export interface World {
  readonly dns: TestDnsServer;
  readonly store: Store;
  readonly server: HttpServer;
  readonly inventory: Inventory;
  readonly target: EmbeddedTarget;
  /** MailWizz list uid by inventory list key (sos-expat's lists). */
  readonly lists: Readonly<Record<string, string>>;
  readonly service: DaemonService;
  readonly logs: string[];
  readonly secrets: Record<string, string | undefined>;
  /** The daemon's clock (the replay window is judged with it). */
  now: Date;
  /** Swaps the inventory in force (as a new good tick would). */
  setInventory(inventory: Inventory | undefined): void;
}

export interface WorldOptions extends ContactsServiceOptions {
  readonly apiYaml?: string;
}

/** Loads the base inventory with the given api.yaml and resolvers pointing at the test DNS server. */
export async function testInventory(dns: TestDnsServer, apiYaml = API_YAML): Promise<Inventory> {
  const dir = await inventoryWith([
    { file: "api.yaml", content: apiYaml },
    {
      file: "monitoring.yaml",
      content: `monitoring:\n  resolvers: ["${dns.address}"]\n  timeoutMs: 500\n  tries: 1\n`,
    },
  ]);
  const result = await validateInventoryDir(dir);
  if (result.inventory === undefined) {
    throw new Error(`test inventory invalid:\n${result.errors.map((e) => JSON.stringify(e)).join("\n")}`);
  }
  return result.inventory;
}

/**
 * Starts a world on `backend`, torn down after the current test; or, with `cleanups`, when the caller
 * runs them (a world shared by a describe block: opening a store is the slow part).
 */
export async function startWorld(
  backend: Backend,
  options: WorldOptions = {},
  cleanups?: (() => Promise<void>)[],
): Promise<World> {
  const afterThisTest = cleanups ? (fn: () => Promise<void>) => void cleanups.unshift(fn) : afterTest;
  const dns = await TestDnsServer.start();
  afterThisTest(() => dns.close());
  dns.set("acme.example", "MX", [{ exchange: "mx.acme.example", priority: 10 }]);
  dns.set("mx.acme.example", "A", ["127.0.0.1"]);
  dns.set("nullmx.example", "MX", [{ exchange: ".", priority: 0 }]);
  const inventory = await testInventory(dns, options.apiYaml);
  let store: Store;
  if (cleanups) {
    // Not backend.open(): its store is closed after the current test.
    const schema = uniqueSchema();
    store = await openStore(
      backend.name === "PostgreSQL" ? { databaseUrl: TEST_DATABASE_URL, schema } : { schema },
    );
    afterThisTest(async () => {
      await store.close();
      if (backend.name === "PostgreSQL") {
        await dropSchema(schema);
        await dropSchema(`${schema}_jobs`);
      }
    });
  } else store = await backend.open();
  const target = await openEmbeddedMailwizzTarget(inventory, "mailwizz");
  afterThisTest(() => target.close());
  const client = target.tenants.get("sos-expat")!.client;
  const lists: Record<string, string> = {};
  for (const [key, list] of Object.entries(inventory.tenants["sos-expat"]!.lists ?? {})) {
    if (list === undefined) continue;
    lists[key] = await client.lists.create({
      name: list.name,
      description: "test list",
      optIn: "single",
      fromName: list.fromName,
      fromEmail: list.fromEmail,
      replyTo: list.replyTo ?? list.fromEmail,
      company: { name: "SOS-Expat", country: "France", address1: "1 rue", city: "Paris", zipCode: "75001" },
    });
  }
  let current: Inventory | undefined = inventory;
  const logs: string[] = [];
  const secrets: Record<string, string | undefined> = { ...SECRETS };
  const world: World = {
    dns,
    store,
    inventory,
    target,
    lists,
    logs,
    secrets,
    now: new Date(),
    setInventory: (next) => {
      current = next;
    },
    service: undefined as unknown as DaemonService,
    server: undefined as unknown as HttpServer,
  };
  const service = contactsService(
    {
      store,
      inventory: () => current,
      secrets: () => secrets,
      mailwizz: () => Promise.resolve([target]),
      ipRows: () => [],
      now: () => world.now,
      home: tmpdir(),
      log: (line) => logs.push(line),
    },
    { pollSeconds: 0.5, ...options },
  );
  const metrics = new EngineMetrics();
  const server = await startHttpServer({
    listen: { host: "127.0.0.1", port: 0 },
    deps: {
      status: () => [],
      plan: () => null,
      ready: () => ({ store: true, lastTick: null, maxAgeMs: 60_000 }),
      metrics: metrics.registry,
    },
    modules: [service.http!],
    timeouts: { requestMs: 5000, handlerMs: 2000 },
  });
  afterThisTest(() => server.close());
  return Object.assign(world, { service, server });
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTP request over loopback with node:http (full control of headers and chunked bodies). */
export function send(
  world: World,
  method: string,
  path: string,
  options: {
    readonly headers?: Record<string, string>;
    readonly body?: Buffer | string;
    /** Send the body in pieces without Content-Length (chunked). */
    readonly chunked?: boolean;
  } = {},
): Promise<Answer> {
  const url = new URL(path, world.server.url);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method,
        headers: {
          ...(body !== undefined && !options.chunked ? { "content-length": String(body.length) } : {}),
          ...options.headers,
        },
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within 5 s`)));
    // The server may answer (413) and close before the whole body is written.
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error);
    });
    if (body !== undefined && options.chunked) {
      for (let i = 0; i < body.length; i += 1024) req.write(body.subarray(i, i + 1024));
      req.end();
    } else req.end(body);
  });
}

/** Posts a delivery signed with `secret` at the world's clock (or `timestamp`). */
export function deliver(
  world: World,
  source: "scraper-pro" | "backlinks-engine",
  body: string | Buffer,
  options: {
    readonly secret?: string;
    readonly timestamp?: number;
    readonly headers?: Record<string, string>;
    readonly chunked?: boolean;
  } = {},
): Promise<Answer> {
  const secret =
    options.secret ?? (source === "scraper-pro" ? SECRETS.SCRAPER_SECRET_NEW : SECRETS.BACKLINKS_SECRET);
  const timestamp = String(options.timestamp ?? Math.floor(world.now.getTime() / 1000));
  return send(world, "POST", `/webhooks/${source}`, {
    headers: {
      "content-type": "application/json",
      "x-timestamp": timestamp,
      "x-signature": signBody(secret, timestamp, body),
      ...options.headers,
    },
    body,
    ...(options.chunked ? { chunked: true } : {}),
  });
}

/** Waits (bounded) until `check` holds; for the queue workers, which poll. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
