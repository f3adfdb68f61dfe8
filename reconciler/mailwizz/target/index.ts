// The reconciler's handle on one MailWizz install (real, or the embedded emulator) and the IO around
// the pure planners of ../reconcile: observe, plan the changes, apply them with a per-step report.
export type { ClientTuning, MailwizzTarget, TenantTarget } from "./types.ts";
export { openMailwizzTarget, mailwizzServer, mailwizzServerNames, tenantsOf } from "./open.ts";
export type { OpenTargetOptions } from "./open.ts";
export { openEmbeddedMailwizzTarget } from "./embedded.ts";
export type { EmbeddedOptions, EmbeddedTarget } from "./embedded.ts";
export { observeMailwizz } from "./observe.ts";
export type { ObservedMailwizz } from "./observe.ts";
export { isEmpty, planMailwizzChanges } from "./changes.ts";
export type { DesiredMailwizz, MailwizzChanges } from "./changes.ts";
export { applyMailwizz, countryName, listCompany, mailwizzStepId } from "./apply.ts";
export type { ApplyOptions, StepReport, StepStatus } from "./apply.ts";
