// Render time of the PowerMTA config: the example inventory (5 IPs) and a generated one of 1,000 IPs
// (200 domains, 20 pools of 50). Prints the median of several runs for rendering and for linting.
// Run: node --import tsx bench/render-pmta.ts
import { performance } from "node:perf_hooks";
import { warmupTable } from "../reconciler/derive/warmup-table.ts";
import type { Inventory } from "../reconciler/inventory/types.gen.ts";
import { lintPmtaConfig, loadPmtaTemplates, renderPmtaConfig } from "../reconciler/pmta/config/index.ts";
import { validateInventoryDir } from "../reconciler/validate/index.ts";

const EXAMPLE = new URL("../inventory/", import.meta.url).pathname;

function generated(base: Inventory, count: number): Inventory {
  const domainCount = Math.max(1, Math.floor(count / 5));
  const template = Object.values(base.domains)[0]!;
  const domains = Object.fromEntries(
    Array.from({ length: domainCount }, (_, i) => [`d${i}.example.com`, template]),
  );
  const ips = Array.from({ length: count }, (_, i) => ({
    address: `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    hostname: `mail${i}.d${i % domainCount}.example.com`,
    domain: `d${i % domainCount}.example.com`,
    vmta: `vmta-${String(i).padStart(4, "0")}`,
    pool: `pool-${String(Math.floor((i % domainCount) / 10)).padStart(2, "0")}`,
    server: "pmta",
    warmup: { start: i % 3 === 0 ? "2026-11-01" : "2026-11-20" },
  }));
  return {
    ...base,
    ips,
    domains,
    platform: { ...base.platform, defaults: { ...base.platform.defaults, pool: "pool-00" } },
  };
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const { inventory } = await validateInventoryDir(EXAMPLE);
if (!inventory) throw new Error("the example inventory is invalid");
const templates = await loadPmtaTemplates();
const date = "2026-12-10";

for (const [label, inv, runs] of [
  ["example (5 IPs)", inventory, 50],
  ["generated (1,000 IPs)", generated(inventory, 1000), 7],
] as const) {
  const quotas = warmupTable(inv, new Map(), date);
  const renderTimes: number[] = [];
  const lintTimes: number[] = [];
  let text = "";
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    text = renderPmtaConfig({ inventory: inv, host: "pmta", quotas, revision: "bench", templates, date });
    const t1 = performance.now();
    const problems = lintPmtaConfig(text);
    const t2 = performance.now();
    if (problems.some((p) => p.severity === "error"))
      throw new Error(`${label}: lint errors: ${problems[0]?.message}`);
    renderTimes.push(t1 - t0);
    lintTimes.push(t2 - t1);
  }
  const lines = text.split("\n").length - 1;
  console.log(
    `${label}: render ${median(renderTimes).toFixed(1)} ms, lint ${median(lintTimes).toFixed(1)} ms ` +
      `(median of ${runs}; ${lines} lines, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB)`,
  );
}
