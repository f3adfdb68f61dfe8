// What a semantic rule sees and how it reports. Rules are pure: file contents they need (templates) are
// read before they run.
import type { Path, SourceMap } from "../../load/source.ts";
import type { Problem, Severity } from "../../inventory/problem.ts";
import { formatPath } from "../../inventory/problem.ts";
import type { Inventory } from "../../inventory/types.gen.ts";

export interface RuleContext {
  readonly inventory: Inventory;
  /** Contents of files the inventory references (template HTML), by path relative to the inventory. */
  readonly referencedFiles: ReadonlyMap<string, string | undefined>;
  readonly error: (path: Path, message: string, detail: Detail) => void;
  readonly warn: (path: Path, message: string, detail: Detail) => void;
}

export interface Detail {
  readonly expected?: string;
  readonly fix?: string;
  /** Point at the key rather than its value (names). */
  readonly key?: boolean;
}

export type Rule = (ctx: RuleContext) => void;

export function makeContext(
  inventory: Inventory,
  sources: SourceMap,
  referencedFiles: ReadonlyMap<string, string | undefined>,
  problems: Problem[],
): RuleContext {
  const push = (severity: Severity) => (path: Path, message: string, detail: Detail) =>
    problems.push({
      severity,
      location: sources.locate(path, { key: detail.key ?? false }),
      path: formatPath(path),
      message,
      ...(detail.expected !== undefined ? { expected: detail.expected } : {}),
      ...(detail.fix !== undefined ? { fix: detail.fix } : {}),
    });
  return { inventory, referencedFiles, error: push("error"), warn: push("warning") };
}

/** "one of: a, b, c" for messages about references. */
export function oneOf(names: readonly string[]): string {
  return names.length === 0 ? "(none defined)" : `one of: ${[...names].sort().join(", ")}`;
}
