// The PowerMTA config: model, renderer, parser and linter. The deployer uses renderPmtaConfig,
// renderSmtpUsers, lintPmtaConfig, parsePmtaConfig and summarize.
export type { RenderPmtaInput } from "./build.ts";
export { buildPmtaConfig, GENERATED_LINE } from "./build.ts";
export type { LintOptions } from "./lint.ts";
export { lintPmtaConfig } from "./lint.ts";
export type {
  ConfigSummary,
  DomainKeyRef,
  PmtaBlock,
  PmtaConfig,
  PmtaDirective,
  PmtaNode,
  VmtaSummary,
} from "./model.ts";
export { dkimKeyFiles, stripTrivia, summarize } from "./model.ts";
export type { LintProblem, ParseResult, Severity } from "./parse.ts";
export { parsePmtaConfig } from "./parse.ts";
export type { QuotaInput, VmtaDisposition } from "./quotas.ts";
export { renderPmtaConfig, renderSmtpUsers } from "./render.ts";
export { serializePmtaConfig } from "./serialize.ts";
export type { PmtaSettings } from "./settings.ts";
export { DEFAULT_PMTA_SETTINGS, dkimKeyPath } from "./settings.ts";
export type { PmtaTemplates, TemplateText } from "./templates.ts";
export { DEFAULT_TEMPLATE_DIR, loadPmtaTemplates } from "./templates.ts";
