// The linter: parse problems, then every directive and block against its scope (whitelist, denylist,
// value formats, duplicates), then names and pools (lint-refs.ts). Accepts every config the renderer
// produces (a test holds it to that). Problems are sorted by line; messages never echo secret values.
import { DENIED_BLOCKS, DENIED_DIRECTIVES, DENIED_GLOBAL } from "./denylist.ts";
import { directiveSpec } from "./directives.ts";
import type { Scope } from "./scopes.ts";
import { FREE_FORM_SCOPES, isScope, NESTED_BLOCKS } from "./scopes.ts";
import { lintBounceCategory, lintPatternEntry, lintReply } from "./lint-entries.ts";
import type { Declarations } from "./lint-refs.ts";
import { checkReferences, emptyDeclarations } from "./lint-refs.ts";
import type { PmtaBlock, PmtaDirective, PmtaNode } from "./model.ts";
import type { LintProblem, Severity } from "./parse.ts";
import { parsePmtaConfig } from "./parse.ts";
import { checkValue } from "./values.ts";

export type { LintProblem } from "./parse.ts";

export interface LintOptions {
  /** Named sources declared in another file (the SMTP users file refers to the main config's). */
  readonly externalSources?: readonly string[];
}

const NEEDS_ARG: readonly Scope[] = [
  "source",
  "smtp-user",
  "domain",
  "virtual-mta",
  "virtual-mta-pool",
  "pattern-list",
  "smtp-pattern-list",
  "acct-file",
  "spool",
  "smtp-listener",
];

export function lintPmtaConfig(text: string, options: LintOptions = {}): LintProblem[] {
  const { config, problems: parsed } = parsePmtaConfig(text);
  const problems: LintProblem[] = [...parsed];
  const report = (line: number, message: string, severity: Severity = "error") =>
    problems.push({ line, message, severity });
  const decl = emptyDeclarations();
  walk(config.nodes, "global", undefined, decl, report);
  checkReferences(decl, options.externalSources ?? [], report);
  return problems.sort((a, b) => a.line - b.line);
}

type Report = (line: number, message: string, severity?: Severity) => void;

function walk(
  nodes: readonly PmtaNode[],
  scope: Scope,
  parent: PmtaBlock | undefined,
  decl: Declarations,
  report: Report,
): void {
  const seen = new Map<string, number>();
  const seenBlocks = new Map<string, number>();
  for (const node of nodes) {
    if (node.kind === "block") {
      const key = `<${node.name} ${node.arg}>`;
      const first = seenBlocks.get(key);
      // VMTAs, pools and pattern lists are checked across the file with their names (lint-refs.ts).
      if (first !== undefined && UNIQUE_IN_SCOPE.includes(node.name)) {
        report(node.line, `${key.replace(" >", ">")} appears twice in this scope (first on line ${first})`);
      }
      if (first === undefined) seenBlocks.set(key, node.line);
      lintBlock(node, scope, parent, decl, report);
    } else if (node.kind === "directive") {
      if (FREE_FORM_SCOPES.includes(scope)) lintEntry(node, scope, decl, report);
      else lintDirective(node, scope, parent, seen, decl, report);
    }
  }
}

const UNIQUE_IN_SCOPE = ["domain", "source", "smtp-user", "acct-file", "spool", "smtp-listener"];

function lintBlock(
  b: PmtaBlock,
  scope: Scope,
  parent: PmtaBlock | undefined,
  decl: Declarations,
  report: Report,
) {
  const denied = DENIED_BLOCKS[b.name];
  if (denied !== undefined) return report(b.line, `<${b.name}> is not PowerMTA syntax: ${denied}`);
  if (!isScope(b.name)) return report(b.line, `unknown block <${b.name}>`);
  if (!(NESTED_BLOCKS[scope] ?? []).includes(b.name)) {
    return report(
      b.line,
      scope === "global"
        ? `<${b.name}> is only allowed inside another block`
        : `<${b.name}> is not allowed inside <${scope}>`,
    );
  }
  if (NEEDS_ARG.includes(b.name) && b.arg === "") return report(b.line, `<${b.name}> needs an argument`);
  if (b.name === "domain" && scope === "virtual-mta" && b.arg.includes("$")) {
    report(
      b.line,
      `<domain ${b.arg}> inside <virtual-mta>: macros there are unverified, list the domains`,
      "warning",
    );
  }
  decl.declare(b, parent);
  walk(b.children, b.name, b, decl, report);
}

function lintDirective(
  d: PmtaDirective,
  scope: Scope,
  parent: PmtaBlock | undefined,
  seen: Map<string, number>,
  decl: Declarations,
  report: Report,
) {
  const where = scope === "global" ? "at global level" : `in <${scope}>`;
  const deniedGlobal = scope === "global" ? DENIED_GLOBAL[d.name] : undefined;
  const denied = deniedGlobal ?? DENIED_DIRECTIVES[d.name];
  if (denied !== undefined) {
    return report(
      d.line,
      `${d.name} is not PowerMTA syntax${scope === "global" && deniedGlobal ? " at global level" : ""}${denied ? `: ${denied}` : ""}`,
    );
  }
  if (d.name === "max-cold-virtual-mta-msg" && scope !== "domain") {
    return report(
      d.line,
      "max-cold-virtual-mta-msg is a <domain> directive counting mail diverted to a cold VMTA, not a daily cap: use max-smtp-msg-rate N/d in <virtual-mta>",
    );
  }
  const spec = directiveSpec(scope, d.name);
  if (!spec) return report(d.line, `unknown directive ${d.name} ${where}`);
  const expected = checkValue(spec.kind, d.value);
  if (expected !== undefined) {
    const shown = spec.secret ? "" : ` ${JSON.stringify(d.value)}`;
    report(d.line, `${d.name}${shown}: expected ${expected}`);
  }
  const key = d.name === "record-fields" ? `${d.name} ${d.value.split(/\s+/)[0]}` : d.name;
  const first = seen.get(key);
  if (first !== undefined && !spec.repeatable) {
    report(d.line, `${d.name} is set twice in this block (first on line ${first})`);
  } else if (first !== undefined && d.name === "record-fields") {
    report(d.line, `record-fields for ${key.split(" ")[1]} is set twice (first on line ${first})`);
  }
  if (first === undefined) seen.set(key, d.line);
  if (d.name === "http-access" && /^0\/0\s+admin$/.test(d.value)) {
    report(d.line, "http-access 0/0 admin gives anyone on the Internet admin rights", "warning");
  }
  decl.reference(d, scope, parent);
}

function lintEntry(d: PmtaDirective, scope: Scope, decl: Declarations, report: Report): void {
  if (scope === "smtp-pattern-list") lintReply(d, report);
  else if (scope === "bounce-category-patterns") lintBounceCategory(d, report);
  else if (scope === "pattern-list") {
    const refs = lintPatternEntry(d, report);
    if (refs.vmta) decl.addRef("vmta-or-pool", refs.vmta, d.line);
    if (refs.callTo) decl.addRef("pattern-list", refs.callTo, d.line);
  }
  // The other free-form blocks (<mx-rollup-list>, <dns>, …) are passed through unchecked.
}
