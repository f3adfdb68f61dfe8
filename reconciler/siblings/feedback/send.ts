// One POST of a feedback to Scraper-Pro, signed with a fresh timestamp (its ±300 s window forbids
// replaying an old signature, so every attempt signs again). Only HTTP 200 is success, as for the old
// engine; the answer is read only up to a small bound, and the call is bounded in time.
import { TransientError } from "../../errors.ts";
import type { FeedbackPayload } from "./body.ts";
import { signBody } from "../../contacts/webhooks/signature.ts";
import { feedbackBody } from "./body.ts";

const MAX_ANSWER_BYTES = 16 * 1024;

export interface SendOptions {
  readonly url: string;
  readonly secret: string;
  readonly timeoutMs: number;
  readonly now: () => Date;
}

/** Resolves when Scraper-Pro answered 200; throws a TransientError (retried) otherwise. */
export async function sendFeedback(payload: FeedbackPayload, options: SendOptions): Promise<void> {
  const body = feedbackBody(payload);
  const timestamp = String(Math.floor(options.now().getTime() / 1000));
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-timestamp": timestamp,
        "x-signature": signBody(options.secret, timestamp, body),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const reason =
      (error as Error).name === "TimeoutError"
        ? `no answer within ${options.timeoutMs} ms`
        : (error as Error).message;
    throw new TransientError(`${payload.kind} feedback to ${safeUrl(options.url)}: ${reason}`);
  }
  const answer = await readBounded(response);
  if (response.status !== 200) {
    throw new TransientError(
      `${payload.kind} feedback to ${safeUrl(options.url)}: HTTP ${response.status} ${oneLine(answer)}`.trim(),
    );
  }
}

/** The URL without credentials or query, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ANSWER_BYTES) {
      const next = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (next.done || next.value === undefined) break;
      chunks.push(next.value);
      size += next.value.byteLength;
    }
  } catch {
    // A broken answer body: the status code is what counts.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString("utf8");
}
