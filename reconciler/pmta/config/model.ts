// The typed model of a PowerMTA config: an ordered tree of directives and blocks. The renderer builds
// it from the inventory and prints it; the parser reads any config text (ours or a live one) back into
// it, so desired and live configs are compared in one shape. `summarize` gives the typed view the
// deployer checks (VMTAs, their source hosts, DKIM keys and daily caps; pools; macros).

export interface PmtaDirective {
  readonly kind: "directive";
  /** Lower-case keyword, e.g. `max-smtp-msg-rate`. */
  readonly name: string;
  /** Everything after the keyword, trimmed; comments removed. */
  readonly value: string;
  /** 1-based line in the parsed text; 0 for nodes built in memory. */
  readonly line: number;
  /** A trailing `# …` comment the renderer prints after the value. */
  readonly comment?: string;
}

export interface PmtaBlock {
  readonly kind: "block";
  readonly name: string;
  /** The tag's argument: `<virtual-mta vmta1>` → `vmta1`; "" when none. */
  readonly arg: string;
  readonly children: readonly PmtaNode[];
  readonly line: number;
  readonly endLine: number;
  readonly comment?: string;
}

/** A whole-line comment (rendered only; the parser drops comments). */
export interface PmtaComment {
  readonly kind: "comment";
  readonly text: string;
  readonly line: number;
}

/** A blank line between sections (rendered only). */
export interface PmtaBlank {
  readonly kind: "blank";
  readonly line: number;
}

export type PmtaNode = PmtaDirective | PmtaBlock | PmtaComment | PmtaBlank;

export interface PmtaConfig {
  readonly nodes: readonly PmtaNode[];
}

export function directive(name: string, value: string | number, comment?: string): PmtaDirective {
  return comment === undefined
    ? { kind: "directive", name, value: String(value), line: 0 }
    : { kind: "directive", name, value: String(value), line: 0, comment };
}

export function block(name: string, arg: string, children: readonly PmtaNode[], comment?: string): PmtaBlock {
  const b = { kind: "block" as const, name, arg, children, line: 0, endLine: 0 };
  return comment === undefined ? b : { ...b, comment };
}

export function comment(text: string): PmtaComment {
  return { kind: "comment", text, line: 0 };
}

export const blank: PmtaBlank = { kind: "blank", line: 0 };

export function blocksOf(nodes: readonly PmtaNode[], name: string): PmtaBlock[] {
  return nodes.filter((n): n is PmtaBlock => n.kind === "block" && n.name === name);
}

export function directivesOf(nodes: readonly PmtaNode[], name: string): PmtaDirective[] {
  return nodes.filter((n): n is PmtaDirective => n.kind === "directive" && n.name === name);
}

export function valueOf(nodes: readonly PmtaNode[], name: string): string | undefined {
  return directivesOf(nodes, name)[0]?.value;
}

/** Keeps only directives and blocks (drops comments and blank lines), recursively: the comparable form. */
export function stripTrivia(nodes: readonly PmtaNode[]): PmtaNode[] {
  return nodes.flatMap((n): PmtaNode[] => {
    if (n.kind === "directive") return [{ kind: "directive", name: n.name, value: n.value, line: 0 }];
    if (n.kind === "block") {
      return [
        { kind: "block", name: n.name, arg: n.arg, children: stripTrivia(n.children), line: 0, endLine: 0 },
      ];
    }
    return [];
  });
}

export interface DomainKeyRef {
  readonly selector: string;
  readonly domain: string;
  readonly file: string;
}

export function parseDomainKey(value: string): DomainKeyRef | undefined {
  const [selector, domain, file, extra] = value.split(",").map((s) => s.trim());
  if (!selector || !domain || !file || extra !== undefined) return undefined;
  return { selector, domain, file };
}

export interface VmtaSummary {
  readonly name: string;
  readonly sourceHosts: readonly { readonly ip: string; readonly hostname: string }[];
  readonly domainKeys: readonly DomainKeyRef[];
  /** `max-smtp-msg-rate` as written, e.g. `500/d`. */
  readonly maxSmtpMsgRate: string | undefined;
  /** Per destination pattern, the directives of the VMTA's nested <domain> block. */
  readonly domains: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly line: number;
}

export interface ConfigSummary {
  readonly vmtas: readonly VmtaSummary[];
  readonly pools: Readonly<Record<string, readonly string[]>>;
  readonly macros: Readonly<Record<string, readonly string[]>>;
  readonly globalDomainKeys: readonly DomainKeyRef[];
  readonly includes: readonly string[];
}

/** The typed view of a parsed or built config that deploy verification and drift reports compare. */
export function summarize(config: PmtaConfig): ConfigSummary {
  const vmtas = blocksOf(config.nodes, "virtual-mta").map((b): VmtaSummary => {
    const sourceHosts = directivesOf(b.children, "smtp-source-host").map((d) => {
      const [ip = "", hostname = ""] = d.value.split(/\s+/);
      return { ip, hostname };
    });
    const domains: Record<string, Record<string, string>> = {};
    for (const d of blocksOf(b.children, "domain")) {
      domains[d.arg] = Object.fromEntries(
        d.children.filter((c): c is PmtaDirective => c.kind === "directive").map((c) => [c.name, c.value]),
      );
    }
    return {
      name: b.arg,
      sourceHosts,
      domainKeys: keysIn(b.children),
      maxSmtpMsgRate: valueOf(b.children, "max-smtp-msg-rate"),
      domains,
      line: b.line,
    };
  });
  const pools = Object.fromEntries(
    blocksOf(config.nodes, "virtual-mta-pool").map((b) => [
      b.arg,
      directivesOf(b.children, "virtual-mta").map((d) => d.value),
    ]),
  );
  const macros = Object.fromEntries(
    directivesOf(config.nodes, "domain-macro").map((d) => {
      const [name = "", ...rest] = d.value.split(/\s+/);
      return [
        name,
        rest
          .join(" ")
          .split(",")
          .map((s) => s.trim()),
      ];
    }),
  );
  return {
    vmtas,
    pools,
    macros,
    globalDomainKeys: keysIn(config.nodes),
    includes: directivesOf(config.nodes, "include").map((d) => d.value),
  };
}

/** Every DKIM key file the config refers to, once, sorted: what the deployer must put on the host first. */
export function dkimKeyFiles(config: PmtaConfig): DomainKeyRef[] {
  const s = summarize(config);
  const all = [...s.globalDomainKeys, ...s.vmtas.flatMap((v) => v.domainKeys)];
  const byFile = new Map(all.map((k) => [k.file, k]));
  return [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function keysIn(nodes: readonly PmtaNode[]): DomainKeyRef[] {
  return directivesOf(nodes, "domain-key").flatMap((d) => {
    const key = parseDomainKey(d.value);
    return key ? [key] : [];
  });
}
