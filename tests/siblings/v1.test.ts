// The old v1 API as its clients call it today, over real HTTP on loopback, on both store backends:
// Scraper-Pro's warm-up guard (reference existing-engine §2.2) gets an array it can parse and the cap
// it computes from it; keys rotate with two valid at once; ids are the old engine's where migrated
// and stable new ones otherwise; the reads keep their paths and fields; writes answer 410 with the fix.
import { describe, expect, it } from "vitest";
import { createValidator } from "../../reconciler/contacts/verify/index.ts";
import type { WarmupRow } from "../../reconciler/derive/warmup-table.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { TestDnsServer } from "../peers/dns-server.ts";
import { loadInventory, raw, rowsFor, startWorld } from "./world.ts";

const KEYS_YAML = `api:
  keys:
    - { env: KEY_OLD }
    - { env: KEY_NEW }
`;
const SECRETS = { KEY_OLD: "old-key-0123456789", KEY_NEW: "new-key-9876543210" };

/** The headers python-requests sends for Scraper-Pro's `requests.get(url, headers={"X-API-Key": key}, timeout=10)`. */
function scraperProHeaders(key: string): Record<string, string> {
  return {
    "User-Agent": "python-requests/2.31.0",
    "Accept-Encoding": "gzip, deflate",
    Accept: "*/*",
    Connection: "keep-alive",
    "X-API-Key": key,
  };
}

/**
 * Scraper-Pro's warm-up guard, as its code reads the answer: non-200 ⇒ 0 (pause); sum of
 * current_daily_quota over plans with paused == false and a phase that is set and not "done";
 * an empty array or a zero sum ⇒ no limit; else min(100, floor(sum × 0.8)).
 */
function scraperProCap(status: number, text: string): number {
  if (status !== 200) return 0;
  const plans = JSON.parse(text) as { phase?: string; paused?: boolean; current_daily_quota?: number }[];
  if (!Array.isArray(plans)) return 0;
  let sum = 0;
  for (const plan of plans) {
    if (plan.paused === false && plan.phase && plan.phase !== "done") sum += plan.current_daily_quota ?? 0;
  }
  if (plans.length === 0 || sum === 0) return Number.POSITIVE_INFINITY;
  return Math.min(100, Math.floor(sum * 0.8));
}

const lifecycle = (state: string, until: string | null, reason: string) => ({
  state,
  until,
  reason,
  serving: state === "active" || state === "warming",
});

