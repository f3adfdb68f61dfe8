// X-API-Key authentication for the routes the sibling tools and operators' scripts call. Several keys
// are valid at once so a key can be rotated without downtime: add the new one, move the clients, remove
// the old one. Every candidate is compared in constant time, and all of them are compared, so the
// answer's timing says nothing about which key (or how much of one) matched.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { HttpProblem } from "./module.ts";

/** Hashing first gives equal-length buffers, which timingSafeEqual needs, whatever the key lengths. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** True when `presented` equals one of `keys` (constant time per key, every key compared). */
export function matchesAnyKey(presented: string, keys: readonly string[]): boolean {
  const given = digest(presented);
  let match = false;
  for (const key of keys) match = timingSafeEqual(given, digest(key)) || match;
  return match;
}

/**
 * A Fastify onRequest hook that refuses a request without a valid X-API-Key (401, the old engine's
 * message) and answers 503 when no key is configured (never an open API by omission).
 */
export function requireApiKey(keys: () => Promise<readonly string[]>) {
  return async (request: FastifyRequest): Promise<void> => {
    const configured = await keys();
    if (configured.length === 0) {
      throw new HttpProblem(503, "not_configured", "no API key is configured: set api.keys in the inventory");
    }
    const header = request.headers["x-api-key"];
    const presented = Array.isArray(header) ? header[0] : header;
    if (presented === undefined || presented === "" || !matchesAnyKey(presented, configured)) {
      throw new HttpProblem(401, "unauthorized", "Invalid or missing API key");
    }
  };
}
