// Drift between a live PowerMTA config and the desired one (pure). Both texts are parsed and stripped of
// comments and blank lines, so the generated header (inventory revision, warm-up date) never counts:
// a new inventory revision that renders the same directives is "in sync", and the deploy neither
// rewrites the file nor reloads PowerMTA (its header then names the revision that last changed it).
//
// Within a block, repeated directives keep their order (pattern lists match first-to-last), so a
// reordering is drift too.
import type { PmtaNode } from "../config/index.ts";
import { parsePmtaConfig, stripTrivia } from "../config/index.ts";

export interface DirectiveChange {
  readonly op: "+" | "-" | "~";
  /** The directive, prefixed by its enclosing blocks: `<domain $gmail> max-msg-rate`. */
  readonly key: string;
  /** The live value (op "-" and "~"). */
  readonly from?: string;
  /** The desired value (op "+" and "~"). */
  readonly to?: string;
}

export interface VmtaDrift {
  readonly name: string;
  /** missing: desired only (will be added); extra: live only (will be removed); changed. */
  readonly change: "missing" | "extra" | "changed";
  readonly directives: readonly DirectiveChange[];
}

export interface PmtaDrift {
  readonly inSync: boolean;
  /** No live config at all (first deploy). */
  readonly liveAbsent: boolean;
  /** Parse errors in the live config (a hand-edited or damaged file): never in sync. */
  readonly liveProblems: readonly string[];
  readonly vmtas: readonly VmtaDrift[];
  /** Everything outside <virtual-mta> blocks. */
  readonly global: readonly DirectiveChange[];
}

type Flat = Map<string, string[]>;

function flatten(nodes: readonly PmtaNode[], prefix = "", into: Flat = new Map()): Flat {
  for (const node of nodes) {
    if (node.kind === "directive") {
      const key = `${prefix}${node.name}`;
      into.set(key, [...(into.get(key) ?? []), node.value]);
    } else if (node.kind === "block") {
      flatten(node.children, `${prefix}<${node.name}${node.arg ? ` ${node.arg}` : ""}> `, into);
    }
  }
  return into;
}

function compare(live: Flat, desired: Flat): DirectiveChange[] {
  const keys = [...new Set([...live.keys(), ...desired.keys()])].sort();
  const changes: DirectiveChange[] = [];
  for (const key of keys) {
    const from = live.get(key) ?? [];
    const to = desired.get(key) ?? [];
    if (from.length === to.length && from.every((v, i) => v === to[i])) continue;
    if (from.length === 1 && to.length === 1) {
      changes.push({ op: "~", key, from: from[0]!, to: to[0]! });
      continue;
    }
    const removed = from.filter((v) => !to.includes(v));
    const added = to.filter((v) => !from.includes(v));
    for (const v of removed) changes.push({ op: "-", key, from: v });
    for (const v of added) changes.push({ op: "+", key, to: v });
    if (removed.length === 0 && added.length === 0) {
      changes.push({ op: "~", key, from: "(order or count)", to: "(reordered)" });
    }
  }
  return changes;
}

function split(nodes: readonly PmtaNode[]): { vmtas: Map<string, PmtaNode[]>; rest: PmtaNode[] } {
  const vmtas = new Map<string, PmtaNode[]>();
  const rest: PmtaNode[] = [];
  for (const node of nodes) {
    if (node.kind === "block" && node.name === "virtual-mta") vmtas.set(node.arg, [...node.children]);
    else rest.push(node);
  }
  return { vmtas, rest };
}

export function pmtaDrift(liveText: string | null, desiredText: string): PmtaDrift {
  const parsedLive = parsePmtaConfig(liveText ?? "");
  const live = split(stripTrivia(parsedLive.config.nodes));
  const desired = split(stripTrivia(parsePmtaConfig(desiredText).config.nodes));
  const liveProblems = parsedLive.problems
    .filter((p) => p.severity === "error")
    .map((p) => `line ${p.line}: ${p.message}`);
  const names = [...new Set([...live.vmtas.keys(), ...desired.vmtas.keys()])].sort();
  const vmtas: VmtaDrift[] = [];
  for (const name of names) {
    const l = live.vmtas.get(name);
    const d = desired.vmtas.get(name);
    if (!l) vmtas.push({ name, change: "missing", directives: compare(new Map(), flatten(d ?? [])) });
    else if (!d) vmtas.push({ name, change: "extra", directives: compare(flatten(l), new Map()) });
    else {
      const directives = compare(flatten(l), flatten(d));
      if (directives.length > 0) vmtas.push({ name, change: "changed", directives });
    }
  }
  const global = compare(flatten(live.rest), flatten(desired.rest));
  return {
    inSync: liveText !== null && liveProblems.length === 0 && vmtas.length === 0 && global.length === 0,
    liveAbsent: liveText === null,
    liveProblems,
    vmtas,
    global,
  };
}

/** For deployPmtaConfig's `equivalent`: the texts differ only in comments and blank lines. */
export function configsEquivalent(live: string, desired: string): boolean {
  return pmtaDrift(live, desired).inSync;
}

function changeLine(c: DirectiveChange): string {
  if (c.op === "~") return `~ ${c.key}: ${c.from ?? ""} → ${c.to ?? ""}`;
  return `${c.op} ${c.key} ${c.op === "+" ? (c.to ?? "") : (c.from ?? "")}`.trimEnd();
}

/** Plan-like lines: `+` added, `-` removed, `~` changed, per VMTA then the global part. */
export function formatDrift(drift: PmtaDrift): string[] {
  if (drift.inSync) return ["in sync: the live config equals the rendered one (comments aside)"];
  if (drift.liveAbsent) {
    return [
      "no live config: everything is new",
      ...drift.vmtas.map((v) => `+ virtual-mta ${v.name}`),
      `+ ${drift.global.length} global directive(s)`,
    ];
  }
  const lines: string[] = drift.liveProblems.map((p) => `! live config: ${p}`);
  const sign = { missing: "+", extra: "-", changed: "~" } as const;
  for (const v of drift.vmtas) {
    lines.push(`${sign[v.change]} virtual-mta ${v.name}`);
    if (v.change === "changed") for (const c of v.directives) lines.push(`    ${changeLine(c)}`);
  }
  if (drift.global.length > 0) {
    lines.push("~ global");
    for (const c of drift.global) lines.push(`    ${changeLine(c)}`);
  }
  return lines;
}
