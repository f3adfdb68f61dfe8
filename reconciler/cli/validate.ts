import { ConfigError } from "../errors.ts";
import { formatProblem } from "../inventory/problem.ts";
import { validateInventoryDir } from "../validate/index.ts";
import type { ValidationResult } from "../validate/index.ts";
import type { Output } from "./output.ts";

/** Validates or throws a ConfigError listing every problem. Warnings are left to `validate`. */
export async function loadValidInventory(
  dir: string,
): Promise<ValidationResult & { inventory: NonNullable<ValidationResult["inventory"]> }> {
  const result = await validateInventoryDir(dir);
  if (!result.inventory) {
    const n = result.errors.length;
    throw new ConfigError(
      `inventory ${dir} is invalid: ${n} error${n === 1 ? "" : "s"}`,
      result.errors.map(formatProblem),
    );
  }
  return { ...result, inventory: result.inventory };
}

export async function validateCommand(
  options: { inventory: string; json?: boolean },
  output: Output,
): Promise<number> {
  const result = await validateInventoryDir(options.inventory);
  if (options.json) {
    output.out(
      JSON.stringify(
        {
          valid: result.errors.length === 0,
          files: result.files,
          errors: result.errors,
          warnings: result.warnings,
        },
        null,
        2,
      ),
    );
    return result.errors.length === 0 ? 0 : 1;
  }
  for (const problem of [...result.errors, ...result.warnings]) output.err(formatProblem(problem));
  if (result.errors.length > 0) {
    const n = result.errors.length;
    output.err(
      `${options.inventory}: ${n} error${n === 1 ? "" : "s"}, ${result.warnings.length} warning${result.warnings.length === 1 ? "" : "s"}`,
    );
    return 1;
  }
  const inv = result.inventory!;
  const count = (o: object) => Object.keys(o).length;
  output.out(
    `${options.inventory}: valid (${result.files.length} files: ${count(inv.servers)} servers, ${count(inv.domains)} domains, ${inv.ips.length} IPs, ${count(inv.schedules)} schedules, ${count(inv.tenants)} tenants; ${result.warnings.length} warning${result.warnings.length === 1 ? "" : "s"})`,
  );
  return 0;
}
