// Runs the CLI in-process with captured output and a fixed clock.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { CliEnvironment } from "../../reconciler/cli/context.ts";
import { runCli } from "../../reconciler/cli/main.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

export async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ee-data-"));
  dirs.push(dir);
  return dir;
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function cli(argv: readonly string[], env: Partial<CliEnvironment> = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const environment: CliEnvironment = {
    now: () => new Date("2026-11-24T10:00:00Z"),
    databaseUrl: undefined,
    dataDir: env.dataDir ?? (await tempDataDir()),
    home: env.home ?? (await tempDataDir()),
    secrets: {},
    ...env,
  };
  const code = await runCli(argv, environment, {
    out: (t) => (stdout += t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => (stderr += t.endsWith("\n") ? t : `${t}\n`),
  });
  return { code, stdout, stderr };
}
