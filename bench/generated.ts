// A generated inventory for benchmarks: the example plus N IPs on M domains (documentation addresses).
import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const EXAMPLE = new URL("../inventory/", import.meta.url).pathname;

export async function generatedInventory(ips: number, domains: number): Promise<string> {
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
