// The job queue (pg-boss on the store's database) on both backends: a failing handler is retried with
// the job's data intact, a singleton key makes a resend idempotent, and a job out of retries stays
// visible as failed instead of disappearing.
import { describe, expect, it } from "vitest";
import { BACKENDS } from "../helpers/backends.ts";

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(BACKENDS)("job queue on $name", (backend) => {
  it("retries a failing job, then completes it; an idempotency key drops the duplicate", async () => {
    const store = await backend.open();
    const queue = await store.queue();
    const seen: { n: number; retry: number }[] = [];
    const first = await queue.send(
      "t.retry",
      { n: 1 },
      { idempotencyKey: "d-1", retryDelaySeconds: 1, retryBackoff: false },
    );
    const again = await queue.send("t.retry", { n: 1 }, { idempotencyKey: "d-1" });
    expect(first).not.toBeNull();
    expect(again).toBeNull();
    await queue.work<{ n: number }>(
      "t.retry",
      (job) => {
        seen.push({ n: job.data.n, retry: job.retryCount });
        return seen.length < 2 ? Promise.reject(new Error("receiver said 500")) : Promise.resolve();
      },
      { pollSeconds: 0.5 },
    );
    await until(async () => (await queue.counts("t.retry")).completed === 1);
    expect(seen).toEqual([
      { n: 1, retry: 0 },
      { n: 1, retry: 1 },
    ]);
  });

  it("keeps a job that ran out of retries visible as failed", async () => {
    const store = await backend.open();
    const queue = await store.queue();
    await queue.send("t.fail", { what: "x" }, { retryLimit: 1, retryDelaySeconds: 1, retryBackoff: false });
    await queue.work("t.fail", () => Promise.reject(new Error("still 500")), { pollSeconds: 0.5 });
    await until(async () => (await queue.counts("t.fail")).failed === 1);
    const failed = await queue.list("t.fail");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ state: "failed", retryCount: 1, data: { what: "x" } });
  });
});
