// The old engine's v1 API, X-API-Key protected: the reads its clients use, served from the inventory,
// the daemon's per-IP rows and the store; every write endpoint answers 410 Gone with the inventory
// change that replaces it (gone.ts).
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Validator } from "../../contacts/verify/types.ts";
import { requireApiKey } from "../../http/api-key.ts";
import { HttpProblem } from "../../http/module.ts";
import type { Inventory } from "../../inventory/types.gen.ts";
import type { SiblingSettings } from "../config.ts";
import { keyOfId } from "../ids.ts";
import type { V1Source } from "./data.ts";
import { listBlocklistEvents, listDomains, listIps, listPlans, planStats } from "./data.ts";
import { GONE_ROUTES } from "./gone.ts";
import { parseEmails, VALIDATION_BODY_LIMIT, validateEmails } from "./validation.ts";

export interface V1Deps extends V1Source {
  settings(): Promise<SiblingSettings | undefined>;
  /** The contact validator (domain level); absent: POST /api/v1/validation/emails answers 503. */
  validator?(): Promise<Validator>;
}

function inventoryOf(deps: V1Deps): Inventory {
  const inventory = deps.inventory();
  if (!inventory)
    throw new HttpProblem(503, "not_ready", "the daemon has no valid inventory yet: retry shortly");
  return inventory;
}

function idParam(request: FastifyRequest, name = "id"): number {
  const text = (request.params as Record<string, string | undefined>)[name] ?? "";
  if (!/^[0-9]{1,9}$/.test(text))
    throw new HttpProblem(
      422,
      "invalid_id",
      `${name} must be a positive integer, got ${JSON.stringify(text.slice(0, 40))}`,
    );
  return Number(text);
}

/** FastAPI's boolean query values. */
function boolQuery(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  const text = (typeof value === "string" ? value : "").toLowerCase();
  if (["true", "1", "yes", "on"].includes(text)) return true;
  if (["false", "0", "no", "off"].includes(text)) return false;
  throw new HttpProblem(422, "invalid_query", `${name} must be true or false`);
}

export function registerV1(scope: FastifyInstance, deps: V1Deps): void {
  scope.addHook(
    "onRequest",
    requireApiKey(async () => (await deps.settings())?.keys ?? []),
  );

  scope.get("/api/v1/warmup/plans", async () => listPlans(deps, inventoryOf(deps)));

  scope.get("/api/v1/warmup/plans/:id", async (request) => {
    const id = idParam(request);
    const plan = (await listPlans(deps, inventoryOf(deps))).find((p) => p.id === id);
    if (!plan) throw new HttpProblem(404, "not_found", `warm-up plan ${id} not found`);
    return plan;
  });

  scope.get("/api/v1/warmup/plans/:id/stats", async (request) => {
    const id = idParam(request);
    const address = await keyOfId(deps.store.sql, "plan", id);
    if (address === undefined) throw new HttpProblem(404, "not_found", `warm-up plan ${id} not found`);
    return planStats(deps, address);
  });

  scope.get("/api/v1/ips", async (request) => {
    const query = request.query as Record<string, string | undefined>;
    return (await listIps(deps, inventoryOf(deps))).filter(
      (ip) =>
        (query.status === undefined || ip.status === query.status) &&
        (query.purpose === undefined || ip.purpose === query.purpose) &&
        (query.pmta_node_id === undefined || ip.pmta_node_id === query.pmta_node_id),
    );
  });

  scope.get("/api/v1/ips/:id", async (request) => {
    const id = idParam(request);
    const ip = (await listIps(deps, inventoryOf(deps))).find((i) => i.id === id);
    if (!ip) throw new HttpProblem(404, "not_found", `IP ${id} not found`);
    return ip;
  });

  scope.get("/api/v1/domains", async () => listDomains(deps, inventoryOf(deps)));

  scope.get("/api/v1/domains/:id", async (request) => {
    const id = idParam(request);
    const domain = (await listDomains(deps, inventoryOf(deps))).find((d) => d.id === id);
    if (!domain) throw new HttpProblem(404, "not_found", `domain ${id} not found`);
    return domain;
  });

  scope.get("/api/v1/blacklists/events", async (request) => {
    const query = request.query as Record<string, string | undefined>;
    return listBlocklistEvents(deps, { activeOnly: boolQuery(query.active_only, "active_only") });
  });

  scope.get("/api/v1/blacklists/events/:ip_id", async (request) => {
    const id = idParam(request, "ip_id");
    const address = await keyOfId(deps.store.sql, "ip", id);
    if (address === undefined) throw new HttpProblem(404, "not_found", `IP ${id} not found`);
    return listBlocklistEvents(deps, { activeOnly: false, ip: address });
  });

  scope.post(
    "/api/v1/validation/emails",
    { bodyLimit: VALIDATION_BODY_LIMIT, config: { rateLimit: { max: 10, timeWindow: "1 minute" } } },
    async (request) => {
      const emails = parseEmails(request.body);
      if (!deps.validator)
        throw new HttpProblem(503, "not_available", "the contact validator is not available in this daemon");
      return validateEmails(await deps.validator(), emails);
    },
  );

  // The replaced endpoints answer before their body is read (an onRequest hook of their own scope).
  void scope.register((gone, _options, done) => {
    gone.addHook("onRequest", (request, _reply, next) => {
      const route = GONE_ROUTES.find(
        (r) => r.method === request.method && r.path === request.routeOptions.url,
      );
      const path = (request.url.split("?", 1)[0] ?? "").slice(0, 200);
      next(
        new HttpProblem(
          410,
          "gone",
          `${request.method} ${path} is gone: ${route?.message ?? "see the README"}`,
        ),
      );
    });
    for (const route of GONE_ROUTES) {
      gone.route({ method: route.method, url: route.path, bodyLimit: 1024, handler: () => undefined });
    }
    done();
  });
}
