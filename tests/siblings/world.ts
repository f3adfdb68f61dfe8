// A daemon's sibling routes on loopback for the contract tests: a validated inventory (the base fixture
// plus an api.yaml), a store of the chosen backend, the per-IP rows the daemon would hold, and the
// real HTTP server with the siblings module mounted.
import { afterEach } from "vitest";
import type { Validator } from "../../reconciler/contacts/verify/types.ts";
import type { WarmupRow } from "../../reconciler/derive/warmup-table.ts";
import { warmupTable } from "../../reconciler/derive/warmup-table.ts";
import type { HttpServer } from "../../reconciler/http/index.ts";
import { EngineMetrics, startHttpServer } from "../../reconciler/http/index.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import { settingsCache } from "../../reconciler/siblings/config.ts";
import { siblingsHttp } from "../../reconciler/siblings/http.ts";
import type { Store } from "../../reconciler/store/index.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import type { Edit } from "../helpers/inventory.ts";
import { inventoryWith } from "../helpers/inventory.ts";

export const TODAY = "2026-11-24";
export const NOW = new Date("2026-11-24T10:00:00Z");

const servers: HttpServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

export async function loadInventory(apiYaml: string, edits: readonly Edit[] = []): Promise<Inventory> {
  const dir = await inventoryWith([{ file: "api.yaml", content: apiYaml }, ...edits]);
  const result = await validateInventoryDir(dir);
  if (!result.inventory) throw new Error(`test inventory invalid: ${JSON.stringify(result.errors)}`);
  return result.inventory;
}

export async function rowsFor(store: Store, inventory: Inventory): Promise<WarmupRow[]> {
  return warmupTable(inventory, await store.ledger.judgedDays(TODAY), TODAY);
}

export interface World {
  readonly server: HttpServer;
  readonly store: Store;
  inventory: Inventory;
  rows: WarmupRow[];
  readonly logs: string[];
}

export async function startWorld(options: {
  readonly store: Store;
  readonly inventory: Inventory;
  readonly secrets?: Record<string, string>;
  readonly rows?: WarmupRow[];
  readonly validator?: Validator;
  readonly now?: () => Date;
}): Promise<World> {
  const logs: string[] = [];
  const world = {
    store: options.store,
    inventory: options.inventory,
    rows: options.rows ?? (await rowsFor(options.store, options.inventory)),
    logs,
  } as Omit<World, "server">;
  const settings = settingsCache(
    () => world.inventory,
    () => options.secrets ?? {},
  );
  const validator = options.validator;
  const server = await startHttpServer({
    listen: { host: "127.0.0.1", port: 0 },
    deps: {
      status: () => [],
      plan: () => null,
      ready: () => ({ store: true, lastTick: NOW, maxAgeMs: 60_000 }),
      metrics: new EngineMetrics().registry,
    },
    modules: [
      siblingsHttp({
        store: options.store,
        inventory: () => world.inventory,
        ipRows: () => world.rows,
        settings,
        ...(validator ? { validator: () => Promise.resolve(validator) } : {}),
        now: options.now ?? (() => NOW),
        log: (line) => logs.push(line),
      }),
    ],
    onError: (error) => logs.push(String(error)),
  });
  servers.push(server);
  return Object.assign(world, { server });
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = unknown>(): T;
}

/** One HTTP request with exactly the headers given (no client adds its own beyond Host and length). */
export async function raw(
  server: HttpServer,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<RawAnswer> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.address.port,
        method,
        path,
        // A body always goes with its length, as every real client sends it (never chunked).
        headers:
          body === undefined ? headers : { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
        agent: false,
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
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
