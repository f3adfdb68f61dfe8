// POST /api/v1/webhooks/pmta-bounce and /pmta-delivery, the PowerMTA accounting pipes' endpoints:
// an address allow-list (socket peer only; no forwarded-for header is trusted), an optional HMAC
// signature over the raw body, a small body limit; then the event is recorded (record.ts) and its
// feedback queued for Scraper-Pro. The answers are the old engine's, field for field.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { HttpProblem } from "../../http/module.ts";
import type { Inventory } from "../../inventory/types.gen.ts";
import type { JobQueue } from "../../queue/index.ts";
import type { SqlClient } from "../../store/sql.ts";
import type { SiblingSettings } from "../config.ts";
import { peerAllowed, plainPeer } from "../config.ts";
import { enqueueFeedback } from "../feedback/queue.ts";
import type { Recorded } from "./record.ts";
import { checkSignature, parseBounce, parseDelivery } from "./payload.ts";
import { recordBounce, recordDelivery } from "./record.ts";

/** A bounce is a few hundred bytes; 16 KiB leaves room for a long diagnostic. */
export const WEBHOOK_BODY_LIMIT = 16 * 1024;

export interface WebhookDeps {
  readonly sql: SqlClient;
  queue(): Promise<JobQueue>;
  inventory(): Inventory | undefined;
  settings(): Promise<SiblingSettings | undefined>;
  now(): Date;
  log(line: string): void;
}

async function admitted(deps: WebhookDeps, request: FastifyRequest) {
  const inventory = deps.inventory();
  const settings = await deps.settings();
  if (!inventory || !settings)
    throw new HttpProblem(503, "not_ready", "the daemon has no valid inventory yet: retry shortly");
  if (settings.pmta.secretMissing) {
    throw new HttpProblem(
      503,
      "not_configured",
      "api.pmta.secret is set but cannot be read: see the daemon's log",
    );
  }
  const peer = request.socket.remoteAddress;
  if (!peerAllowed(peer, settings.pmta.allow)) {
    throw new HttpProblem(
      403,
      "forbidden",
      `${plainPeer(peer)} is not allowed to post PowerMTA events: add it to api.pmta.allow in the inventory`,
    );
  }
  return { inventory, settings, peer: plainPeer(peer) };
}

/** Queues the feedback; a queue failure is logged and answered as not forwarded (never a second count). */
async function forward(
  deps: WebhookDeps,
  settings: SiblingSettings,
  recorded: Recorded,
  payload: Parameters<typeof enqueueFeedback>[2],
) {
  if (settings.feedback === undefined || !recorded.reported) return false;
  try {
    return (await enqueueFeedback(await deps.queue(), settings.feedback, payload)) !== null;
  } catch (error) {
    deps.log(`pmta webhook: could not queue the ${payload.kind} feedback: ${(error as Error).message}`);
    return false;
  }
}

/** The old engine's limit on its PowerMTA webhooks, per posting address. */
const PIPE_RATE = { max: 200, timeWindow: "1 minute" };

export function registerPmtaWebhooks(scope: FastifyInstance, deps: WebhookDeps): void {
  // The raw bytes are needed for the signature: parse nothing here, whatever the content type says.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    "*",
    { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT },
    (_request, body, done) => {
      done(null, body);
    },
  );
  const raw = (request: FastifyRequest) => (Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));

  // The allow-list is checked before the body is read.
  scope.addHook("onRequest", async (request) => {
    await admitted(deps, request);
  });

  scope.post(
    "/api/v1/webhooks/pmta-bounce",
    { bodyLimit: WEBHOOK_BODY_LIMIT, config: { rateLimit: PIPE_RATE } },
    async (request) => {
      const { inventory, settings, peer } = await admitted(deps, request);
      checkSignature(settings.pmta.secret, request.headers["x-webhook-signature"], raw(request));
      const body = parseBounce(raw(request));
      const recorded = await recordBounce({
        sql: deps.sql,
        inventory,
        ledgerServers: settings.pmta.ledger,
        body,
        peer,
        now: deps.now(),
      });
      const forwarded = await forward(deps, settings, recorded, {
        kind: "bounce",
        email: body.email,
        bounce_type: body.bounce_type,
      });
      return {
        received: true,
        forwarded_to_scraper_pro: forwarded,
        email: body.email,
        bounce_type: body.bounce_type,
      };
    },
  );

  scope.post(
    "/api/v1/webhooks/pmta-delivery",
    { bodyLimit: WEBHOOK_BODY_LIMIT, config: { rateLimit: PIPE_RATE } },
    async (request) => {
      const { inventory, settings, peer } = await admitted(deps, request);
      checkSignature(settings.pmta.secret, request.headers["x-webhook-signature"], raw(request));
      const body = parseDelivery(raw(request));
      const recorded = await recordDelivery({
        sql: deps.sql,
        inventory,
        ledgerServers: settings.pmta.ledger,
        body,
        peer,
        now: deps.now(),
      });
      const forwarded = await forward(deps, settings, recorded, {
        kind: "delivery",
        domain: body.domain,
        count: body.count,
      });
      return { received: true, forwarded_to_scraper_pro: forwarded, domain: body.domain, count: body.count };
    },
  );
}
