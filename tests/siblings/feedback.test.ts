// Feedback to Scraper-Pro through the durable queue, checked by a small receiver that verifies the
// signature the way Scraper-Pro does (reference existing-engine §2.1: both headers, timestamp within
// ±300 s of its clock, hex HMAC-SHA256 of "<ts>.<raw body>", constant-time comparison). It answers
// 500 for a while, then 200: every attempt is re-signed with a fresh timestamp, nothing is lost, and
// what runs out of retries stays visible and can be retried from the CLI.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { FeedbackSettings } from "../../reconciler/siblings/config.ts";
import { feedbackBody, pythonJson } from "../../reconciler/siblings/feedback/body.ts";
import type { FeedbackJob } from "../../reconciler/siblings/feedback/queue.ts";
import {
  enqueueFeedback,
  FEEDBACK_QUEUE,
  feedbackHandler,
  listFailures,
} from "../../reconciler/siblings/feedback/queue.ts";
import { openStore } from "../../reconciler/store/index.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { cli, tempDataDir } from "../helpers/cli.ts";

const SECRET = "scraper-pro-hmac-secret";

interface Received {
  readonly path: string;
  readonly timestamp: string;
  readonly body: string;
  readonly verdict: number;
}

/** Scraper-Pro's receiver: verify, then answer 500 for the first `failures` valid requests, 200 after. */
async function scraperPro(options: { failures: number; clock: () => number }) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["x-signature"] ?? "");
      const timestamp = String(req.headers["x-timestamp"] ?? "");
      let status: number;
      if (!signature || !timestamp || req.headers["content-type"] !== "application/json") status = 401;
      else if (!/^-?\d+$/.test(timestamp) || Math.abs(options.clock() - Number(timestamp)) > 300)
        status = 401;
      else {
        const expected = Buffer.from(
          createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex"),
        );
        const given = Buffer.from(signature);
        status = given.length === expected.length && timingSafeEqual(given, expected) ? 200 : 401;
      }
      const validSoFar = received.filter((r) => r.verdict !== 401).length;
      if (status === 200 && validSoFar < options.failures) status = 500;
      received.push({ path: req.url ?? "", timestamp, body, verdict: status });
      res.writeHead(status, { "content-type": "application/json" }).end('{"status":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received };
}

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A sender's clock that moves 100 s on each reading, so every attempt has its own timestamp. */
function steppingClock() {
  let t = Date.now();
  return {
    now: () => new Date((t += 100_000)),
    seconds: () => Math.floor(t / 1000),
  };
}

describe("feedback bodies", () => {
  it("are written byte for byte as Python's json.dumps(sort_keys=True)", () => {
    expect(feedbackBody({ kind: "bounce", email: "a@b.c", bounce_type: "hard" })).toBe(
      '{"bounce_type": "hard", "email": "a@b.c"}',
    );
    expect(feedbackBody({ kind: "delivery", domain: "b.c", count: 3 })).toBe('{"count": 3, "domain": "b.c"}');
    expect(pythonJson({ email: 'é"\\\n😀\u007f' })).toBe(
      '{"email": "\\u00e9\\"\\\\\\n\\ud83d\\ude00\\u007f"}',
    );
  });
});

describe("feedback queue (PostgreSQL)", () => {
  it("retries a 500 with a fresh signature each time until Scraper-Pro answers 200", async () => {
    const store = await BACKENDS[1]!.open();
    const clock = steppingClock();
    const receiver = await scraperPro({ failures: 2, clock: clock.seconds });
    const settings: FeedbackSettings = {
      bounceUrl: `${receiver.url}/api/v1/contacts/bounce-feedback`,
      deliveryUrl: `${receiver.url}/api/v1/contacts/delivery-feedback`,
      secret: SECRET,
      retries: 4,
      retryDelaySeconds: 1,
      timeoutMs: 2000,
    };
    const queue = await store.queue();
    await enqueueFeedback(queue, settings, { kind: "bounce", email: "bob@gmail.com", bounce_type: "hard" });
    await enqueueFeedback(queue, settings, { kind: "delivery", domain: "gmail.com", count: 3 });
    const logs: string[] = [];
    await queue.work<FeedbackJob>(
      FEEDBACK_QUEUE,
      feedbackHandler({
        sql: store.sql,
        settings: () => Promise.resolve(settings),
        now: clock.now,
        log: (l) => logs.push(l),
      }),
      { pollSeconds: 0.5 },
    );
    await until(async () => (await queue.counts(FEEDBACK_QUEUE)).completed === 2);
    // Two answered 500, then each was delivered: nothing lost, nothing sent after its 200.
    expect(
      receiver.received
        .filter((r) => r.verdict === 200)
        .map((r) => [r.path, r.body])
        .sort(),
    ).toEqual([
      ["/api/v1/contacts/bounce-feedback", '{"bounce_type": "hard", "email": "bob@gmail.com"}'],
      ["/api/v1/contacts/delivery-feedback", '{"count": 3, "domain": "gmail.com"}'],
    ]);
    expect(receiver.received.map((r) => r.verdict).sort()).toEqual([200, 200, 500, 500]);
    // Every attempt carried its own timestamp, and every signature verified (no 401).
    expect(new Set(receiver.received.map((r) => r.timestamp)).size).toBe(4);
    expect(await listFailures(store.sql, false)).toEqual([]);
    expect(logs).toEqual([]);
  });
});

