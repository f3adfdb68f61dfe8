// The sibling tools' HTTP module: GET /health (open), the PowerMTA pipes' webhooks (allow-list and
// signature), and the old v1 API (X-API-Key), each in a Fastify scope of its own.
import rateLimit from "@fastify/rate-limit";
import type { HttpModule } from "../http/module.ts";
import { HttpProblem } from "../http/module.ts";
import type { Validator } from "../contacts/verify/types.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { Store } from "../store/index.ts";
import type { WarmupRow } from "../derive/warmup-table.ts";
import type { SiblingSettings } from "./config.ts";
import { registerHealth } from "./health.ts";
import { registerPmtaWebhooks } from "./pmta-webhooks/routes.ts";
import { registerV1 } from "./v1/routes.ts";

export interface SiblingHttpDeps {
  readonly store: Store;
  inventory(): Inventory | undefined;
  ipRows(): readonly WarmupRow[];
  settings(): Promise<SiblingSettings | undefined>;
  validator?(): Promise<Validator>;
  now(): Date;
  log(line: string): void;
}

export function siblingsHttp(deps: SiblingHttpDeps): HttpModule {
  return {
    name: "sibling tools (old v1 API, PowerMTA webhooks)",
    async register(scope) {
      // The old engine's per-client limits (200/min on the PowerMTA webhooks, 10/min on validation),
      // which were declared there but partly never enforced; per route, by peer address, in memory
      // (one daemon answers the siblings).
      await scope.register(rateLimit, {
        global: false,
        errorResponseBuilder: (_request, context) =>
          new HttpProblem(
            429,
            "rate_limited",
            `Rate limit exceeded: at most ${context.max} requests per ${context.after}`,
          ),
      });
      registerHealth(scope, {
        sql: deps.store.sql,
        inventory: () => deps.inventory(),
        now: () => deps.now(),
      });
      await scope.register((webhooks, _options, done) => {
        registerPmtaWebhooks(webhooks, {
          sql: deps.store.sql,
          queue: () => deps.store.queue(),
          inventory: () => deps.inventory(),
          settings: () => deps.settings(),
          now: () => deps.now(),
          log: (line) => deps.log(line),
        });
        done();
      });
      await scope.register((v1, _options, done) => {
        registerV1(v1, deps);
        done();
      });
    },
  };
}
