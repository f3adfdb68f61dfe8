import { describe, expect, it } from "vitest";
import { EngineMetrics, causeOf } from "../../reconciler/http/metrics.ts";
import { statusDocument } from "../../reconciler/http/status.ts";

const rows = [
  {
    ip: "203.0.113.11",
    vmta: "pmta-vmta1",
    domain: "ulixai-mail.com",
    day: 3,
    quota: 0,
    state: "paused",
    reason: "paused on 2026-11-25: hard bounces 6 % ≥ 5 %",
  },
  {
    ip: "203.0.113.10",
    vmta: "pmta-vmta0",
    domain: "sos-mail.com",
    day: 4,
    quota: 50,
    state: "warming",
    reason: "on schedule",
  },
] as const;

describe("per-IP status and causes (pure)", () => {
  it("lists every IP with its state and reason, sorted by VMTA", () => {
    const doc = statusDocument([], rows);
    expect(doc.ips.map((r) => [r.vmta, r.state, r.reason])).toEqual([
      ["pmta-vmta0", "warming", "on schedule"],
      ["pmta-vmta1", "paused", "paused on 2026-11-25: hard bounces 6 % ≥ 5 %"],
    ]);
  });

  it.each([
    ["hard bounces 6 % ≥ 5 %", "hard_bounce"],
    ["complaints 0.4 % ≥ 0.3 %", "complaint"],
    ["deferrals 16 % ≥ 15 %", "deferral"],
    ["listed on a blocklist that stops sending (spamhaus-zen)", "blocklist"],
    ["too few messages to judge (30 sent, 40 needed)", "too_few"],
    ["paused in the inventory", "operator"],
    ["something else", "other"],
  ])("%s → %s", (reason, cause) => {
    expect(causeOf(reason)).toBe(cause);
  });

  it("exports the cause of each held or paused IP as a metric", async () => {
    const metrics = new EngineMetrics();
    metrics.setWarmup([...rows]);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'email_engine_ip_state_cause{ip="203.0.113.11",vmta="pmta-vmta1",state="paused",cause="hard_bounce"} 1',
    );
    expect(text).not.toMatch(/email_engine_ip_state_cause\{ip="203\.0\.113\.10"/);
  });
});