describe("feedback out of retries", () => {
  it("is kept in feedback_failures and said in the log, not dropped (PostgreSQL)", async () => {
    const store = await BACKENDS[1]!.open();
    const clock = steppingClock();
    const receiver = await scraperPro({ failures: 1_000, clock: clock.seconds });
    const settings: FeedbackSettings = {
      bounceUrl: `${receiver.url}/api/v1/contacts/bounce-feedback`,
      deliveryUrl: undefined,
      secret: SECRET,
      retries: 1,
      retryDelaySeconds: 1,
      timeoutMs: 2000,
    };
    const logs: string[] = [];
    const queue = await store.queue();
    await enqueueFeedback(queue, settings, {
      kind: "bounce",
      email: "eve@example.org",
      bounce_type: "complaint",
    });
    // Not configured: a delivery is not queued at all (forwarded_to_scraper_pro: false).
    expect(
      await enqueueFeedback(queue, settings, { kind: "delivery", domain: "x.org", count: 1 }),
    ).toBeNull();
    await queue.work<FeedbackJob>(
      FEEDBACK_QUEUE,
      feedbackHandler({
        sql: store.sql,
        settings: () => Promise.resolve(settings),
        now: clock.now,
        log: (l) => logs.push(l),
      }),
      { pollSeconds: 0.5 },
    );
    await until(async () => (await queue.counts(FEEDBACK_QUEUE)).failed === 1);
    expect(receiver.received.map((r) => r.verdict)).toEqual([500, 500]);
    const failures = await listFailures(store.sql, true);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      kind: "bounce",
      attempts: 2,
      payload: { kind: "bounce", email: "eve@example.org", bounce_type: "complaint" },
      retriedAt: null,
    });
    expect(failures[0]!.lastError).toContain("HTTP 500");
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain("failed after 2 attempts");
  });

  it("is listed by `siblings feedback --failed` and sent again by `siblings feedback retry ID` (embedded store)", async () => {
    const dataDir = await tempDataDir();
    const seeded = await openStore({ dataDir });
    try {
      await seeded.sql.query(
        `INSERT INTO feedback_failures (job_id, kind, payload, attempts, last_error, failed_at)
         VALUES ('job-1', 'bounce', '{"kind":"bounce","email":"eve@example.org","bounce_type":"complaint"}', 11,
                 'bounce feedback to http://127.0.0.1:8001/api/v1/contacts/bounce-feedback: HTTP 500', '2026-11-24T09:00:00Z')`,
      );
    } finally {
      await seeded.close();
    }
    const listed = await cli(["siblings", "feedback", "--failed", "--json", "--data-dir", dataDir]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        id: 1,
        jobId: "job-1",
        kind: "bounce",
        payload: { kind: "bounce", email: "eve@example.org", bounce_type: "complaint" },
        attempts: 11,
        lastError: "bounce feedback to http://127.0.0.1:8001/api/v1/contacts/bounce-feedback: HTTP 500",
        failedAt: "2026-11-24T09:00:00.000Z",
        retriedAt: null,
        retryJobId: null,
      },
    ]);
    const retried = await cli(["siblings", "feedback", "retry", "1", "--data-dir", dataDir]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain("feedback 1 (complaint eve@example.org) queued again");
    // The queue holds it again, and nothing is waiting for an operator any more.
    const after = await cli(["siblings", "feedback", "--json", "--data-dir", dataDir]);
    expect(JSON.parse(after.stdout)).toMatchObject({ queue: { created: 1 }, failures: [] });
  }, 60_000);
});
