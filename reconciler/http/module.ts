// What another part of the daemon adds to its HTTP server: routes registered in a Fastify scope of
// their own (their own body parsers and limits), errors answered in the server's one JSON shape.
import type { FastifyInstance, FastifyReply } from "fastify";

export interface HttpModule {
  /** For messages: "contacts webhooks", "legacy v1 API", … */
  readonly name: string;
  /** Adds routes to `scope`. Give every route with a body an explicit `bodyLimit`. */
  register(scope: FastifyInstance): void | Promise<void>;
}

/** An error answered to the client as is: `{ error: { code, message } }` with statusCode. */
export class HttpProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Extra headers for the answer (Allow, Retry-After, …). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send({ error: { code, message } });
}
