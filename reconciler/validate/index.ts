// validate: the loaded document → a typed Inventory, or every problem at once. Three phases, each run
// only when the one before passed, because later phases cannot judge what earlier ones could not read:
// YAML syntax (from load) → JSON Schema → semantic rules.
import { readFile } from "node:fs/promises";
import { isAbsolute, join, normalize, sep } from "node:path";
import type { LoadedInventory } from "../load/index.ts";
import { loadInventory } from "../load/index.ts";
import type { Problem } from "../inventory/problem.ts";
import { sortProblems } from "../inventory/problem.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import { makeContext, referencedFilesOf, RULES } from "./rules/index.ts";
import { checkSchema } from "./schema.ts";

export interface ValidationResult {
  readonly inventory: Inventory | undefined;
  readonly errors: readonly Problem[];
  readonly warnings: readonly Problem[];
  readonly files: readonly string[];
}

export async function validateInventoryDir(dir: string): Promise<ValidationResult> {
  const loaded = await loadInventory(dir);
  return validateLoaded(loaded, (file) => readReferenced(dir, file));
}

export async function validateLoaded(
  loaded: LoadedInventory,
  readFileText: (relativePath: string) => Promise<string | undefined>,
): Promise<ValidationResult> {
  const split = (problems: readonly Problem[], inventory?: Inventory): ValidationResult => {
    const sorted = sortProblems(problems);
    const errors = sorted.filter((p) => p.severity === "error");
    return {
      inventory: errors.length === 0 ? inventory : undefined,
      errors,
      warnings: sorted.filter((p) => p.severity === "warning"),
      files: loaded.files,
    };
  };
  if (loaded.problems.length > 0) return split(loaded.problems);
  const schema = checkSchema(loaded.document, loaded.sources);
  if (!schema.ok) return split(schema.problems);
  const inventory = schema.inventory;
  const referenced = new Map<string, string | undefined>();
  for (const file of referencedFilesOf(inventory)) referenced.set(file, await readFileText(file));
  const problems: Problem[] = [];
  const ctx = makeContext(inventory, loaded.sources, referenced, problems);
  for (const rule of RULES) rule(ctx);
  return split(problems, deepFreeze(inventory));
}

/** Reads a file the inventory references, refusing paths that leave the inventory directory. */
export async function readReferenced(dir: string, file: string): Promise<string | undefined> {
  const clean = normalize(file);
  if (isAbsolute(clean) || clean === ".." || clean.startsWith(`..${sep}`)) return undefined;
  try {
    return await readFile(join(dir, clean), "utf8");
  } catch {
    return undefined;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
