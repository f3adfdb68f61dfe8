import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAbsolute, join, normalize, sep } from "node:path";
import { listInventoryFiles } from "../load/index.ts";
import type { InventorySnapshot, InventorySource } from "./types.ts";

/** A local inventory directory; its revision is a digest of the files, so an edit is a new revision. */
export class DirectorySource implements InventorySource {
  constructor(readonly dir: string) {}

  async latest(): Promise<InventorySnapshot> {
    const names = await listInventoryFiles(this.dir);
    const files = await Promise.all(
      names.map(async (file) => ({ file, text: await readFile(join(this.dir, file), "utf8") })),
    );
    const hash = createHash("sha256");
    for (const { file, text } of files) hash.update(file).update("\0").update(text).update("\0");
    const dir = this.dir;
    return {
      revision: `dir:${hash.digest("hex").slice(0, 16)}`,
      files,
      label: dir,
      async readFile(relativePath) {
        const clean = normalize(relativePath);
        if (isAbsolute(clean) || clean === ".." || clean.startsWith(`..${sep}`)) return undefined;
        return readFile(join(dir, clean), "utf8").catch(() => undefined);
      },
    };
  }
}
