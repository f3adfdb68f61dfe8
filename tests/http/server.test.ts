// The daemon's HTTP surface, through real requests over loopback to a server on an ephemeral port.
import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpDeps, HttpServer, ReadyInfo } from "../../reconciler/http/index.ts";
import { EngineMetrics, pingStore, startHttpServer } from "../../reconciler/http/index.ts";
import type { Plan } from "../../reconciler/plan/model.ts";
import type { TargetStatus } from "../../reconciler/record/index.ts";
import { openStore } from "../../reconciler/store/index.ts";
import { uniqueSchema } from "../helpers/postgres.ts";

const NOW = new Date("2026-11-24T12:00:00.000Z");

interface World {
  statuses: TargetStatus[];
  plan: Plan | null;
  ready: ReadyInfo;
  failStatus?: Error;
  hang?: boolean;
  hangPlan?: boolean;
}

const servers: HttpServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function start(world: World, metrics = new EngineMetrics()): Promise<HttpServer> {
  const deps: HttpDeps = {
    status: () => {
      if (world.failStatus) throw world.failStatus;
      return world.statuses;
    },
    plan: () => (world.hangPlan ? new Promise<Plan>(() => undefined) : world.plan),
    ready: () => (world.hang ? new Promise<ReadyInfo>(() => undefined) : world.ready),
    metrics: metrics.registry,
    now: () => NOW,
  };
  const server = await startHttpServer({
    listen: { host: "127.0.0.1", port: 0 },
    deps,
    timeouts: { handlerMs: 300 },
  });
  servers.push(server);
  return server;
}

const healthy = (): World => ({
  statuses: [],
  plan: null,
  ready: { store: true, lastTick: new Date(NOW.getTime() - 60_000), maxAgeMs: 300_000 },
});

const PLAN: Plan = {
  version: 1,
  revision: "0123abc",
  observedDigest: "sha256:feed",
  date: "2026-11-24",
  steps: [
    {
      id: "pmta:vmta:vmta-06",
      system: "pmta",
      action: "create",
      kind: "vmta",
      target: "vmta-06",
      changes: [{ field: "max-smtp-msg-rate", new: "50/d" }],
      reason: "new IP",
    },
  ],
};

