import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { listInventoryFiles } from "../load/index.ts";
import { parseStackOutputs, syncInventoryTexts } from "../inventory/sync.ts";
import { validateInventoryDir } from "../validate/index.ts";
import { formatProblem } from "../inventory/problem.ts";
import type { Output } from "./output.ts";

export interface SyncOptions {
  readonly inventory: string;
  readonly outputs: string;
  readonly dryRun?: boolean;
}

/** `email-engine inventory sync --outputs FILE`: addresses Pulumi allocated → inventory YAML. */
export async function inventorySyncCommand(
  options: SyncOptions,
  output: Output,
  stdin?: () => Promise<string>,
): Promise<number> {
  const source = options.outputs === "-" ? "standard input" : options.outputs;
  let text: string;
  try {
    text = options.outputs === "-" && stdin ? await stdin() : await readFile(options.outputs, "utf8");
  } catch (error) {
    throw new ConfigError(
      `cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      ["    fix: pulumi stack output --json > outputs.json, then pass --outputs outputs.json"],
    );
  }
  const outputs = parseStackOutputs(text, source);
  const files = await listInventoryFiles(options.inventory);
  const texts = await Promise.all(
    files.map(async (file) => ({ file, text: await readFile(join(options.inventory, file), "utf8") })),
  );
  const result = syncInventoryTexts(texts, outputs);
  for (const line of result.changes) output.out(line);
  for (const line of result.unmatched)
    output.err(`warning: ${line} is in the stack outputs but not in the inventory`);
  if (result.changes.length === 0) {
    output.out("inventory already matches the stack outputs");
    return 0;
  }
  if (options.dryRun) {
    output.out(
      `${result.changes.length} change${result.changes.length === 1 ? "" : "s"} (dry run: nothing written)`,
    );
    return 0;
  }
  // Every file is written to a temporary name first and renamed, so a failure leaves each file whole.
  for (const { file, text: updated } of result.files) {
    const target = join(options.inventory, file);
    const temp = `${target}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(temp, updated);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
  const validation = await validateInventoryDir(options.inventory);
  for (const problem of validation.errors) output.err(formatProblem(problem));
  output.out(
    `${result.changes.length} change${result.changes.length === 1 ? "" : "s"} written to ${result.files.length} file${result.files.length === 1 ? "" : "s"}; review them with \`git diff\` and open a pull request`,
  );
  return validation.errors.length === 0 ? 0 : 1;
}
