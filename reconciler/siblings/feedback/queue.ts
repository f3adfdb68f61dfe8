// Feedback to Scraper-Pro through the durable job queue: a webhook enqueues, a worker sends. A failed
// attempt is retried by the queue with backoff, re-signed each time; a feedback out of retries is
// written to feedback_failures (visible with `email-engine siblings feedback --failed`, logged, and
// retried by `siblings feedback retry ID`) rather than dropped.
import type { Job, JobQueue } from "../../queue/index.ts";
import type { SqlQuerier } from "../../store/sql.ts";
import type { FeedbackPolicy, FeedbackSettings } from "../config.ts";
import type { FeedbackPayload } from "./body.ts";
import { sendFeedback } from "./send.ts";

export const FEEDBACK_QUEUE = "scraper-pro-feedback";

export interface FeedbackJob {
  readonly payload: FeedbackPayload;
  /** Retries allowed when it was enqueued (the queue's retryLimit), to know which attempt is the last. */
  readonly retries: number;
}

/** The URL a payload goes to, or undefined when that kind of feedback is not configured. */
export function feedbackUrl(settings: FeedbackPolicy, payload: FeedbackPayload): string | undefined {
  return payload.kind === "bounce" ? settings.bounceUrl : settings.deliveryUrl;
}

/** Enqueues a feedback when its kind is configured; resolves to the job id, or null when not sent. */
export async function enqueueFeedback(
  queue: JobQueue,
  settings: FeedbackPolicy | undefined,
  payload: FeedbackPayload,
  idempotencyKey?: string,
): Promise<string | null> {
  if (settings === undefined || feedbackUrl(settings, payload) === undefined) return null;
  const data: FeedbackJob = { payload, retries: settings.retries };
  return queue.send(FEEDBACK_QUEUE, data, {
    retryLimit: settings.retries,
    retryDelaySeconds: settings.retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: Math.ceil(settings.timeoutMs / 1000) + 30,
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  });
}

export interface WorkerDeps {
  readonly sql: SqlQuerier;
  /** The feedback settings of the inventory in force, read at each attempt (a rotated secret applies). */
  settings(): Promise<FeedbackSettings | undefined>;
  now(): Date;
  log(line: string): void;
}

/** The handler of one attempt. Throws to have the queue retry; records the last failed attempt. */
export function feedbackHandler(deps: WorkerDeps) {
  return async (job: Job<FeedbackJob>): Promise<void> => {
    const { payload } = job.data;
    try {
      const settings = await deps.settings();
      const url = settings === undefined ? undefined : feedbackUrl(settings, payload);
      if (settings === undefined || url === undefined) {
        throw new Error(`${payload.kind} feedback is no longer configured (api.feedback in the inventory)`);
      }
      await sendFeedback(payload, {
        url,
        secret: settings.secret,
        timeoutMs: settings.timeoutMs,
        now: () => deps.now(),
      });
    } catch (error) {
      const message = (error as Error).message;
      if (job.retryCount >= job.data.retries) {
        await recordFailure(deps.sql, job, message, deps.now());
        deps.log(
          `feedback ${job.id} (${payload.kind}) failed after ${job.retryCount + 1} attempts, kept for \`email-engine siblings feedback --failed\`: ${message}`,
        );
      }
      throw error;
    }
  };
}

async function recordFailure(
  sql: SqlQuerier,
  job: Job<FeedbackJob>,
  message: string,
  at: Date,
): Promise<void> {
  await sql.query(
    `INSERT INTO feedback_failures (job_id, kind, payload, attempts, last_error, failed_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (job_id) DO UPDATE SET attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error,
       failed_at = EXCLUDED.failed_at`,
    [job.id, job.data.payload.kind, JSON.stringify(job.data.payload), job.retryCount + 1, message, at],
  );
}

export interface FeedbackFailure {
  readonly id: number;
  readonly jobId: string;
  readonly kind: string;
  readonly payload: FeedbackPayload;
  readonly attempts: number;
  readonly lastError: string;
  readonly failedAt: string;
  readonly retriedAt: string | null;
  readonly retryJobId: string | null;
}

/** Failures, oldest first; `pending` only: those not retried yet. */
export async function listFailures(sql: SqlQuerier, pendingOnly: boolean): Promise<FeedbackFailure[]> {
  const rows = await sql.query<{
    id: string | number;
    job_id: string;
    kind: string;
    payload: FeedbackPayload | string;
    attempts: number;
    last_error: string;
    failed_at: Date | string;
    retried_at: Date | string | null;
    retry_job_id: string | null;
  }>(
    `SELECT id, job_id, kind, payload, attempts, last_error, failed_at, retried_at, retry_job_id
       FROM feedback_failures WHERE ($1::boolean IS NOT TRUE OR retried_at IS NULL) ORDER BY id`,
    [pendingOnly],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    jobId: r.job_id,
    kind: r.kind,
    payload: typeof r.payload === "string" ? (JSON.parse(r.payload) as FeedbackPayload) : r.payload,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    failedAt: new Date(r.failed_at).toISOString(),
    retriedAt: r.retried_at === null ? null : new Date(r.retried_at).toISOString(),
    retryJobId: r.retry_job_id,
  }));
}

/** Puts a failure back on the queue (a fresh job, full retries) and marks it retried. */
export async function retryFailure(
  sql: SqlQuerier,
  queue: JobQueue,
  id: number,
  options: { retries: number; retryDelaySeconds: number; now: Date },
): Promise<{ failure: FeedbackFailure; jobId: string } | undefined> {
  const failure = (await listFailures(sql, false)).find((f) => f.id === id);
  if (!failure) return undefined;
  const data: FeedbackJob = { payload: failure.payload, retries: options.retries };
  const jobId = await queue.send(FEEDBACK_QUEUE, data, {
    retryLimit: options.retries,
    retryDelaySeconds: options.retryDelaySeconds,
    retryBackoff: true,
  });
  if (jobId === null) throw new Error(`the queue refused feedback failure ${id}`);
  await sql.query("UPDATE feedback_failures SET retried_at = $2, retry_job_id = $3 WHERE id = $1", [
    id,
    options.now,
    jobId,
  ]);
  return { failure, jobId };
}
