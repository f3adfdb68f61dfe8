// POST /webhooks/scraper-pro and POST /webhooks/backlinks-engine: contacts delivered by the sibling
// tools, HMAC-signed (signature.ts), queued for the import pipeline and answered at once.
//
// The checks run cheapest first so an unauthenticated request costs little: configuration (503),
// signature headers and the replay window (401) before the body is read; the body's size (413) while
// it is read; then the HMAC over its raw bytes (401), its shape (400) and the list it names (403).
import type { IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { TransientError } from "../../errors.ts";
import type { HttpModule } from "../../http/module.ts";
import { HttpProblem } from "../../http/module.ts";
import type { Secrets } from "../../inventory/secrets.ts";
import type { Inventory } from "../../inventory/types.gen.ts";
import type { Store } from "../../store/index.ts";
import { readBody } from "./body.ts";
import type { SourceConfig, WebhookSource } from "./config.ts";
import { destination, maxBodyBytes, sourceConfig, WEBHOOK_SOURCES } from "./config.ts";
import type { DeliveryRow } from "./deliveries.ts";
import { deliveryId, getDelivery, insertDelivery, markQueued, sha256Hex } from "./deliveries.ts";
import { PayloadError, parseDelivery } from "./payload.ts";
import type { SignatureHeaders } from "./signature.ts";
import { matchesAnySecret, readSignatureHeaders, SignatureError } from "./signature.ts";
import { queueDelivery } from "./worker.ts";

export interface WebhookDeps {
  readonly store: Store;
  inventory(): Inventory | undefined;
  secrets(): Secrets;
  now(): Date;
  log(line: string): void;
}

/** What Fastify may read at most, whatever the inventory says (the schema's maximum). */
const HARD_BODY_LIMIT = 16 * 1024 * 1024;
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,200}$/;

interface Checked {
  readonly source: SourceConfig;
  readonly inventory: Inventory;
  readonly signature: SignatureHeaders;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function unauthorized(error: SignatureError): HttpProblem {
  return new HttpProblem(401, error.reason === "stale" ? "stale" : "unauthorized", error.message);
}

export function webhookModule(deps: WebhookDeps): HttpModule {
  return {
    name: "contact webhooks",
    register(scope: FastifyInstance) {
      const checked = new WeakMap<FastifyRequest, Checked>();

      // The raw bytes, as signed: no JSON parser runs before the signature is checked.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("application/json", (request: FastifyRequest, payload: IncomingMessage) =>
        readBody(payload, maxBodyBytes(deps.inventory()), header(request, "content-length")),
      );
      scope.addContentTypeParser("*", (_request, _payload, done) => {
        const type = "send the delivery as Content-Type: application/json";
        done(new HttpProblem(415, "unsupported_media_type", type), undefined);
      });

      // An unreadable secret is read again on every request (it may be set later); say so once per
      // message, not on every delivery.
      const said = new Set<string>();
      const logOnce = (line: string) => {
        if (said.has(line) || said.size > 1000) return;
        said.add(line);
        deps.log(line);
      };

      for (const source of Object.keys(WEBHOOK_SOURCES) as WebhookSource[]) {
        scope.post(
          `/webhooks/${source}`,
          {
            bodyLimit: HARD_BODY_LIMIT,
            onRequest: async (request) => {
              const inventory = deps.inventory();
              const config = await sourceConfig(inventory, deps.secrets(), source, logOnce);
              try {
                const signature = readSignatureHeaders(
                  request.headers["x-timestamp"],
                  request.headers["x-signature"],
                  deps.now(),
                );
                checked.set(request, { source: config, inventory: inventory!, signature });
              } catch (error) {
                if (error instanceof SignatureError) throw unauthorized(error);
                throw error;
              }
            },
          },
          async (request, reply) => {
            const state = checked.get(request);
            if (state === undefined) throw new Error("webhook request reached its handler unchecked");
            if (!Buffer.isBuffer(request.body)) {
              throw new HttpProblem(400, "bad_request", "the body is empty: send the delivery as JSON");
            }
            const answer = await receive(deps, state, request.body, header(request, "x-delivery-id"));
            return reply.code(answer.status).type("application/json; charset=utf-8").send(answer.body);
          },
        );
      }
    },
  };
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function receive(
  deps: WebhookDeps,
  { source, inventory, signature }: Checked,
  body: Buffer,
  externalId: string | undefined,
): Promise<Answer> {
  if (!matchesAnySecret(signature, body, source.secrets)) {
    throw new HttpProblem(401, "unauthorized", "invalid signature: X-Signature does not match the body");
  }
  if (externalId !== undefined && !DELIVERY_ID.test(externalId)) {
    throw new HttpProblem(
      400,
      "bad_request",
      "X-Delivery-Id: 1 to 200 letters, digits, '.', '_', ':' or '-'",
    );
  }
  let delivery;
  try {
    delivery = parseDelivery(body);
  } catch (error) {
    if (error instanceof PayloadError) throw new HttpProblem(400, "bad_request", error.message);
    throw error;
  }
  const { tenant, list } = destination(inventory, source, delivery);
  const bodySha256 = sha256Hex(body);
  const id = deliveryId(
    source.source,
    externalId === undefined
      ? { timestamp: signature.timestamp, signature: signature.signatureHex, bodySha256 }
      : { externalId },
  );
  const receivedAt = deps.now();
  const sql = deps.store.sql;
  const inserted = await insertDelivery(sql, {
    id,
    source: source.source,
    label: delivery.source,
    externalId,
    bodySha256,
    tenant,
    list,
    collectedAt: delivery.collectedAt ?? receivedAt.toISOString(),
    legalBasis: source.config.legalBasis,
    receivedAt,
    contacts: delivery.contacts,
  });
  const row = inserted ?? (await getDelivery(sql, id));
  if (row === undefined) throw new TransientError(`delivery ${id} vanished while it was being stored`);
  if (inserted === null && row.bodySha256 !== bodySha256) {
    throw new HttpProblem(
      409,
      "conflict",
      `X-Delivery-Id ${externalId ?? ""} was already used for a different body: give each delivery its own id`,
    );
  }
  await ensureQueued(deps, row);
  if (inserted === null) return { status: 200, body: { duplicate: true, delivery: id } };
  deps.log(
    `webhook ${source.source}: delivery ${id} accepted (${row.contacts} contacts for ${tenant}/${list})`,
  );
  return { status: 202, body: { accepted: true, delivery: id, contacts: row.contacts } };
}

/**
 * Queues the delivery's import unless that was done: a delivery whose queueing failed the first time
 * (503 answered) is queued by the sender's retry. The queue's idempotency key makes a second send a
 * no-op, so two concurrent retries still give one job.
 */
async function ensureQueued(deps: WebhookDeps, row: DeliveryRow): Promise<void> {
  if (row.state !== "received") return;
  let jobId: string | null;
  try {
    jobId = await queueDelivery(await deps.store.queue(), row.id);
  } catch (error) {
    throw new TransientError(`cannot queue delivery ${row.id}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  await markQueued(deps.store.sql, row.id, jobId, deps.now());
}
