// Benchmark: load + validate the example inventory, and a generated one with 1,000 IPs on 200 domains.
// Prints figures; asserts nothing (timings never live in pass/fail tests).
import { rm } from "node:fs/promises";
import { validateInventoryDir } from "../reconciler/validate/index.ts";
import { EXAMPLE, generatedInventory } from "./generated.ts";

async function time(label: string, runs: number, fn: () => Promise<unknown>): Promise<void> {
  await fn(); // warm-up: schema compilation, module loading
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  console.log(`${label}: ${ms.toFixed(1)} ms per run (mean of ${runs})`);
}

await time("validate example inventory (5 IPs, 5 domains)", 20, () => validateInventoryDir(EXAMPLE));
const large = await generatedInventory(1000, 200);
try {
  const result = await validateInventoryDir(large);
  if (result.errors.length > 0)
    throw new Error(`generated inventory is invalid: ${result.errors[0]?.message}`);
  await time("validate generated inventory (1,005 IPs, 205 domains)", 5, () => validateInventoryDir(large));
} finally {
  await rm(large, { recursive: true, force: true });
}
