// Names and pools: what the config declares, what it refers to, and the checks across blocks —
// undeclared names, duplicates, a VMTA in two pools, and DKIM coverage of every pool member
// (reference/powermta.md §1.2 ordering rules, §1.4 item 3).
import type { Scope } from "./scopes.ts";
import type { PmtaBlock, PmtaDirective } from "./model.ts";
import { parseDomainKey } from "./model.ts";
import type { Severity } from "./parse.ts";
import { isCidr } from "./values.ts";

type Report = (line: number, message: string, severity?: Severity) => void;
type RefKind = "vmta" | "vmta-or-pool" | "pattern-list" | "smtp-pattern-list" | "source" | "macro";

interface Named {
  readonly name: string;
  readonly line: number;
}
interface KeyHolder extends Named {
  readonly keys: string[];
  readonly members: Named[];
}

export interface Declarations {
  declare(b: PmtaBlock, parent: PmtaBlock | undefined): void;
  reference(d: PmtaDirective, scope: Scope, parent: PmtaBlock | undefined): void;
  addRef(kind: RefKind, name: string, line: number): void;
}

interface State extends Declarations {
  readonly vmtas: KeyHolder[];
  readonly pools: KeyHolder[];
  readonly lists: Record<"pattern-list" | "smtp-pattern-list", Named[]>;
  readonly sources: Named[];
  readonly macros: Named[];
  readonly globalKeys: string[];
  readonly refs: { kind: RefKind; name: string; line: number }[];
  /** The VMTA or pool record of each block, so directives find their holder in O(1). */
  readonly holders: Map<PmtaBlock, KeyHolder>;
  coldVmta: boolean;
  coldMsgLine: number | undefined;
}

const MACRO_REF = /\$([A-Za-z0-9_]+)/g;

export function emptyDeclarations(): State {
  const state: State = {
    vmtas: [],
    pools: [],
    lists: { "pattern-list": [], "smtp-pattern-list": [] },
    sources: [],
    macros: [],
    globalKeys: [],
    refs: [],
    holders: new Map(),
    coldVmta: false,
    coldMsgLine: undefined,
    addRef(kind, name, line) {
      state.refs.push({ kind, name, line });
    },
    declare(b, parent) {
      const named = { name: b.arg, line: b.line };
      if (b.name === "virtual-mta" || b.name === "virtual-mta-pool") {
        const holder = { ...named, keys: [], members: [] };
        (b.name === "virtual-mta" ? state.vmtas : state.pools).push(holder);
        state.holders.set(b, holder);
      } else if ((b.name === "pattern-list" || b.name === "smtp-pattern-list") && parent === undefined) {
        state.lists[b.name].push(named);
      } else if (b.name === "source" && !isCidr(b.arg)) state.sources.push(named);
      else if (b.name === "domain") {
        for (const m of b.arg.matchAll(MACRO_REF)) state.addRef("macro", m[1]!, b.line);
      }
    },
    reference(d, scope, parent) {
      const holder = parent && state.holders.get(parent);
      const ref = (kind: RefKind) => state.addRef(kind, d.value, d.line);
      switch (d.name) {
        case "domain-macro": {
          const [name = "", ...rest] = d.value.split(/\s+/);
          state.macros.push({ name, line: d.line });
          for (const m of rest.join(" ").matchAll(MACRO_REF)) state.addRef("macro", m[1]!, d.line);
          return;
        }
        case "domain-key": {
          const domain = parseDomainKey(d.value)?.domain;
          if (domain === undefined) return;
          if (scope === "global") state.globalKeys.push(domain);
          else holder?.keys.push(domain);
          return;
        }
        case "virtual-mta":
          if (scope === "virtual-mta-pool") holder?.members.push({ name: d.value, line: d.line });
          return ref("vmta");
        case "default-virtual-mta":
          return d.value === "by-smtp-source-ip" ? undefined : ref("vmta-or-pool");
        case "cold-virtual-mta":
          state.coldVmta = true;
          return ref("vmta-or-pool");
        case "reroute-to-virtual-mta":
        case "backoff-reroute-to-virtual-mta":
          return ref("vmta-or-pool");
        case "max-cold-virtual-mta-msg":
          state.coldMsgLine ??= d.line;
          return;
        case "smtp-pattern-list":
          return ref("smtp-pattern-list");
        case "pattern-list":
          return scope === "source" ? ref("pattern-list") : undefined;
        case "source":
          return scope === "smtp-user" || scope === "smtp-listener" ? ref("source") : undefined;
        case "smtp-listener": {
          const source = /source=(\S+)/.exec(d.value)?.[1];
          if (source) state.addRef("source", source, d.line);
          return;
        }
        default:
          return;
      }
    },
  };
  return state;
}

