// Writes what Hetzner allocated (from `pulumi stack output --json`) back into the inventory YAML, so
// nobody copies addresses by hand: a slot becomes an address, a placeholder address is replaced.
// Comments and formatting are kept (yaml's Document API edits nodes in place), for a reviewable PR.
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import { ConfigError } from "../errors.ts";

export interface StackOutputsFile {
  readonly servers?: Record<string, { ipv4?: string; hostname?: string }>;
  readonly sendingIps?: { vmta: string; address: string; hostname?: string; ptr?: string }[];
}

export interface SyncResult {
  /** Files whose text changed, with the new text. */
  readonly files: { file: string; text: string }[];
  /** One line per change, e.g. `ips.yaml: pmta-vmta0 address 203.0.113.10 → 5.75.1.2`. */
  readonly changes: string[];
  /** Outputs that name nothing in the inventory. */
  readonly unmatched: string[];
}

export function parseStackOutputs(text: string, source: string): StackOutputsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source} is not JSON: ${(error as Error).message}`, [
      "    fix: write it with `pulumi stack output --json > outputs.json`",
    ]);
  }
  const outputs = value as StackOutputsFile;
  if (typeof value !== "object" || value === null || (!outputs.sendingIps && !outputs.servers)) {
    throw new ConfigError(`${source} has neither \`sendingIps\` nor \`servers\``, [
      "    expected: the JSON of `pulumi stack output --json` for this project",
    ]);
  }
  return outputs;
}

/** A scalar read from YAML, for messages. */
function show(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
}

export function syncInventoryTexts(
  texts: readonly { file: string; text: string }[],
  outputs: StackOutputsFile,
): SyncResult {
  const changes: string[] = [];
  const files: { file: string; text: string }[] = [];
  const wantedIps = new Map((outputs.sendingIps ?? []).map((ip) => [ip.vmta, ip.address]));
  const wantedServers = new Map(
    Object.entries(outputs.servers ?? {})
      .filter(([, s]) => s.ipv4 !== undefined)
      .map(([name, s]) => [name, s.ipv4!]),
  );
  const seenIps = new Set<string>();
  const seenServers = new Set<string>();

  for (const { file, text } of texts) {
    const doc = parseDocument(text);
    if (doc.errors.length > 0 || !isMap(doc.contents)) continue;
    let changed = false;
    const ips = doc.get("ips", true);
    if (isSeq(ips)) {
      ips.items.forEach((item, i) => {
        if (!isMap(item)) return;
        const vmta = item.get("vmta");
        if (typeof vmta !== "string" || !wantedIps.has(vmta)) return;
        seenIps.add(vmta);
        const allocated = wantedIps.get(vmta)!;
        const current = item.get("address");
        if (current === allocated) return;
        const slot = item.get("slot");
        doc.setIn(["ips", i, "address"], allocated);
        if (slot !== undefined) doc.deleteIn(["ips", i, "slot"]);
        changes.push(
          `${file}: ${vmta} address ${current === undefined ? `(slot ${show(slot)})` : show(current)} → ${allocated}`,
        );
        changed = true;
      });
    }
    const servers = doc.get("servers", true);
    if (isMap(servers)) {
      for (const pair of servers.items) {
        if (!isScalar(pair.key) || !isMap(pair.value)) continue;
        const name = String(pair.key.value);
        const allocated = wantedServers.get(name);
        if (allocated === undefined) continue;
        seenServers.add(name);
        const current = pair.value.get("address");
        if (current === allocated) continue;
        doc.setIn(["servers", name, "address"], allocated);
        changes.push(
          `${file}: server ${name} address ${current === undefined ? "(none)" : show(current)} → ${allocated}`,
        );
        changed = true;
      }
    }
    if (changed) files.push({ file, text: doc.toString() });
  }
  const unmatched = [
    ...[...wantedIps.keys()].filter((v) => !seenIps.has(v)).map((v) => `sending IP ${v}`),
    ...[...wantedServers.keys()].filter((s) => !seenServers.has(s)).map((s) => `server ${s}`),
  ].sort();
  return { files, changes, unmatched };
}
