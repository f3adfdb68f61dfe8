// Where the desired state comes from: a git branch (production: operators change it by pull request)
// or a local directory (the embedded default, development). Either way a revision is an immutable
// snapshot of the inventory's files.

export interface InventorySnapshot {
  /** A git commit id, or `dir:<sha256 of the files>` for a local directory. */
  readonly revision: string;
  /** The inventory's YAML files, relative to the inventory root, sorted. */
  readonly files: readonly { readonly file: string; readonly text: string }[];
  /** Reads another file of the same snapshot (template HTML); undefined when absent. */
  readFile(relativePath: string): Promise<string | undefined>;
  /** A human label for messages: the directory, or `url#branch`. */
  readonly label: string;
}

export interface InventorySource {
  /** Brings the source up to date (git fetch) and returns the newest snapshot. */
  latest(): Promise<InventorySnapshot>;
}

/** Inventory files larger than this are refused (they are not inventory). */
export const MAX_INVENTORY_FILE_BYTES = 4 * 1024 * 1024;
