// Builds throwaway inventories from the fixture copy of the example, with edits applied, so each
// broken-inventory case states only what it breaks.
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";

export const BASE_INVENTORY = new URL("../fixtures/base-inventory/", import.meta.url).pathname;
export const EXAMPLE_INVENTORY = new URL("../../inventory/", import.meta.url).pathname;

export type Edit =
  | { readonly file: string; readonly replace: string; readonly with: string }
  | { readonly file: string; readonly content: string }
  | { readonly file: string; readonly remove: true };

const created: string[] = [];
afterAll(async () => {
  await Promise.all(created.map((d) => rm(d, { recursive: true, force: true })));
});

export async function inventoryWith(edits: readonly Edit[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ee-inv-"));
  created.push(dir);
  await cp(BASE_INVENTORY, dir, { recursive: true });
  for (const edit of edits) {
    const path = join(dir, edit.file);
    if ("remove" in edit) {
      await rm(path);
    } else if ("content" in edit) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, edit.content);
    } else {
      const text = await readFile(path, "utf8");
      if (!text.includes(edit.replace))
        throw new Error(`fixture ${edit.file} has no ${JSON.stringify(edit.replace)}`);
      await writeFile(path, text.replace(edit.replace, edit.with));
    }
  }
  return dir;
}
