// The inventory from a real bare git repository in a temp dir (no network): clone once, fetch on each
// call, read at a commit; a broken commit is reported with FILE:LINE and the next good one validates.
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatProblem } from "../../reconciler/inventory/problem.ts";
import { DirectorySource, GitSource, validateSnapshot } from "../../reconciler/source/index.ts";
import { BASE_INVENTORY } from "../helpers/inventory.ts";

let root: string;
let origin: string;
let work: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    [
      "-c",
      "user.name=Operator",
      "-c",
      "user.email=ops@example.com",
      "-c",
      "init.defaultBranch=main",
      ...args,
    ],
    {
      cwd,
      encoding: "utf8",
    },
  ).trim();
}

async function commit(
  message: string,
  edit?: { file: string; replace: string; with: string },
): Promise<string> {
  if (edit) {
    const path = join(work, "inventory", edit.file);
    await writeFile(path, (await readFile(path, "utf8")).replace(edit.replace, edit.with));
  }
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", message);
  git(work, "push", "-q", "origin", "main");
  return git(work, "rev-parse", "HEAD");
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ee-git-"));
  origin = join(root, "origin.git");
  work = join(root, "work");
  git(root, "init", "-q", "--bare", origin);
  git(root, "clone", "-q", origin, work);
  await cp(BASE_INVENTORY, join(work, "inventory"), { recursive: true });
  await writeFile(join(work, "README.md"), "platform inventory\n");
  await commit("the seed inventory");
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("git source (integration, bare repo on disk)", () => {
  it("clones once, reads the inventory at the branch head, and validates it", async () => {
    const source = new GitSource({
      url: origin,
      branch: "main",
      path: "inventory",
      cacheDir: join(root, "cache-1"),
    });
    const snapshot = await source.latest();
    expect(snapshot.revision).toBe(git(work, "rev-parse", "HEAD"));
    expect(snapshot.files.map((f) => f.file)).toEqual([
      "domains.yaml",
      "ips.yaml",
      "isp-limits.yaml",
      "platform.yaml",
      "servers.yaml",
      "tenants/sos-expat.yaml",
      "tenants/ulixai.yaml",
      "warmup.yaml",
    ]);
    const result = await validateSnapshot(snapshot);
    expect(result.errors).toEqual([]);
    expect(result.inventory?.ips).toHaveLength(5);
  });

  it("fetches new commits; a broken one names FILE:LINE, the next good one validates, an old one stays readable", async () => {
    const source = new GitSource({
      url: origin,
      branch: "main",
      path: "inventory",
      cacheDir: join(root, "cache-2"),
    });
    const good = (await source.latest()).revision;
    const broken = await commit("typo", {
      file: "ips.yaml",
      replace: "hostname: mail1.ulixai-mail.com",
      with: "hostname: mail1.ulixai.com",
    });
    const brokenSnapshot = await source.latest();
    expect(brokenSnapshot.revision).toBe(broken);
    const brokenResult = await validateSnapshot(brokenSnapshot);
    expect(brokenResult.errors.map((e) => formatProblem(e).split("\n")[0])).toEqual([
      "ips.yaml:11:15: ips[1].hostname: hostname mail1.ulixai.com is not under its domain ulixai-mail.com",
    ]);
    const fixed = await commit("fix typo", {
      file: "ips.yaml",
      replace: "hostname: mail1.ulixai.com",
      with: "hostname: mail1.ulixai-mail.com",
    });
    const fixedResult = await validateSnapshot(await source.latest());
    expect([fixedResult.revision, fixedResult.errors.length]).toEqual([fixed, 0]);
    // The last good commit can still be read exactly as it was.
    expect((await validateSnapshot(await source.at(good))).errors).toEqual([]);
  });

  it("reads template files of the same commit", async () => {
    const source = new GitSource({
      url: origin,
      branch: "main",
      path: "inventory",
      cacheDir: join(root, "cache-3"),
    });
    const snapshot = await source.latest();
    expect(await snapshot.readFile("content/ulixai/intro-bloggers.html")).toContain("[UNSUBSCRIBE_URL]");
    expect(await snapshot.readFile("../README.md")).toBeUndefined();
    expect(await snapshot.readFile("content/missing.html")).toBeUndefined();
  });

  it("a missing branch is a configuration error; an unreachable repository a transient one", async () => {
    const noBranch = new GitSource({
      url: origin,
      branch: "nope",
      path: "inventory",
      cacheDir: join(root, "cache-4"),
    });
    await expect(noBranch.latest()).rejects.toMatchObject({
      name: "ConfigError",
      message: `the inventory repository ${origin} has no branch nope`,
    });
    const gone = new GitSource({
      url: join(root, "missing.git"),
      branch: "main",
      path: "inventory",
      cacheDir: join(root, "cache-5"),
    });
    await expect(gone.latest()).rejects.toMatchObject({
      name: "TransientError",
      message: expect.stringContaining("cannot clone") as unknown,
    });
  });

  it("refuses a URL with a password in it", () => {
    expect(
      () =>
        new GitSource({
          url: "https://bot:s3cret@git.example/inv.git",
          branch: "main",
          path: "inventory",
          cacheDir: root,
        }),
    ).toThrow("the inventory repository URL carries a password");
  });
});

describe("directory source (integration)", () => {
  it("has a content-addressed revision that changes when a file changes", async () => {
    const dir = join(root, "dir-inv");
    await cp(BASE_INVENTORY, dir, { recursive: true });
    const source = new DirectorySource(dir);
    const first = await source.latest();
    expect(first.revision).toMatch(/^dir:[0-9a-f]{16}$/);
    expect((await source.latest()).revision).toBe(first.revision);
    await writeFile(
      join(dir, "platform.yaml"),
      (await readFile(join(dir, "platform.yaml"), "utf8")) + "\n# edited\n",
    );
    expect((await source.latest()).revision).not.toBe(first.revision);
  });
});
