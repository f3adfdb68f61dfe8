// plan, MailWizz part (pure): the MailWizz planners' steps (delivery servers through the database,
// lists and templates through the API) in the plan's common shape. A delivery server is never deleted,
// only disabled, so its step is an update of its status.
import type { DeliveryServerPlan, FieldChange as MwChange, TenantPlan } from "../mailwizz/reconcile/index.ts";
import type { FieldChange, Step } from "./model.ts";

function changes(list: readonly MwChange[]): FieldChange[] {
  return list.map((c) =>
    c.sensitive
      ? { field: c.field, sensitive: true }
      : {
          field: c.field,
          ...(c.old !== null ? { old: c.old } : {}),
          ...(c.new !== null ? { new: c.new } : {}),
        },
  );
}

/** `lists` and `templates` plans are told apart so a list and a template of one name never share an id. */
export function planMailwizz(
  server: string,
  delivery: DeliveryServerPlan,
  tenants: readonly (TenantPlan & { readonly kind?: "list" | "template" })[],
): Step[] {
  const steps: Step[] = delivery.steps.map((s) => ({
    id: `mailwizz:${server}:delivery-server:${s.name}`,
    system: "mailwizz",
    action: s.kind === "create" ? "create" : "update",
    kind: "delivery-server",
    target: `${server}/${s.name}`,
    changes: changes(s.changes),
    ...(s.kind === "disable"
      ? { reason: "no longer in the inventory, or its IP sends nothing today: disabled, never deleted" }
      : {}),
  }));
  for (const plan of tenants) {
    const kind = plan.kind ?? "tenant-object";
    for (const s of plan.steps) {
      steps.push({
        id: `mailwizz:${server}:${s.tenant}:${kind}:${s.name}`,
        system: "mailwizz",
        action: s.kind,
        kind,
        target: `${server}/${s.tenant}/${s.name}`,
        changes: changes(s.changes),
      });
    }
  }
  return steps;
}
