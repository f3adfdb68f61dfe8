// One finding about the inventory, printed as `FILE:LINE:COL: PATH: message` plus what was expected
// and how to fix it.
import type { Path, SourceLocation } from "../load/source.ts";

export type Severity = "error" | "warning";

export interface Problem {
  readonly severity: Severity;
  readonly location: SourceLocation | undefined;
  /** Path in the merged inventory, printed like `ips[2].hostname`. */
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly fix?: string;
}

/** `ips[2].hostname`, `domains["sos-mail.com"].dkim`: readable and unambiguous with dotted keys. */
export function formatPath(path: Path): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "(root)" : out;
}

export function formatProblem(p: Problem): string {
  const where = p.location ? `${p.location.file}:${p.location.line}:${p.location.col}` : "(inventory)";
  const tag = p.severity === "warning" ? "warning: " : "";
  const lines = [`${where}: ${p.path}: ${tag}${p.message}`];
  if (p.expected) lines.push(`    expected: ${p.expected}`);
  if (p.fix) lines.push(`    fix: ${p.fix}`);
  return lines.join("\n");
}

/** Stable order: by file, line, column, then message, so output is deterministic. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => {
    const fa = a.location?.file ?? "";
    const fb = b.location?.file ?? "";
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.location?.line ?? 0;
    const lb = b.location?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.location?.col ?? 0;
    const cb = b.location?.col ?? 0;
    if (ca !== cb) return ca - cb;
    return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
  });
}
