// Benchmark (issue 6): plan time for the example and for 1,000 IPs / 200 domains, one full tick on the
// embedded peers (local PowerMTA sandbox, MailWizz emulator, PGlite), and the idle daemon's memory.
import { spawn } from "node:child_process";
import pg from "pg";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { warmupTable } from "../reconciler/derive/warmup-table.ts";
import type { Inventory } from "../reconciler/inventory/types.gen.ts";
import { desiredDeliveryServers, planDeliveryServers } from "../reconciler/mailwizz/reconcile/index.ts";
import { loadPmtaTemplates, renderPmtaConfig } from "../reconciler/pmta/config/index.ts";
import { buildPlan } from "../reconciler/plan/build.ts";
import { planMailwizz } from "../reconciler/plan/mailwizz.ts";
import { openEngine } from "../reconciler/reconcile/engine.ts";
import { recordedTick } from "../reconciler/reconcile/run.ts";
import { validateInventoryDir } from "../reconciler/validate/index.ts";
import type { JudgedDay } from "../reconciler/warmup/calendar.ts";
import { EXAMPLE, generatedInventory } from "./generated.ts";

async function daemonRss(home: string, env: Record<string, string>): Promise<string> {
  const bin = new URL("../bin/email-engine.js", import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    [bin, "run", "--embedded", "--home", home, "--interval", "3600", "--listen", "127.0.0.1:18931"],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
    },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!/Plan: |No changes/.test(out) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 5000));
  const status = await readFile(`/proc/${child.pid}/status`, "utf8").catch(() => "");
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return `${/VmRSS:\s+(\d+ kB)/.exec(status)?.[1] ?? "unknown"} resident after its first tick`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function planTime(label: string, dir: string, runs: number): Promise<void> {
  const inventory: Inventory = (await validateInventoryDir(dir)).inventory!;
  const templates = await loadPmtaTemplates();
  const healthy = new Map<string, JudgedDay[]>(
    inventory.ips.map((ip) => [ip.address ?? "", [{ date: "2026-11-23", verdict: "advance" as const }]]),
  );
  const render = (ledger: Map<string, JudgedDay[]>) =>
    renderPmtaConfig({
      inventory,
      host: "pmta",
      quotas: warmupTable(inventory, ledger, "2026-11-25"),
      revision: "bench",
      templates,
    });
  const live = render(new Map());
  const times: number[] = [];
  let steps = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    // The whole pure part of a tick: warm-up table, render, delivery servers, plan.
    const desired = render(healthy);
    const rows = warmupTable(inventory, healthy, "2026-11-25");
    const servers = desiredDeliveryServers(inventory, rows, {
      port: 587,
      protocol: "",
      username: "u",
      password: "p",
      fromLocalPart: "bounce",
    });
    const delivery = planDeliveryServers(servers, [], new Set());
    const plan = buildPlan({
      revision: "b",
      date: "2026-11-25",
      observedDigest: "d",
      pmta: [{ host: "pmta", desiredText: desired, liveText: live }],
      mailwizz: planMailwizz("mailwizz", delivery, []),
    });
    times.push(performance.now() - started);
    steps = plan.steps.length;
  }
  console.log(`plan ${label}: ${median(times).toFixed(1)} ms (median of ${runs}; ${steps} steps)`);
}

await planTime("example (5 IPs, 5 domains)", EXAMPLE, 20);
const big = await generatedInventory(1000, 200);
try {
  await planTime("1,005 IPs, 205 domains", big, 5);
} finally {
  await rm(big, { recursive: true, force: true });
}

const home = await mkdtemp(join(tmpdir(), "ee-bench-home-"));
try {
  const engine = await openEngine({
    mode: "embedded",
    inventory: EXAMPLE,
    home,
    databaseUrl: undefined,
    env: {},
    now: () => new Date(),
  });
  for (const label of ["first tick (applies everything)", "steady tick (nothing to change)"]) {
    const started = performance.now();
    const tick = await recordedTick(engine, { apply: true, trigger: "bench", now: () => new Date() });
    console.log(
      `${label}: ${(performance.now() - started).toFixed(0)} ms, ${tick.result?.plan?.steps.length ?? 0} steps, outcome ${tick.outcome}`,
    );
  }
  await engine.close();

  // The idle daemon's resident memory, read from /proc once its first tick is done: with the embedded
  // store (PGlite), then with PostgreSQL (as in production) in a throwaway database.
  console.log(`idle daemon, embedded store (PGlite): ${await daemonRss(join(home, "daemon-pglite"), {})}`);
  const admin = new pg.Client({
    connectionString: "postgres://postgres@127.0.0.1:5432/postgres",
    connectionTimeoutMillis: 5000,
  });
  const database = `ee_bench_${process.pid}`;
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const url = `postgres://postgres@127.0.0.1:5432/${database}`;
    console.log(
      `idle daemon, PostgreSQL store: ${await daemonRss(join(home, "daemon-pg"), { DATABASE_URL: url })}`,
    );
    await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
  } catch (error) {
    console.log(`idle daemon, PostgreSQL store: not measured (${(error as Error).message})`);
  } finally {
    await admin.end().catch(() => undefined);
  }
} finally {
  await rm(home, { recursive: true, force: true });
}
