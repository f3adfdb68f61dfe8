// The operator-editable fragments under templates/pmta/. The renderer is pure and takes their text as
// input; this file reads them (IO) and turns each into model nodes, naming file:line on a problem.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../errors.ts";
import type { PmtaNode } from "./model.ts";
import { parsePmtaConfig } from "./parse.ts";

export interface TemplateText {
  /** Shown in messages, e.g. templates/pmta/backoff-patterns.conf. */
  readonly path: string;
  readonly text: string;
}

export interface PmtaTemplates {
  /** `reply /REGEX/ ACTIONS` lines, wrapped by the renderer in <smtp-pattern-list>. */
  readonly backoffPatterns: TemplateText;
  /** Directives for the global <domain *> block. */
  readonly domainDefaults: TemplateText;
  /** Global <domain $isp> blocks whose directives are merged into the engine's per-ISP blocks. */
  readonly ispRules: TemplateText;
  /** `/REGEX/ category` lines; the <bounce-category-patterns> block is rendered only when non-empty. */
  readonly bounceCategories: TemplateText;
}

export const TEMPLATE_FILES = {
  backoffPatterns: "backoff-patterns.conf",
  domainDefaults: "domain-defaults.conf",
  ispRules: "isp-rules.conf",
  bounceCategories: "bounce-categories.conf",
} as const satisfies Record<keyof PmtaTemplates, string>;

/** templates/pmta/ of this checkout. */
export const DEFAULT_TEMPLATE_DIR = fileURLToPath(new URL("../../../templates/pmta/", import.meta.url));

export async function loadPmtaTemplates(dir: string = DEFAULT_TEMPLATE_DIR): Promise<PmtaTemplates> {
  const read = async (file: string): Promise<TemplateText> => {
    const path = join(dir, file);
    try {
      return { path, text: await readFile(path, "utf8") };
    } catch (error) {
      throw new ConfigError(`cannot read PowerMTA template ${path}: ${(error as Error).message}`);
    }
  };
  const entries = await Promise.all(
    Object.entries(TEMPLATE_FILES).map(async ([key, file]) => [key, await read(file)] as const),
  );
  return Object.fromEntries(entries) as unknown as PmtaTemplates;
}

/** Parses a fragment, or throws a ConfigError listing `path:line: message` for each problem. */
export function templateNodes(template: TemplateText): PmtaNode[] {
  const { config, problems } = parsePmtaConfig(template.text);
  if (problems.length > 0) {
    throw new ConfigError(
      `PowerMTA template ${template.path} has ${problems.length} problem${problems.length === 1 ? "" : "s"}`,
      problems.map((p) => `${template.path}:${p.line}: ${p.message}`),
    );
  }
  return [...config.nodes];
}
