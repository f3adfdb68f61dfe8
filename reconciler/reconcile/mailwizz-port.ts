// The MailWizz port over a target (real install or the embedded emulator): desired delivery servers,
// lists and templates for today's quotas, planned against what the install holds, applied on demand.
import type { WarmupRow } from "../derive/warmup-table.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { PmtaSubmission } from "../mailwizz/reconcile/index.ts";
import { desiredDeliveryServers, desiredLists, desiredTemplates } from "../mailwizz/reconcile/index.ts";
import type { MailwizzChanges, MailwizzTarget } from "../mailwizz/target/index.ts";
import { applyMailwizz, observeMailwizz, planMailwizzChanges } from "../mailwizz/target/index.ts";
import type { MailwizzPort, StepReport } from "./ports.ts";

export function mailwizzPort(target: MailwizzTarget, submission: PmtaSubmission): MailwizzPort {
  const changesFor = async (
    inventory: Inventory,
    rows: readonly WarmupRow[],
    owned: ReadonlySet<string>,
    templates: ReadonlyMap<string, string>,
  ): Promise<MailwizzChanges> =>
    planMailwizzChanges(
      {
        deliveryServers: desiredDeliveryServers(inventory, rows, submission),
        lists: desiredLists(inventory),
        templates: desiredTemplates(inventory, templates),
        ownedServers: owned,
      },
      await observeMailwizz(target),
    );
  return {
    server: target.server,
    async plan(inventory, rows, owned, templates) {
      const changes = await changesFor(inventory, rows, owned, templates);
      return {
        delivery: changes.deliveryServers,
        tenants: [
          { ...changes.lists, kind: "list" as const },
          { ...changes.templates, kind: "template" as const },
        ],
        observed: changes.observed,
      };
    },
    async apply(inventory, rows, owned, templates) {
      const changes = await changesFor(inventory, rows, owned, templates);
      const reports = await applyMailwizz(target, changes);
      const steps: StepReport[] = reports.map((r) => ({
        step: r.id,
        status: r.status,
        durationMs: r.durationMs,
        detail: r.detail,
      }));
      const created = changes.deliveryServers.steps
        .filter((s) => s.kind === "create")
        .filter((s) =>
          reports.some((r) => r.id.endsWith(`:delivery-server:${s.name}`) && r.status === "Success"),
        )
        .map((s) => s.name);
      return { ok: reports.every((r) => r.status === "Success"), steps, created };
    },
    close: () => target.close(),
  };
}