describe.each(BACKENDS)("v1 API on $name", (backend) => {
  it("answers Scraper-Pro's warm-up poll with the plan array its guard parses", async () => {
    const store = await backend.open();
    const inventory = await loadInventory(KEYS_YAML);
    const world = await startWorld({ store, inventory, secrets: SECRETS });
    const answer = await raw(world.server, "GET", "/api/v1/warmup/plans", scraperProHeaders(SECRETS.KEY_OLD));
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    const plans = answer.json<Record<string, unknown>[]>();
    expect(plans).toHaveLength(5);
    for (const plan of plans) {
      expect(Object.keys(plan).sort()).toEqual(
        [
          "bounce_rate_7d",
          "current_daily_quota",
          "id",
          "ip_id",
          "pause_until",
          "paused",
          "phase",
          "spam_rate_7d",
          "started_at",
          "target_daily_quota",
        ].sort(),
      );
    }
    // Three IPs started on 2026-11-23 (day 1, 50 a day), two start on 2026-11-30 (nothing yet).
    expect(plans.map((p) => [p.phase, p.current_daily_quota, p.paused])).toEqual([
      ["day_1", 50, false],
      ["day_1", 50, false],
      ["day_1", 50, false],
      ["pending", 0, false],
      ["pending", 0, false],
    ]);
    expect(plans[0]).toMatchObject({
      id: 1,
      ip_id: 1,
      target_daily_quota: 10000,
      started_at: "2026-11-23T00:00:00Z",
    });
    expect(scraperProCap(answer.status, answer.text)).toBe(100);
  }, 60_000); // PGlite opens slowly on a loaded machine

  it("keeps the old engine's ids and numbers new IPs and plans above them, stably", async () => {
    const store = await backend.open();
    await store.sql.query(
      "INSERT INTO legacy_ids (kind, key, id) VALUES ('ip', '203.0.113.11', 23), ('plan', '203.0.113.11', 7), ('domain', 'sos-mail.com', 4)",
    );
    const world = await startWorld({ store, inventory: await loadInventory(KEYS_YAML), secrets: SECRETS });
    const headers = scraperProHeaders(SECRETS.KEY_OLD);
    const ips = (await raw(world.server, "GET", "/api/v1/ips", headers)).json<
      { id: number; address: string }[]
    >();
    expect(ips.map((ip) => [ip.address, ip.id])).toEqual([
      ["203.0.113.11", 23],
      ["203.0.113.10", 24],
      ["203.0.113.12", 25],
      ["203.0.113.13", 26],
      ["203.0.113.14", 27],
    ]);
    const plans = (await raw(world.server, "GET", "/api/v1/warmup/plans", headers)).json<
      { id: number; ip_id: number }[]
    >();
    expect(plans.map((p) => [p.id, p.ip_id])).toEqual([
      [7, 23],
      [8, 24],
      [9, 25],
      [10, 26],
      [11, 27],
    ]);
    const again = (await raw(world.server, "GET", "/api/v1/ips", headers)).json<{ id: number }[]>();
    expect(again.map((ip) => ip.id)).toEqual([23, 24, 25, 26, 27]);
    const one = await raw(world.server, "GET", "/api/v1/warmup/plans/7", headers);
    expect(one.json()).toMatchObject({ id: 7, ip_id: 23, phase: "day_1" });
    expect((await raw(world.server, "GET", "/api/v1/warmup/plans/99", headers)).status).toBe(404);
    expect((await raw(world.server, "GET", "/api/v1/ips/abc", headers)).status).toBe(422);
    const domains = (await raw(world.server, "GET", "/api/v1/domains", headers)).json<
      { id: number; name: string; ip_id: number | null }[]
    >();
    expect(domains[0]).toMatchObject({
      id: 4,
      name: "sos-mail.com",
      ip_id: 24,
      dkim_selector: "ee1",
      spf_valid: false,
      last_dns_check: null,
    });
    expect(domains).toHaveLength(5);
    const domain = await raw(world.server, "GET", "/api/v1/domains/4", headers);
    expect(domain.json()).toMatchObject({ name: "sos-mail.com" });
  }, 60_000); // PGlite opens slowly on a loaded machine
});

