// The daemon's HTTP surface (Fastify): health, readiness, Prometheus metrics, status and the last
// plan. Read-only and unauthenticated for now, hence loopback by default; bodies are refused, every
// response has a content type, errors are JSON without stack traces, and every wait is bounded.
import Fastify from "fastify";
import type { FastifyError, FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { TransientError } from "../errors.ts";
import type { HttpModule } from "./module.ts";
import { HttpProblem, sendProblem as send } from "./module.ts";
import type { Plan } from "../plan/model.ts";
import { assertNoSecrets } from "../plan/model.ts";
import type { TargetStatus } from "../record/types.ts";
import type { ListenAddress } from "./listen.ts";
import { DEFAULT_LISTEN, listenUrl } from "./listen.ts";
import type { ReadyInfo } from "./ready.ts";
import { evaluateReadiness } from "./ready.ts";
import type { IpStatus } from "./status.ts";
import { statusDocument } from "./status.ts";

type MaybePromise<T> = T | Promise<T>;

export interface HttpDeps {
  status(): MaybePromise<readonly TargetStatus[]>;
  /** Per-IP warm-up state and reason from the last tick (empty before the first). */
  ips?(): MaybePromise<readonly IpStatus[]>;
  /** The last plan computed by the daemon; null before the first. */
  plan(): MaybePromise<Plan | null>;
  ready(): MaybePromise<ReadyInfo>;
  /** The registry GET /metrics renders (EngineMetrics.registry). */
  readonly metrics: Registry;
  /** The clock readiness is judged with (tests pin it). */
  now?(): Date;
}

export interface HttpServerOptions {
  readonly listen?: ListenAddress;
  readonly deps: HttpDeps;
  readonly timeouts?: {
    /** Idle socket before the first request completes (Node's connectionTimeout). */
    readonly connectionMs?: number;
    /** Whole request, headers and body, from the client. */
    readonly requestMs?: number;
    /** How long a handler waits on a dependency (the store) before answering 503. */
    readonly handlerMs?: number;
  };
  /** Routes of other parts of the daemon (webhooks, the siblings' API), each in its own Fastify scope. */
  readonly modules?: readonly HttpModule[];
  /** Told about every failed request's error (the daemon logs it; the client sees no internals). */
  readonly onError?: (error: unknown, route: string) => void;
}

export interface HttpServer {
  readonly url: string;
  readonly address: ListenAddress;
  close(): Promise<void>;
}

const ROUTES = ["/healthz", "/readyz", "/metrics", "/api/v1/status", "/api/v1/plan"] as const;
const READ_METHODS = new Set(["GET", "HEAD"]);

/** The request's path, without the query and cut short, for messages. */
function pathOf(url: string): string {
  const path = url.split("?", 1)[0] ?? "";
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = buildApp(options);
  const listen = options.listen ?? DEFAULT_LISTEN;
  try {
    await app.listen({ host: listen.host, port: listen.port });
  } catch (error) {
    await app.close();
    throw new TransientError(`cannot listen on ${listenUrl(listen)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const bound = app.server.address();
  const address =
    typeof bound === "object" && bound !== null ? { host: listen.host, port: bound.port } : listen;
  return { url: listenUrl(address), address, close: () => app.close() };
}

function buildApp(options: HttpServerOptions): FastifyInstance {
  const { deps } = options;
  const handlerMs = options.timeouts?.handlerMs ?? 5000;
  const app = Fastify({
    logger: false,
    connectionTimeout: options.timeouts?.connectionMs ?? 10_000,
    requestTimeout: options.timeouts?.requestMs ?? 10_000,
    keepAliveTimeout: 5000,
    bodyLimit: 1024,
    forceCloseConnections: true,
    return503OnClosing: true,
  });

  app.addHook("onRequest", async (request, reply) => {
    void reply.headers({ "cache-control": "no-store", "x-content-type-options": "nosniff" });
    const path = pathOf(request.url);
    // Module routes (webhooks, the siblings' API) decide their own methods and bodies.
    if (!(ROUTES as readonly string[]).includes(path)) return;
    if (!READ_METHODS.has(request.method)) {
      if ((ROUTES as readonly string[]).includes(path)) {
        void reply.header("allow", "GET, HEAD");
        throw new HttpProblem(
          405,
          "method_not_allowed",
          `${request.method} is not allowed: this API is read-only`,
        );
      }
    }
    const length = request.headers["content-length"];
    if (request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0")) {
      throw new HttpProblem(
        400,
        "body_not_allowed",
        "request bodies are not accepted: this API is read-only",
      );
    }
  });

  app.setNotFoundHandler((request) => {
    throw new HttpProblem(404, "not_found", `no route ${request.method} ${pathOf(request.url)}`);
  });

  app.setErrorHandler((error: FastifyError | HttpProblem | Error, request, reply) => {
    const route = request.routeOptions.url ?? request.url;
    if (error instanceof HttpProblem) {
      void reply.headers(error.headers);
      return send(reply, error.statusCode, error.code, error.message);
    }
    options.onError?.(error, route);
    if (error instanceof TransientError) return send(reply, 503, "unavailable", error.message);
    const status = "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : 500;
    if (status >= 400 && status < 500) return send(reply, status, "bad_request", error.message);
    return send(reply, 500, "internal", "internal error: see the daemon's log");
  });

  const wait = <T>(what: string, value: MaybePromise<T>) => withTimeout(what, value, handlerMs);

  app.get("/healthz", async (_request, reply) => reply.type("text/plain; charset=utf-8").send("ok\n"));

  app.get("/readyz", async (_request, reply) => {
    let reasons: readonly string[];
    try {
      const info = await wait("the readiness check", deps.ready());
      reasons = evaluateReadiness(info, deps.now?.() ?? new Date()).reasons;
    } catch (error) {
      options.onError?.(error, "/readyz");
      reasons = [error instanceof TransientError ? error.message : "the readiness check failed"];
    }
    const body = reasons.length === 0 ? "ready\n" : `not ready: ${reasons.join("; ")}\n`;
    return reply
      .code(reasons.length === 0 ? 200 : 503)
      .type("text/plain; charset=utf-8")
      .send(body);
  });

  app.get("/metrics", async (_request, reply) => {
    const text = await wait("the metrics", deps.metrics.metrics());
    return reply.type(deps.metrics.contentType).send(text);
  });

  app.get("/api/v1/status", async (_request, reply) => {
    const statuses = await wait("the status", deps.status());
    const ips = deps.ips ? await wait("the IP status", deps.ips()) : [];
    return reply.type("application/json; charset=utf-8").send(statusDocument(statuses, ips));
  });

  app.get("/api/v1/plan", async (_request, reply) => {
    const plan = await wait("the plan", deps.plan());
    if (plan === null)
      throw new HttpProblem(404, "not_found", "no plan yet: the daemon has not planned since it started");
    assertNoSecrets(plan);
    return reply.type("application/json; charset=utf-8").send(plan);
  });

  for (const module of options.modules ?? []) void app.register(async (scope) => module.register(scope));

  return app;
}

async function withTimeout<T>(what: string, value: MaybePromise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransientError(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve(value), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
