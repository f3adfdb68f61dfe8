// source → load → validate: a snapshot of the inventory becomes a typed Inventory or every problem.
import { loadInventoryTexts } from "../load/index.ts";
import type { ValidationResult } from "../validate/index.ts";
import { validateLoaded } from "../validate/index.ts";
import type { InventorySnapshot } from "./types.ts";

export { DirectorySource } from "./directory.ts";
export { GitSource } from "./git.ts";
export type { GitSourceOptions } from "./git.ts";
export type { InventorySnapshot, InventorySource } from "./types.ts";

export async function validateSnapshot(
  snapshot: InventorySnapshot,
): Promise<ValidationResult & { revision: string }> {
  const loaded = loadInventoryTexts(snapshot.label, snapshot.files);
  const result = await validateLoaded(loaded, (file) => snapshot.readFile(file));
  return { ...result, revision: snapshot.revision };
}