function duplicates(list: readonly Named[], what: string, report: Report): void {
  const first = new Map<string, number>();
  for (const n of list) {
    const earlier = first.get(n.name);
    if (earlier !== undefined)
      report(n.line, `${what} ${n.name} is declared twice (first on line ${earlier})`);
    else first.set(n.name, n.line);
  }
}

/** The domain (or a parent, or `*`) has a key in `keys`: PowerMTA signs with a parent's key too. */
function covered(domain: string, keys: readonly string[]): boolean {
  return keys.some((k) => k === "*" || k === domain || domain.endsWith(`.${k}`));
}

export function checkReferences(
  decl: Declarations,
  externalSources: readonly string[],
  report: Report,
): void {
  const s = decl as State;
  duplicates(s.vmtas, "virtual-mta", report);
  duplicates(s.pools, "virtual-mta-pool", report);
  duplicates(s.lists["pattern-list"], "pattern-list", report);
  duplicates(s.lists["smtp-pattern-list"], "smtp-pattern-list", report);
  duplicates(s.macros, "domain-macro", report);
  const vmtaNames = new Set(s.vmtas.map((v) => v.name));
  for (const p of s.pools) {
    if (vmtaNames.has(p.name))
      report(p.line, `pool ${p.name} has the name of a virtual-mta (they share one namespace)`);
  }
  const poolOfVmta = new Map<string, Named>();
  for (const p of s.pools) {
    for (const m of p.members) {
      const other = poolOfVmta.get(m.name);
      if (other && other.name !== p.name) {
        report(
          m.line,
          `virtual-mta ${m.name} is in two pools: ${other.name} (line ${other.line}) and ${p.name}`,
        );
      } else poolOfVmta.set(m.name, { name: p.name, line: p.line });
    }
  }
  const names: Record<RefKind, Map<string, number>> = {
    vmta: new Map(s.vmtas.map((v) => [v.name, v.line])),
    "vmta-or-pool": new Map([...s.vmtas, ...s.pools].map((v) => [v.name, v.line])),
    "pattern-list": new Map(s.lists["pattern-list"].map((v) => [v.name, v.line])),
    "smtp-pattern-list": new Map(s.lists["smtp-pattern-list"].map((v) => [v.name, v.line])),
    source: new Map([
      ...s.sources.map((v) => [v.name, v.line] as const),
      ...externalSources.map((n) => [n, 0] as const),
    ]),
    macro: new Map(s.macros.map((v) => [v.name, v.line])),
  };
  const label: Record<RefKind, string> = {
    vmta: "virtual-mta",
    "vmta-or-pool": "virtual-mta or pool",
    "pattern-list": "pattern-list",
    "smtp-pattern-list": "smtp-pattern-list",
    source: "named source",
    macro: "domain-macro",
  };
  for (const r of s.refs) {
    const at = names[r.kind].get(r.name);
    if (at === undefined)
      report(r.line, `undeclared ${label[r.kind]} ${r.kind === "macro" ? "$" : ""}${r.name}`);
    else if (r.kind === "pattern-list" && at > r.line) {
      report(
        r.line,
        `pattern-list ${r.name} is used before its declaration on line ${at} (declare it first)`,
      );
    }
  }
  if (s.coldMsgLine !== undefined && !s.coldVmta) {
    report(
      s.coldMsgLine,
      "max-cold-virtual-mta-msg without any cold-virtual-mta throttles nothing",
      "warning",
    );
  }
  const vmtaByName = new Map(s.vmtas.map((v) => [v.name, v]));
  for (const p of s.pools) {
    const members = p.members.flatMap((m) => vmtaByName.get(m.name) ?? []);
    const domains = [...new Set(members.flatMap((m) => m.keys.filter((k) => k !== "*")))].sort();
    for (const m of members) {
      for (const domain of domains) {
        if (!covered(domain, [...m.keys, ...p.keys, ...s.globalKeys])) {
          report(
            m.line,
            `virtual-mta ${m.name} has no domain-key for ${domain}, which pool ${p.name} sends: its mail would leave unsigned`,
          );
        }
      }
    }
  }
}
