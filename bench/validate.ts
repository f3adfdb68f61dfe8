// Benchmark: load + validate the example inventory, and a generated one with 1,000 IPs on 200 domains.
// Prints figures; asserts nothing (timings never live in pass/fail tests).
import { mkdtemp, rm, writeFile, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateInventoryDir } from "../reconciler/validate/index.ts";

const EXAMPLE = new URL("../inventory/", import.meta.url).pathname;

async function time(label: string, runs: number, fn: () => Promise<unknown>): Promise<void> {
  await fn(); // warm-up: schema compilation, module loading
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  console.log(`${label}: ${ms.toFixed(1)} ms per run (mean of ${runs})`);
}

async function largeInventory(ips: number, domains: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ee-bench-"));
  await cp(EXAMPLE, dir, { recursive: true });
  const domainLines = ["domains:"];
  for (let d = 0; d < domains; d++) {
    domainLines.push(
      `  bench${d}.example.com:`,
      `    tenant: ${d % 2 ? "ulixai" : "sos-expat"}`,
      "    dkim: { selector: ee1 }",
      '    spf: { qualifier: "-all" }',
      `    dmarc: { policy: none, rua: "mailto:dmarc@bench${d}.example.com" }`,
      `    mx: [{ host: mx.bench${d}.example.com, priority: 10 }]`,
    );
  }
  const ipLines = ["ips:"];
  for (let i = 0; i < ips; i++) {
    const d = i % domains;
    ipLines.push(
      `  - address: 2001:db8::${(i + 1).toString(16)}`,
      `    hostname: mail${i}.bench${d}.example.com`,
      `    domain: bench${d}.example.com`,
      `    vmta: bench-vmta${i}`,
      "    server: pmta",
      "    warmup: { start: 2026-11-02 }",
    );
  }
  await writeFile(join(dir, "bench-domains.yaml"), domainLines.join("\n") + "\n");
  await writeFile(join(dir, "bench-ips.yaml"), ipLines.join("\n") + "\n");
  return dir;
}

await time("validate example inventory (5 IPs, 5 domains)", 20, () => validateInventoryDir(EXAMPLE));
const large = await largeInventory(1000, 200);
try {
  const result = await validateInventoryDir(large);
  if (result.errors.length > 0)
    throw new Error(`generated inventory is invalid: ${result.errors[0]?.message}`);
  await time("validate generated inventory (1,005 IPs, 205 domains)", 5, () => validateInventoryDir(large));
} finally {
  await rm(large, { recursive: true, force: true });
}