describe("daemon HTTP server (integration, loopback)", () => {
  it("binds the address it is given and reports its URL", async () => {
    const server = await start(healthy());
    expect(server.address.host).toBe("127.0.0.1");
    expect(server.address.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.address.port}`);
  });

  it("answers /healthz with 200 ok as text", async () => {
    const server = await start(healthy());
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toBe("ok\n");
  });

  it.each([
    ["a recent tick and a store that answers", {}, 200, "ready\n"],
    [
      "a last tick older than the maximum age",
      { lastTick: new Date(NOW.getTime() - 600_000) },
      503,
      "not ready: the last reconcile tick ended 600 s ago (more than 300 s)\n",
    ],
    ["no tick yet", { lastTick: null }, 503, "not ready: no reconcile tick has finished yet\n"],
    ["a store down", { store: false }, 503, "not ready: the state store does not answer\n"],
    [
      "both",
      { store: false, lastTick: null },
      503,
      "not ready: the state store does not answer; no reconcile tick has finished yet\n",
    ],
    ["an old tick while suspended", { lastTick: new Date(0), suspended: true }, 200, "ready\n"],
  ])("answers /readyz with %s", async (_name, override, status, body) => {
    const world = healthy();
    world.ready = { ...world.ready, ...override };
    const server = await start(world);
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toBe(body);
  });

  it("flips /readyz to 503 when the readiness check hangs, and back when it answers", async () => {
    const world = healthy();
    const server = await start(world);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    world.hang = true;
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe("not ready: the readiness check did not answer within 300 ms\n");
    world.hang = false;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it("flips /readyz to 503 when a real store closes (pingStore)", async () => {
    const store = await openStore({ dataDir: undefined, schema: uniqueSchema() });
    const world = healthy();
    const metrics = new EngineMetrics();
    const server = await startHttpServer({
      listen: { host: "127.0.0.1", port: 0 },
      deps: {
        status: () => [],
        plan: () => null,
        ready: async () => ({ ...world.ready, store: await pingStore(store.sql, 500) }),
        metrics: metrics.registry,
        now: () => NOW,
      },
    });
    servers.push(server);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    await store.close();
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe("not ready: the state store does not answer\n");
  });

  it("serves each target's status with revisions, next run and conditions", async () => {
    const world = healthy();
    world.statuses = [
      {
        target: "inventory",
        state: "stalled",
        reason: "InvalidInventory",
        message: "revision bbb does not validate",
        lastAttemptedRevision: "bbb",
        lastAppliedRevision: "aaa",
        lastAttemptAt: new Date("2026-11-24T11:55:00.000Z"),
        lastSuccessAt: new Date("2026-11-24T11:00:00.000Z"),
        nextRunAt: null,
        validationErrors: ["inventory/ips.yaml:12: duplicate VMTA vmta-01"],
        updatedAt: new Date("2026-11-24T11:55:01.000Z"),
      },
      ...target("host-1"),
    ];
    const server = await start(world);
    const res = await fetch(`${server.url}/api/v1/status`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({
      ips: [],
      targets: [
        {
          target: "host-1",
          state: "ready",
          ready: true,
          reason: "ReconciliationSucceeded",
          message: "applied aaa",
          lastAttemptedRevision: "aaa",
          lastAppliedRevision: "aaa",
          lastAttemptAt: "2026-11-24T11:50:00.000Z",
          lastSuccessAt: "2026-11-24T11:50:02.000Z",
          nextRunAt: "2026-11-24T11:55:00.000Z",
          validationErrors: [],
          updatedAt: "2026-11-24T11:50:02.000Z",
          conditions: [
            { type: "Ready", status: "True", reason: "ReconciliationSucceeded", message: "applied aaa" },
          ],
        },
        {
          target: "inventory",
          state: "stalled",
          ready: false,
          reason: "InvalidInventory",
          message: "revision bbb does not validate",
          lastAttemptedRevision: "bbb",
          lastAppliedRevision: "aaa",
          lastAttemptAt: "2026-11-24T11:55:00.000Z",
          lastSuccessAt: "2026-11-24T11:00:00.000Z",
          nextRunAt: null,
          validationErrors: ["inventory/ips.yaml:12: duplicate VMTA vmta-01"],
          updatedAt: "2026-11-24T11:55:01.000Z",
          conditions: [
            {
              type: "Ready",
              status: "False",
              reason: "InvalidInventory",
              message: "revision bbb does not validate",
            },
            {
              type: "Stalled",
              status: "True",
              reason: "InvalidInventory",
              message: "revision bbb does not validate",
            },
          ],
        },
      ],
    });
  });

  it("serves the last plan as JSON, 404 before the first", async () => {
    const world = healthy();
    const server = await start(world);
    const none = await fetch(`${server.url}/api/v1/plan`);
    expect(none.status).toBe(404);
    expect(none.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await none.json()).toEqual({
      error: { code: "not_found", message: "no plan yet: the daemon has not planned since it started" },
    });
    world.plan = PLAN;
    const res = await fetch(`${server.url}/api/v1/plan`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual(PLAN);
  });

  it("answers 503 in JSON when a dependency does not answer in time", async () => {
    const world = healthy();
    world.hangPlan = true;
    const server = await start(world);
    const res = await fetch(`${server.url}/api/v1/plan`);
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({
      error: { code: "unavailable", message: "the plan did not answer within 300 ms" },
    });
  });

  it("refuses to serve a plan carrying a secret's value, without leaking it", async () => {
    const world = healthy();
    world.plan = {
      ...PLAN,
      steps: [{ ...PLAN.steps[0]!, changes: [{ field: "password", new: "hunter2", sensitive: true }] }],
    };
    const server = await start(world);
    const res = await fetch(`${server.url}/api/v1/plan`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: "internal", message: "internal error: see the daemon's log" },
    });
    expect(text).not.toContain("hunter2");
  });

  it("answers a failing dependency with JSON and no stack trace, and tells onError", async () => {
    const world = healthy();
    world.failStatus = new Error("relation target_status does not exist at /work/main/x.ts:1");
    const seen: string[] = [];
    const metrics = new EngineMetrics();
    const server = await startHttpServer({
      listen: { host: "127.0.0.1", port: 0 },
      deps: {
        status: () => {
          throw world.failStatus!;
        },
        plan: () => null,
        ready: () => world.ready,
        metrics: metrics.registry,
      },
      onError: (error, route) => seen.push(`${route}: ${(error as Error).message}`),
    });
    servers.push(server);
    const res = await fetch(`${server.url}/api/v1/status`);
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: "internal", message: "internal error: see the daemon's log" },
    });
    expect(text).not.toMatch(/relation|\.ts|stack/);
    expect(seen).toEqual(["/api/v1/status: relation target_status does not exist at /work/main/x.ts:1"]);
  });

  it.each(["POST", "PUT", "DELETE", "PATCH"])(
    "refuses %s on a known route with 405 and Allow",
    async (method) => {
      const server = await start(healthy());
      const res = await fetch(`${server.url}/api/v1/status`, {
        method,
        body: method === "DELETE" ? null : "{}",
      });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(await res.json()).toEqual({
        error: { code: "method_not_allowed", message: `${method} is not allowed: this API is read-only` },
      });
    },
  );

  it("refuses a GET that carries a body", async () => {
    const server = await start(healthy());
    const { status, headers, body } = await rawGetWithBody(server, "/healthz", "x=1");
    expect(status).toBe(400);
    expect(headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(body)).toEqual({
      error: { code: "body_not_allowed", message: "request bodies are not accepted: this API is read-only" },
    });
  });

  it("answers an unknown route with a JSON 404", async () => {
    const server = await start(healthy());
    for (const [method, path] of [
      ["GET", "/api/v1/nope?x=1"],
      ["POST", "/admin"],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(await res.json()).toEqual({
        error: { code: "not_found", message: `no route ${method} ${path.split("?")[0]}` },
      });
    }
  });

  it("answers HEAD on a route with its headers and no body", async () => {
    const server = await start(healthy());
    const res = await fetch(`${server.url}/healthz`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toBe("");
  });

  it("serves the metrics registry in the Prometheus text format", async () => {
    const metrics = new EngineMetrics();
    metrics.recordTick({ outcome: "ok", durationSeconds: 1.5, steps: [], plan: PLAN, at: NOW });
    const server = await start(healthy(), metrics);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    expect(text).toContain('email_engine_reconcile_total{outcome="ok"} 1\n');
    expect(text).toContain('email_engine_drift_detected{system="pmta"} 1\n');
  });

  it("refuses to start on an address already in use, with the URL in the message", async () => {
    const first = await start(healthy());
    await expect(
      startHttpServer({
        listen: first.address,
        deps: {
          status: () => [],
          plan: () => null,
          ready: () => healthy().ready,
          metrics: new EngineMetrics().registry,
        },
      }),
    ).rejects.toThrow(`cannot listen on ${first.url}`);
  });
});

function target(name: string): TargetStatus[] {
  return [
    {
      target: name,
      state: "ready",
      reason: "ReconciliationSucceeded",
      message: "applied aaa",
      lastAttemptedRevision: "aaa",
      lastAppliedRevision: "aaa",
      lastAttemptAt: new Date("2026-11-24T11:50:00.000Z"),
      lastSuccessAt: new Date("2026-11-24T11:50:02.000Z"),
      nextRunAt: new Date("2026-11-24T11:55:00.000Z"),
      validationErrors: [],
      updatedAt: new Date("2026-11-24T11:50:02.000Z"),
    },
  ];
}

/** fetch() refuses a GET with a body, so this one is written by hand with node:http. */
function rawGetWithBody(
  server: HttpServer,
  path: string,
  body: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: server.address.host,
        port: server.address.port,
        path,
        method: "GET",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
        },
        timeout: 5000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}
