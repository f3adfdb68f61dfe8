// Adds the migrated IPs and domains to the inventory's YAML files for a pull request. The yaml
// Document API appends nodes to the existing `ips:` sequence and `domains:` map, so every comment and
// the formatting of what is already there stay byte for byte; new entries follow the house style (flow
// maps for the small nested objects).
import { isMap, isSeq, parseDocument } from "yaml";
import type { Document, Scalar, YAMLMap, YAMLSeq } from "yaml";
import type { DomainEntry, IpEntry } from "./map.ts";

export interface InventoryText {
  readonly file: string;
  readonly text: string;
}

export interface InventoryEdit {
  /** Files whose text changed (or new files), with the new text. */
  readonly files: InventoryText[];
  /** One line per entry added, e.g. `ips.yaml: + ip 203.0.113.20 …`. */
  readonly changes: string[];
}

/** A double-quoted string, as the inventory writes `"-all"` and `"mailto:…"`. */
function quoted(doc: Document, value: string): Scalar {
  const node = doc.createNode(value) as Scalar;
  node.type = "QUOTE_DOUBLE";
  return node;
}

function flow(doc: Document, value: Record<string, unknown>): YAMLMap {
  const node = doc.createNode(value) as YAMLMap;
  node.flow = true;
  return node;
}

/**
 * Appends rendered entries to a top-level section as text, right after its last entry, indented like
 * its first: the bytes already in the file (comments, flow-style spacing, quoting) are not touched,
 * which re-stringifying the whole document would not guarantee.
 */
function appendToSection(text: string, doc: Document, section: string, rendered: string): string | undefined {
  const node = doc.get(section, true) as YAMLMap | YAMLSeq | undefined;
  const first = node?.items[0] as
    { range?: [number, number, number]; key?: { range?: [number, number, number] } } | undefined;
  const at = first?.key?.range?.[0] ?? first?.range?.[0];
  const end = node?.range?.[1];
  if (node?.flow || at === undefined || end === undefined) return undefined;
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  const indent = text.slice(lineStart, at).replace(/- $/, "");
  if (!/^ *$/.test(indent)) return undefined;
  const body = rendered
    .split("\n")
    .slice(1)
    .filter((line) => line.length > 0)
    .map((line) => `${indent}${line.replace(/^ {2}/, "")}\n`)
    .join("");
  const before = text.slice(0, end);
  return `${before}${before.endsWith("\n") ? "" : "\n"}${body}${text.slice(end)}`;
}

export function addToInventory(
  texts: readonly InventoryText[],
  ips: readonly IpEntry[],
  domains: readonly DomainEntry[],
  heading: string,
): InventoryEdit {
  const current = new Map(texts.map((t) => [t.file, t.text]));
  const order = texts.map((t) => t.file);
  const changed = new Set<string>();
  const changes: string[] = [];

  /** Adds the entries (built on `doc` by `build`) to the section's file, or to a new file. */
  const add = (
    section: string,
    newFile: string,
    want: (n: unknown) => boolean,
    build: (doc: Document, into: YAMLMap | YAMLSeq) => void,
  ) => {
    const file = order.find((f) => want(parseDocument(current.get(f)!).get(section, true))) ?? newFile;
    const text = current.get(file);
    const fresh = parseDocument(`${section}: ${section === "ips" ? "[]" : "{}"}\n`);
    const freshNode = fresh.get(section, true) as YAMLMap | YAMLSeq;
    freshNode.flow = false;
    build(fresh, freshNode);
    let updated: string | undefined;
    if (text !== undefined) {
      const doc = parseDocument(text);
      updated = appendToSection(text, doc, section, fresh.toString());
      if (updated === undefined) {
        // An empty or flow-style section: edit the document instead (its other nodes are kept as nodes).
        const node = doc.get(section, true) as YAMLMap | YAMLSeq | undefined;
        if (node) {
          const target = doc.get(section, true) as YAMLMap | YAMLSeq;
          target.flow = false;
          build(doc, target);
        } else {
          doc.set(section, freshNode);
        }
        updated = doc.toString();
      }
    } else {
      updated = fresh.toString();
      order.push(file);
    }
    current.set(file, updated);
    changed.add(file);
    return file;
  };

  if (domains.length > 0) {
    const file = add("domains", "domains.yaml", isMap, (doc, into) => {
      domains.forEach((d, i) => {
        const value = doc.createNode({}) as YAMLMap;
        value.set("tenant", d.tenant);
        value.set("dkim", flow(doc, { selector: d.selector }));
        value.set("spf", flow(doc, { qualifier: quoted(doc, "-all") }));
        // The old engine's DNS templates published p=quarantine; the report address is a placeholder to
        // review in the pull request.
        value.set("dmarc", flow(doc, { policy: "quarantine", rua: quoted(doc, `mailto:dmarc@${d.name}`) }));
        const key = doc.createNode(d.name);
        if (i === 0) key.commentBefore = ` ${heading}`;
        (into as YAMLMap).add(doc.createPair(key, value));
      });
    });
    for (const d of domains) {
      changes.push(
        `${file}: + domain ${d.name} (tenant ${d.tenant}, DKIM selector ${d.selector}; old id ${d.legacyId})`,
      );
    }
  }

  if (ips.length > 0) {
    const file = add("ips", "ips.yaml", isSeq, (doc, into) => {
      ips.forEach((ip, i) => {
        const item = doc.createNode({}) as YAMLMap;
        item.set("address", ip.address);
        item.set("hostname", ip.hostname);
        item.set("domain", ip.domain);
        item.set("vmta", ip.vmta);
        item.set("server", ip.server);
        if (ip.state) {
          item.set("state", ip.state.state);
          if (ip.state.until) item.set("until", ip.state.until);
        }
        if (ip.paused) item.set("paused", true);
        item.set("warmup", flow(doc, { start: ip.warmup.start, schedule: ip.warmup.schedule }));
        if (i === 0) item.commentBefore = ` ${heading}`;
        (into as YAMLSeq).add(item);
      });
    });
    for (const ip of ips) {
      const state = ip.state ? `, ${ip.state.state}${ip.state.until ? ` until ${ip.state.until}` : ""}` : "";
      changes.push(
        `${file}: + ip ${ip.address} (${ip.hostname}, ${ip.vmta} on ${ip.server}${state}${ip.paused ? ", paused" : ""}): ${ip.summary}, warmup.start ${ip.warmup.start}; old id ${ip.legacyId}`,
      );
    }
  }

  const files = order.filter((f) => changed.has(f)).map((file) => ({ file, text: current.get(file)! }));
  return { files, changes };
}
