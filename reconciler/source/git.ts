// A git branch as the source of truth (simple-git): cloned once as a bare repository, fetched on each
// tick, and read at a commit with `git show`, so the working tree never exists half-updated.
import { mkdir, stat } from "node:fs/promises";
import { dirname, posix } from "node:path";
import { simpleGit } from "simple-git";
import type { SimpleGit } from "simple-git";
import { ConfigError, TransientError } from "../errors.ts";
import type { InventorySnapshot, InventorySource } from "./types.ts";
import { MAX_INVENTORY_FILE_BYTES } from "./types.ts";

export interface GitSourceOptions {
  /** Repository URL (ssh, https or file path). Credentials come from the SSH agent or a credential helper, never the URL. */
  readonly url: string;
  readonly branch: string;
  /** Folder of the inventory inside the repository. */
  readonly path: string;
  /** Where the bare clone lives. */
  readonly cacheDir: string;
  /** Per git command; a fetch that hangs is a transient failure. */
  readonly timeoutMs?: number;
}

export class GitSource implements InventorySource {
  #git: SimpleGit | undefined;

  constructor(readonly options: GitSourceOptions) {
    if (/^[a-z+]+:\/\/[^/]*:[^/]*@/i.test(options.url)) {
      throw new ConfigError("the inventory repository URL carries a password", [
        "    fix: use an SSH URL with a deploy key, or a credential helper; never a secret in the URL",
      ]);
    }
  }

  private async git(): Promise<SimpleGit> {
    if (this.#git) return this.#git;
    const { cacheDir, url, timeoutMs = 60_000 } = this.options;
    const exists = await stat(`${cacheDir}/HEAD`).then(
      () => true,
      () => false,
    );
    const options = { timeout: { block: timeoutMs }, maxConcurrentProcesses: 1 };
    if (!exists) {
      await mkdir(dirname(cacheDir), { recursive: true });
      try {
        await simpleGit(options).clone(url, cacheDir, ["--bare", "--quiet"]);
      } catch (error) {
        throw new TransientError(`cannot clone the inventory repository ${url}: ${firstLine(error)}`, {
          cause: error,
        });
      }
    }
    this.#git = simpleGit({ ...options, baseDir: cacheDir });
    return this.#git;
  }

  async latest(): Promise<InventorySnapshot> {
    const { branch, url, path } = this.options;
    const git = await this.git();
    try {
      await git.fetch("origin", `+refs/heads/${branch}:refs/heads/${branch}`, ["--quiet", "--prune"]);
    } catch (error) {
      // A branch that does not exist will not appear by retrying: that is the operator's to fix.
      if (/couldn't find remote ref/i.test(String(error))) {
        throw new ConfigError(`the inventory repository ${url} has no branch ${branch}`, [
          "    fix: check the branch name in the daemon's configuration",
        ]);
      }
      throw new TransientError(`cannot fetch ${url} branch ${branch}: ${firstLine(error)}`, { cause: error });
    }
    let revision: string;
    try {
      revision = (await git.revparse([`refs/heads/${branch}^{commit}`])).trim();
    } catch {
      throw new ConfigError(`the inventory repository ${url} has no branch ${branch}`);
    }
    return this.snapshot(git, revision, path);
  }

  /** The inventory as it is at one commit. */
  async at(revision: string): Promise<InventorySnapshot> {
    return this.snapshot(await this.git(), revision, this.options.path);
  }

  private async snapshot(git: SimpleGit, revision: string, path: string): Promise<InventorySnapshot> {
    const root = path.replace(/\/+$/, "");
    const listing = await git.raw(["ls-tree", "-r", "-l", "--full-tree", revision, "--", root]);
    const entries = listing
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [meta = "", name = ""] = line.split("\t");
        const size = Number(meta.trim().split(/\s+/)[3]);
        return { name, size };
      })
      .filter((e) => /\.ya?ml$/.test(e.name) && !posix.relative(root, e.name).startsWith("schema/"));
    if (entries.length === 0) {
      throw new ConfigError(`commit ${revision.slice(0, 12)} has no YAML files under ${root}/`);
    }
    const files = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.size > MAX_INVENTORY_FILE_BYTES) {
        throw new ConfigError(
          `${entry.name} at ${revision.slice(0, 12)} is larger than 4 MiB: not an inventory file`,
        );
      }
      files.push({
        file: posix.relative(root, entry.name),
        text: await git.show([`${revision}:${entry.name}`]),
      });
    }
    return {
      revision,
      files,
      label: `${this.options.url}#${this.options.branch}`,
      readFile: async (relativePath) => {
        const full = posix.normalize(posix.join(root, relativePath));
        if (full.startsWith("..") || !full.startsWith(`${root}/`)) return undefined;
        try {
          return await git.show([`${revision}:${full}`]);
        } catch {
          return undefined;
        }
      },
    };
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
