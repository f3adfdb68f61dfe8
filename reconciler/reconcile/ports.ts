// What one reconcile needs from each external system, as small ports. Production implements them over
// SSH and MailWizz's API and database; the embedded default over a local directory and the emulator.
import type { DeliveryServerPlan, TenantPlan } from "../mailwizz/reconcile/index.ts";
import type { AcctCursor, AcctReadResult } from "../pmta/host/observe.ts";
import type { WarmupRow } from "../derive/warmup-table.ts";
import type { Inventory } from "../inventory/types.gen.ts";

export type StepStatus = "Success" | "Error" | "NotExecuted";

export interface StepReport {
  readonly step: string;
  readonly status: StepStatus;
  readonly durationMs: number;
  readonly detail?: string;
}

export interface PmtaPort {
  readonly host: string;
  /** The config this host should run today (rendering is pure; secrets stay out of the text). */
  render(inventory: Inventory, rows: readonly WarmupRow[], date: string, revision: string): Promise<string>;
  /** The live config, and the state of the files deployed with it (DKIM keys, smtp-users; by hash only). */
  readLive(): Promise<{
    text: string | undefined;
    files: readonly { path: string; change: "missing" | "content" | "mode" | "equal" }[];
    /** Expected VMTAs PowerMTA is not running: the file on disk was never loaded. */
    notLoaded: readonly string[];
  }>;
  /** Deploys (lint, lock, backup, atomic move, test, reload, verify, rollback) and reports each step. */
  deploy(inventory: Inventory, text: string): Promise<{ ok: boolean; steps: readonly StepReport[] }>;
  readAccounting(inventory: Inventory, cursor: AcctCursor | null): Promise<AcctReadResult>;
  close(): Promise<void>;
}

export interface MailwizzPort {
  readonly server: string;
  /** Plans delivery servers, lists and templates for today's quotas against what MailWizz holds now. */
  plan(
    inventory: Inventory,
    rows: readonly WarmupRow[],
    owned: ReadonlySet<string>,
    templates: ReadonlyMap<string, string>,
  ): Promise<{
    delivery: DeliveryServerPlan;
    tenants: readonly (TenantPlan & { readonly kind?: "list" | "template" })[];
    observed: unknown;
  }>;
  /** Re-plans against the live install and applies; reports each step. */
  apply(
    inventory: Inventory,
    rows: readonly WarmupRow[],
    owned: ReadonlySet<string>,
    templates: ReadonlyMap<string, string>,
  ): Promise<{ ok: boolean; steps: readonly StepReport[]; created: readonly string[] }>;
  close(): Promise<void>;
}
