// The daemon's metrics, rendered by prom-client from what the daemon feeds after a tick.
import { describe, expect, it } from "vitest";
import { EngineMetrics } from "../../reconciler/http/index.ts";
import type { WarmupMetricRow } from "../../reconciler/http/index.ts";
import type { Plan } from "../../reconciler/plan/model.ts";

const PLAN: Pick<Plan, "steps"> = {
  steps: [
    {
      id: "mailwizz:delivery-server:ip-06",
      system: "mailwizz",
      action: "create",
      kind: "delivery-server",
      target: "ip-06",
      changes: [],
    },
    {
      id: "pmta:vmta:vmta-05",
      system: "pmta",
      action: "update",
      kind: "vmta",
      target: "vmta-05",
      changes: [],
    },
    {
      id: "pmta:vmta:vmta-06",
      system: "pmta",
      action: "create",
      kind: "vmta",
      target: "vmta-06",
      changes: [],
    },
  ],
};

const ROWS: WarmupMetricRow[] = [
  { ip: "203.0.113.10", vmta: "vmta-01", domain: "mail.example.com", day: 8, quota: 200, state: "warming" },
  { ip: "203.0.113.11", vmta: "vmta-02", domain: "mail.example.com", day: 3, quota: 0, state: "paused" },
];

/** The lines of one family (its samples), without HELP and TYPE. */
function samples(text: string, name: string): string[] {
  return text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe("engine metrics", () => {
  it("exports every outcome and system at 0 before the first tick", async () => {
    const text = await new EngineMetrics().registry.metrics();
    expect(samples(text, "email_engine_reconcile_total")).toEqual([
      'email_engine_reconcile_total{outcome="ok"} 0',
      'email_engine_reconcile_total{outcome="stalled"} 0',
      'email_engine_reconcile_total{outcome="transient"} 0',
      'email_engine_reconcile_total{outcome="internal"} 0',
      'email_engine_reconcile_total{outcome="skipped"} 0',
    ]);
    expect(samples(text, "email_engine_drift_detected")).toEqual([
      'email_engine_drift_detected{system="pmta"} 0',
      'email_engine_drift_detected{system="mailwizz"} 0',
    ]);
    expect(samples(text, "email_engine_reconcile_duration_seconds_count")).toContain(
      'email_engine_reconcile_duration_seconds_count{outcome="ok"} 0',
    );
    expect(samples(text, "email_engine_last_success_timestamp_seconds")).toEqual([
      "email_engine_last_success_timestamp_seconds 0",
    ]);
    expect(text).toContain("# TYPE email_engine_reconcile_duration_seconds histogram\n");
    expect(text).toContain("# TYPE email_engine_steps_applied_total counter\n");
  });

  it("records a tick's outcome, duration, steps, drift and success time", async () => {
    const metrics = new EngineMetrics();
    metrics.recordTick({
      outcome: "ok",
      durationSeconds: 1.5,
      plan: PLAN,
      steps: [
        { system: "pmta", action: "create", status: "Success" },
        { system: "pmta", action: "update", status: "Success" },
        { system: "mailwizz", action: "create", status: "Error" },
      ],
      at: new Date("2026-11-24T12:00:00.000Z"),
    });
    metrics.recordTick({ outcome: "transient", durationSeconds: 0.2, plan: null });
    metrics.recordTick({
      outcome: "ok",
      durationSeconds: 0.3,
      steps: [{ system: "pmta", action: "create", status: "Success" }],
    });
    const text = await metrics.registry.metrics();
    expect(samples(text, "email_engine_reconcile_total")).toEqual([
      'email_engine_reconcile_total{outcome="ok"} 2',
      'email_engine_reconcile_total{outcome="stalled"} 0',
      'email_engine_reconcile_total{outcome="transient"} 1',
      'email_engine_reconcile_total{outcome="internal"} 0',
      'email_engine_reconcile_total{outcome="skipped"} 0',
    ]);
    expect(samples(text, "email_engine_steps_applied_total")).toEqual([
      'email_engine_steps_applied_total{system="pmta",action="create",status="Success"} 2',
      'email_engine_steps_applied_total{system="pmta",action="update",status="Success"} 1',
      'email_engine_steps_applied_total{system="mailwizz",action="create",status="Error"} 1',
    ]);
    // A tick without a plan (null) keeps the last drift.
    expect(samples(text, "email_engine_drift_detected")).toEqual([
      'email_engine_drift_detected{system="pmta"} 2',
      'email_engine_drift_detected{system="mailwizz"} 1',
    ]);
    expect(text).toContain('email_engine_reconcile_duration_seconds_bucket{le="1",outcome="ok"} 1\n');
    expect(text).toContain('email_engine_reconcile_duration_seconds_bucket{le="2.5",outcome="ok"} 2\n');
    expect(text).toContain('email_engine_reconcile_duration_seconds_sum{outcome="ok"} 1.8\n');
    expect(text).toContain('email_engine_reconcile_duration_seconds_count{outcome="transient"} 1\n');
    expect(samples(text, "email_engine_last_success_timestamp_seconds")).toEqual([
      "email_engine_last_success_timestamp_seconds 1795521600",
    ]);

    metrics.recordPlan({ steps: [] });
    expect(samples(await metrics.registry.metrics(), "email_engine_drift_detected")).toEqual([
      'email_engine_drift_detected{system="pmta"} 0',
      'email_engine_drift_detected{system="mailwizz"} 0',
    ]);
  });

  it("refuses a negative or non-finite duration", () => {
    const metrics = new EngineMetrics();
    expect(() => metrics.recordTick({ outcome: "ok", durationSeconds: -1 })).toThrow(RangeError);
    expect(() => metrics.recordTick({ outcome: "ok", durationSeconds: Number.NaN })).toThrow(RangeError);
  });

  it("exports quota, warm-up day and state per IP, replacing the previous table", async () => {
    const metrics = new EngineMetrics();
    metrics.setWarmup([
      ...ROWS,
      { ip: "203.0.113.99", vmta: "vmta-99", domain: "old.example.com", day: 1, quota: 50, state: "warming" },
    ]);
    metrics.setWarmup(ROWS);
    const text = await metrics.registry.metrics();
    expect(samples(text, "email_engine_ip_daily_quota")).toEqual([
      'email_engine_ip_daily_quota{ip="203.0.113.10",vmta="vmta-01",domain="mail.example.com"} 200',
      'email_engine_ip_daily_quota{ip="203.0.113.11",vmta="vmta-02",domain="mail.example.com"} 0',
    ]);
    expect(samples(text, "email_engine_ip_warmup_day")).toEqual([
      'email_engine_ip_warmup_day{ip="203.0.113.10",vmta="vmta-01"} 8',
      'email_engine_ip_warmup_day{ip="203.0.113.11",vmta="vmta-02"} 3',
    ]);
    expect(samples(text, "email_engine_ip_state").filter((l) => l.endsWith(" 1"))).toEqual([
      'email_engine_ip_state{ip="203.0.113.10",vmta="vmta-01",state="warming"} 1',
      'email_engine_ip_state{ip="203.0.113.11",vmta="vmta-02",state="paused"} 1',
    ]);
    expect(samples(text, "email_engine_ip_state")).toHaveLength(10); // 2 IPs × 5 states
    expect(text).not.toContain("203.0.113.99");
  });

  it("exports one info series with the revisions as labels", async () => {
    const metrics = new EngineMetrics();
    metrics.setInfo({ version: "0.1.0", lastAppliedRevision: null, lastAttemptedRevision: "bbb" });
    metrics.setInfo({ version: "0.1.0", lastAppliedRevision: "bbb", lastAttemptedRevision: "bbb" });
    expect(samples(await metrics.registry.metrics(), "email_engine_info")).toEqual([
      'email_engine_info{version="0.1.0",last_applied_revision="bbb",last_attempted_revision="bbb"} 1',
    ]);
  });

  it("adds process metrics when asked", async () => {
    const text = await new EngineMetrics({ processMetrics: true }).registry.metrics();
    expect(text).toContain("# TYPE process_resident_memory_bytes gauge\n");
  });
});
