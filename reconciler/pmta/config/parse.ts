// Parses PowerMTA config text (ours or a live host's) into the model of model.ts. The parser only
// knows the file model of reference/powermta.md §1.1 (lines, `#` comments, `<name arg>` … `</name>`
// blocks); what may appear where is the linter's job. It never throws: problems carry line numbers.
import type { PmtaBlock, PmtaConfig, PmtaNode } from "./model.ts";

export type Severity = "error" | "warning";

export interface LintProblem {
  readonly line: number;
  readonly message: string;
  readonly severity: Severity;
}

export interface ParseResult {
  readonly config: PmtaConfig;
  readonly problems: readonly LintProblem[];
}

const OPEN = /^<([A-Za-z][A-Za-z0-9-]*)(?:\s+([^>]*?))?\s*>$/;
const CLOSE = /^<\/([A-Za-z][A-Za-z0-9-]*)(?:\s+[^>]*)?\s*>$/;

interface Frame {
  readonly name: string;
  readonly arg: string;
  readonly line: number;
  readonly children: PmtaNode[];
}

/** Splits a line at the first `#` (PowerMTA has no quoting: `#` always starts a comment [V §3.1]). */
function stripComment(raw: string): { text: string; glued: boolean } {
  const at = raw.indexOf("#");
  if (at < 0) return { text: raw, glued: false };
  const before = raw.slice(0, at);
  // A `#` right after a non-blank character sits inside a value (a password, a regex): PowerMTA cuts
  // the value there. At line start or after a blank it is an ordinary comment.
  const glued = before.trim() !== "" && !/\s$/.test(before);
  return { text: before, glued };
}

/** The leading `/regex/` of an entry line (bounce-category-patterns), honouring `\/` escapes. */
function leadingRegex(text: string): string | undefined {
  if (!text.startsWith("/")) return undefined;
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "/") return text.slice(0, i + 1);
  }
  return undefined;
}

export function parsePmtaConfig(text: string): ParseResult {
  const problems: LintProblem[] = [];
  const error = (line: number, message: string) => problems.push({ line, message, severity: "error" });
  const root: Frame = { name: "", arg: "", line: 0, children: [] };
  const stack: Frame[] = [root];
  const top = () => stack[stack.length - 1]!;

  const closeTop = (endLine: number) => {
    const frame = stack.pop()!;
    const node: PmtaBlock = {
      kind: "block",
      name: frame.name,
      arg: frame.arg,
      children: frame.children,
      line: frame.line,
      endLine,
    };
    top().children.push(node);
  };

  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const { text: uncommented, glued } = stripComment(raw);
    if (glued) {
      error(
        line,
        "'#' inside a value starts a comment and cuts the value there (write \\x23 in a regex; passwords cannot contain '#')",
      );
    }
    const t = uncommented.trim();
    if (t === "") return;
    if (t === "{" || t === "}" || /\s\{(\s|$)/.test(t)) {
      error(line, "brace blocks are not PowerMTA syntax: use <name arg> … </name>");
      return;
    }
    if (t.startsWith("</")) {
      const m = CLOSE.exec(t);
      if (!m) return error(line, `malformed closing tag ${t}`);
      const name = m[1]!.toLowerCase();
      const depth = stack.findLastIndex((f, i) => i > 0 && f.name === name);
      if (depth < 0) return error(line, `</${name}> has no matching <${name}>`);
      while (stack.length - 1 > depth) {
        const open = top();
        error(
          line,
          `</${name}> closes <${name}> (line ${stack[depth]!.line}) while <${open.name}> (line ${open.line}) is still open`,
        );
        closeTop(line);
      }
      closeTop(line);
      return;
    }
    if (t.startsWith("<")) {
      const m = OPEN.exec(t);
      if (!m) return error(line, `malformed tag ${t}: expected <name argument>`);
      stack.push({ name: m[1]!.toLowerCase(), arg: (m[2] ?? "").trim(), line, children: [] });
      return;
    }
    const regex = leadingRegex(t);
    const name = regex ?? t.split(/\s+/, 1)[0]!;
    const value = t.slice(name.length).trim();
    top().children.push({ kind: "directive", name: regex ? name : name.toLowerCase(), value, line });
  });

  while (stack.length > 1) {
    const open = top();
    error(open.line, `<${open.name}> is never closed: add </${open.name}>`);
    closeTop(lines.length);
  }
  return { config: { nodes: root.children }, problems };
}
