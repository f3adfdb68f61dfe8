// Reading a request body with a limit decided per request (the inventory's, which may change while
// the daemon runs), as Fastify's own parser does with a fixed one: a Content-Length over the limit is
// refused before a byte is read, and a chunked body is cut off as soon as it passes the limit.
import type { Readable } from "node:stream";
import { HttpProblem } from "../../http/module.ts";

export function tooLarge(limit: number): HttpProblem {
  return new HttpProblem(413, "too_large", `the body is larger than ${limit} bytes: send less per request`);
}

/** The declared length, or undefined; a malformed header is the client's error. */
export function declaredLength(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(header))
    throw new HttpProblem(400, "bad_request", "Content-Length is not a number");
  return Number(header);
}

/**
 * Calls `onChunk` for each chunk of `payload` until it ends; rejects with 413 past `limit` bytes (the
 * rest is never read: Fastify closes the connection after an error from a body parser).
 */
export function readLimited(
  payload: Readable,
  limit: number,
  contentLength: string | undefined,
  onChunk: (chunk: Buffer) => void | Promise<void>,
): Promise<number> {
  const declared = declaredLength(contentLength);
  if (declared !== undefined && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    let received = 0;
    let settled = false;
    // The last chunk's write: the end waits for it.
    let pending: Promise<void> = Promise.resolve();
    const finish = (error: unknown) => {
      if (settled) return;
      settled = true;
      payload.off("data", onData);
      payload.off("end", onEnd);
      payload.off("error", finish);
      if (error === undefined) resolve(received);
      else reject(error instanceof Error ? error : new Error("the request body could not be read"));
    };
    const onData = (data: Buffer | string) => {
      const chunk = typeof data === "string" ? Buffer.from(data) : data;
      received += chunk.length;
      if (received > limit) return finish(tooLarge(limit));
      const result = onChunk(chunk);
      if (result instanceof Promise) {
        // Back-pressure: a slow sink (a file on disk) pauses the socket instead of buffering.
        payload.pause();
        pending = result.then(
          () => {
            if (!settled) payload.resume();
          },
          (error: unknown) => finish(error),
        );
      }
    };
    const onEnd = () => {
      if (declared !== undefined && received !== declared) {
        finish(
          new HttpProblem(
            400,
            "bad_request",
            `the body has ${received} bytes, Content-Length said ${declared}`,
          ),
        );
      } else void pending.then(() => finish(undefined));
    };
    payload.on("data", onData);
    payload.on("end", onEnd);
    payload.on("error", finish);
    payload.resume();
  });
}

/** The whole body as one buffer, at most `limit` bytes. */
export async function readBody(
  payload: Readable,
  limit: number,
  contentLength: string | undefined,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const size = await readLimited(payload, limit, contentLength, (chunk) => {
    chunks.push(chunk);
  });
  return Buffer.concat(chunks, size);
}
