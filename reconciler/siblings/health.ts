// GET /health in the old engine's shape (backlink-engine calls it at start-up and only needs a 2xx
// JSON answer; operators' scripts read `status`). Unauthenticated, like before. The old engine's
// PowerMTA fields were hard-coded (always "down", §3 defect 1); this daemon's PowerMTA state is in
// GET /api/v1/status, so they are null here rather than a guess.
import { statfs } from "node:fs/promises";
import { freemem, totalmem } from "node:os";
import type { FastifyInstance } from "fastify";
import type { Inventory } from "../inventory/types.gen.ts";
import type { SqlClient } from "../store/sql.ts";

export interface HealthDeps {
  readonly sql: SqlClient;
  inventory(): Inventory | undefined;
  now(): Date;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

async function diskUsagePct(): Promise<number | null> {
  try {
    const s = await statfs("/");
    return s.blocks > 0 ? round1(((s.blocks - s.bfree) / s.blocks) * 100) : null;
  } catch {
    return null;
  }
}

export function registerHealth(scope: FastifyInstance, deps: HealthDeps): void {
  scope.get("/health", async () => {
    const issues: string[] = [];
    let store = true;
    try {
      await deps.sql.query("SELECT 1");
    } catch {
      store = false;
      issues.push("state store unreachable");
    }
    const disk = await diskUsagePct();
    const ram = round1(((totalmem() - freemem()) / totalmem()) * 100);
    if (disk !== null && disk > 85) issues.push(`Disk ${disk}%`);
    if (ram > 90) issues.push(`RAM ${ram}%`);
    const ready = deps.inventory() !== undefined;
    if (!ready) issues.push("no valid inventory yet");
    return {
      status: !store ? "degraded" : !ready ? "unknown" : issues.length > 0 ? "degraded" : "healthy",
      issues,
      pmta_running: null,
      pmta_queue_size: null,
      disk_usage_pct: disk,
      ram_usage_pct: ram,
      last_check: deps.now().toISOString(),
    };
  });
}