// The rest reads through the same SQL on both backends (above): PostgreSQL alone keeps the suite fast.
describe("v1 API on PostgreSQL: lifecycle mapping, reads, replaced endpoints, validation, health", () => {
  const backend = BACKENDS[1]!;

  it("reads finished plans as done and paused ones as paused, so Scraper-Pro's cap counts only warming IPs", async () => {
    const store = await backend.open();
    const inventory = await loadInventory(KEYS_YAML);
    const base = await rowsFor(store, inventory);
    const rows: WarmupRow[] = base.map((row, i) =>
      i === 0
        ? {
            ...row,
            state: "warmed",
            day: 43,
            quota: 10000,
            lifecycle: lifecycle("active", null, "warm-up complete"),
          }
        : i === 1
          ? {
              ...row,
              quota: 0,
              lifecycle: lifecycle("paused", "2026-11-27T10:00:00.000Z", "7-day bounce rate 2.5 %"),
            }
          : i === 2
            ? {
                ...row,
                quota: 0,
                lifecycle: lifecycle("quarantined", "2026-12-24T10:00:00.000Z", "24-hour bounce rate 6 %"),
              }
            : row,
    ) as WarmupRow[];
    const world = await startWorld({ store, inventory, secrets: SECRETS, rows });
    const answer = await raw(world.server, "GET", "/api/v1/warmup/plans", scraperProHeaders(SECRETS.KEY_NEW));
    const plans =
      answer.json<
        { phase: string; paused: boolean; pause_until: string | null; current_daily_quota: number }[]
      >();
    expect(plans.slice(0, 3)).toEqual([
      expect.objectContaining({
        phase: "done",
        paused: false,
        current_daily_quota: 10000,
        pause_until: null,
      }),
      expect.objectContaining({ phase: "day_1", paused: true, pause_until: "2026-11-27T10:00:00.000Z" }),
      expect.objectContaining({
        phase: "emergency_stop",
        paused: true,
        pause_until: "2026-12-24T10:00:00.000Z",
      }),
    ]);
    // Nothing is warming and sending: Scraper-Pro reads "no warm-up limit" (the done plan is not counted).
    expect(scraperProCap(answer.status, answer.text)).toBe(Number.POSITIVE_INFINITY);
    world.rows = [
      {
        ...rows[0]!,
        state: "warming",
        day: 5,
        quota: 80,
        lifecycle: lifecycle("warming", null, ""),
      } as WarmupRow,
      ...rows.slice(1),
    ];
    const again = await raw(world.server, "GET", "/api/v1/warmup/plans", scraperProHeaders(SECRETS.KEY_NEW));
    expect(scraperProCap(again.status, again.text)).toBe(64);
  });

  it("accepts either of two keys (rotation), refuses a wrong or missing one, and 503s with no key configured", async () => {
    const store = await backend.open();
    const world = await startWorld({ store, inventory: await loadInventory(KEYS_YAML), secrets: SECRETS });
    for (const key of [SECRETS.KEY_OLD, SECRETS.KEY_NEW]) {
      expect((await raw(world.server, "GET", "/api/v1/warmup/plans", scraperProHeaders(key))).status).toBe(
        200,
      );
    }
    const wrong = await raw(
      world.server,
      "GET",
      "/api/v1/warmup/plans",
      scraperProHeaders("old-key-012345678"),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: "unauthorized", message: "Invalid or missing API key" } });
    expect((await raw(world.server, "GET", "/api/v1/ips", { Accept: "*/*" })).status).toBe(401);
    // Scraper-Pro treats any non-200 as "pause sending": a refused key never opens the tap.
    expect(scraperProCap(wrong.status, wrong.text)).toBe(0);
    world.inventory = await loadInventory("api: {}\n");
    expect(
      (await raw(world.server, "GET", "/api/v1/warmup/plans", scraperProHeaders(SECRETS.KEY_OLD))).status,
    ).toBe(503);
  });

  it("serves IPs with the old fields and status filter, stats newest first, 7-day rates and blocklist events", async () => {
    const store = await backend.open();
    const inventory = await loadInventory(KEYS_YAML);
    for (const [day, sent, bounced, complained] of [
      ["2026-11-22", 40, 1, 0],
      ["2026-11-23", 50, 2, 1],
      ["2026-11-10", 100, 50, 0], // outside the 7 days: in the stats, not in the rates
    ] as const) {
      await store.ledger.addCounts("203.0.113.10", day, { sent, bounced, complained });
    }
    await store.sql.query(
      `INSERT INTO blocklist_listings (subject, list, started_at, last_seen_at, ended_at, codes)
       VALUES ('203.0.113.10', 'zen.spamhaus.org', '2026-11-20T08:00:00Z', '2026-11-21T08:00:00Z', '2026-11-21T12:00:00Z', '127.0.0.2'),
              ('203.0.113.12', 'b.barracudacentral.org', '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z', NULL, '127.0.0.2')`,
    );
    const world = await startWorld({ store, inventory, secrets: SECRETS });
    const headers = scraperProHeaders(SECRETS.KEY_OLD);
    const ips = (await raw(world.server, "GET", "/api/v1/ips?status=warming", headers)).json<
      Record<string, unknown>[]
    >();
    expect(ips).toHaveLength(3);
    expect(ips[0]).toEqual({
      id: 1,
      address: "203.0.113.10",
      hostname: "mail1.sos-mail.com",
      purpose: "marketing",
      status: "warming",
      weight: 100,
      vmta_name: "pmta-vmta0",
      pool_name: "pmta-pool",
      mailwizz_server_id: null,
      sender_email: null,
      pmta_node_id: "pmta",
      quarantine_until: null,
      status_changed_at: null,
      created_at: "2026-11-23T00:00:00Z",
    });
    expect((await raw(world.server, "GET", "/api/v1/ips?status=standby", headers)).json()).toHaveLength(2);
    const plan = (await raw(world.server, "GET", "/api/v1/warmup/plans/1", headers)).json<
      Record<string, number>
    >();
    expect(plan.bounce_rate_7d).toBe(3.3333); // 3 of 90
    expect(plan.spam_rate_7d).toBe(1.1111); // 1 of 90
    const stats = (await raw(world.server, "GET", "/api/v1/warmup/plans/1/stats", headers)).json<
      Record<string, unknown>[]
    >();
    expect(stats).toEqual([
      {
        date: "2026-11-23T00:00:00Z",
        sent: 50,
        delivered: 48,
        bounced: 2,
        complaints: 1,
        opens: 0,
        clicks: 0,
      },
      {
        date: "2026-11-22T00:00:00Z",
        sent: 40,
        delivered: 39,
        bounced: 1,
        complaints: 0,
        opens: 0,
        clicks: 0,
      },
      {
        date: "2026-11-10T00:00:00Z",
        sent: 100,
        delivered: 50,
        bounced: 50,
        complaints: 0,
        opens: 0,
        clicks: 0,
      },
    ]);
    const events = (await raw(world.server, "GET", "/api/v1/blacklists/events", headers)).json<
      Record<string, unknown>[]
    >();
    expect(events.map((e) => [e.ip_id, e.blacklist_name, e.delisted_at === null, e.auto_recovered])).toEqual([
      [3, "b.barracudacentral.org", true, false],
      [1, "zen.spamhaus.org", false, true],
    ]);
    expect(events[1]).toMatchObject({
      listed_at: "2026-11-20T08:00:00.000Z",
      delisted_at: "2026-11-21T12:00:00.000Z",
    });
    expect(
      (await raw(world.server, "GET", "/api/v1/blacklists/events?active_only=true", headers)).json(),
    ).toHaveLength(1);
    expect((await raw(world.server, "GET", "/api/v1/blacklists/events/1", headers)).json()).toHaveLength(1);
    expect(
      (await raw(world.server, "GET", "/api/v1/blacklists/events?active_only=maybe", headers)).status,
    ).toBe(422);
  });

  it("answers every old write with 410 and the inventory change that replaces it, after the key check", async () => {
    const store = await backend.open();
    const world = await startWorld({ store, inventory: await loadInventory(KEYS_YAML), secrets: SECRETS });
    const headers = { ...scraperProHeaders(SECRETS.KEY_OLD), "Content-Type": "application/json" };
    const patch = await raw(world.server, "PATCH", "/api/v1/ips/3", headers, '{"status": "resting"}');
    expect(patch.status).toBe(410);
    const message = patch.json<{ error: { code: string; message: string } }>().error;
    expect(message.code).toBe("gone");
    expect(message.message).toContain("PATCH /api/v1/ips/3 is gone");
    expect(message.message).toContain("`paused: true`");
    expect(message.message).toContain("inventory/ips.yaml");
    const pause = await raw(world.server, "POST", "/api/v1/warmup/plans/2/pause", headers, "");
    expect(pause.json<{ error: { message: string } }>().error.message).toContain(
      "set `paused: true` on it in inventory/ips.yaml",
    );
    for (const [method, path] of [
      ["POST", "/api/v1/ips"],
      ["DELETE", "/api/v1/ips/3?deprovision=true"],
      ["POST", "/api/v1/ips/rotation"],
      ["POST", "/api/v1/warmup/plans/3"],
      ["POST", "/api/v1/warmup/plans/3/stats"],
      ["POST", "/api/v1/blacklists/check-all"],
      ["PUT", "/api/v1/admin/pmta/vps2/license"],
      ["POST", "/api/v1/auth/login"],
      ["GET", "/api/v1/audit/logs"],
    ] as const) {
      expect((await raw(world.server, method, path, headers, "{}")).status, `${method} ${path}`).toBe(410);
    }
    // Without a key, the old writes are refused like everything else in v1.
    expect(
      (await raw(world.server, "POST", "/api/v1/ips/rotation", { "Content-Type": "application/json" }, "{}"))
        .status,
    ).toBe(401);
  });

  it("validates a list of addresses with the old answer shape and reason words", async () => {
    const dns = await TestDnsServer.start();
    try {
      dns.set("example.org", "MX", [{ exchange: "mx.example.org", priority: 10 }]);
      dns.set("mx.example.org", "A", ["192.0.2.25"]);
      const validator = createValidator({ resolvers: [dns.address], dnsTimeoutMs: 500, dnsTries: 1 });
      const store = await backend.open();
      const world = await startWorld({
        store,
        inventory: await loadInventory(KEYS_YAML),
        secrets: SECRETS,
        validator,
      });
      const headers = { ...scraperProHeaders(SECRETS.KEY_OLD), "Content-Type": "application/json" };
      const body = JSON.stringify({
        emails: [
          " Good@Example.org ",
          "not-an-address",
          "x@mailinator.com",
          "",
          "someone@nothing.example.org",
        ],
      });
      const answer = await raw(world.server, "POST", "/api/v1/validation/emails", headers, body);
      expect(answer.status).toBe(200);
      expect(answer.json()).toEqual({
        total: 5,
        valid: 1,
        invalid: 4,
        results: [
          { email: "good@example.org", valid: true, reason: null },
          { email: "not-an-address", valid: false, reason: "invalid_syntax" },
          { email: "x@mailinator.com", valid: false, reason: "disposable_domain" },
          { email: "", valid: false, reason: "empty" },
          { email: "someone@nothing.example.org", valid: false, reason: "no_mx_records" },
        ],
      });
      const tooMany = JSON.stringify({
        emails: Array.from({ length: 10_001 }, (_, i) => `a${i}@example.org`),
      });
      expect((await raw(world.server, "POST", "/api/v1/validation/emails", headers, tooMany)).status).toBe(
        422,
      );
      expect(
        (await raw(world.server, "POST", "/api/v1/validation/emails", headers, '{"emails": []}')).status,
      ).toBe(422);
      // The old engine's limit, 10 a minute per client: 3 calls above, 7 more pass, the 11th is refused.
      const small = JSON.stringify({ emails: ["not-an-address"] });
      for (let i = 0; i < 7; i++)
        expect((await raw(world.server, "POST", "/api/v1/validation/emails", headers, small)).status).toBe(
          200,
        );
      const limited = await raw(world.server, "POST", "/api/v1/validation/emails", headers, small);
      expect(limited.status).toBe(429);
      expect(limited.json()).toMatchObject({ error: { code: "rate_limited" } });
      await validator.close();
    } finally {
      await dns.close();
    }
  });

  it("answers GET /health without a key, in the old shape", async () => {
    const store = await backend.open();
    const world = await startWorld({ store, inventory: await loadInventory(KEYS_YAML), secrets: SECRETS });
    const answer = await raw(world.server, "GET", "/health", { Accept: "application/json" });
    expect(answer.status).toBe(200);
    const health = answer.json<Record<string, unknown>>();
    expect(Object.keys(health).sort()).toEqual(
      [
        "disk_usage_pct",
        "issues",
        "last_check",
        "pmta_queue_size",
        "pmta_running",
        "ram_usage_pct",
        "status",
      ].sort(),
    );
    expect(["healthy", "degraded"]).toContain(health.status);
    expect(health.last_check).toBe("2026-11-24T10:00:00.000Z");
  });
});
