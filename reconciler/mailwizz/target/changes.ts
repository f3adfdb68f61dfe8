// Pure: desired MailWizz state vs what observeMailwizz() saw → the three plans applyMailwizz() runs,
// with the desired values (secrets, content) and observed uids the steps themselves do not carry.
import type { DesiredDeliveryServer } from "../delivery-servers/index.ts";
import type { DeliveryServerPlan, DesiredList, DesiredTemplate, TenantPlan } from "../reconcile/index.ts";
import { planDeliveryServers, planLists, planTemplates } from "../reconcile/index.ts";
import type { ObservedMailwizz } from "./observe.ts";

export interface DesiredMailwizz {
  readonly deliveryServers: readonly DesiredDeliveryServer[];
  readonly lists: readonly DesiredList[];
  readonly templates: readonly DesiredTemplate[];
  /** Delivery servers email-engine created (its own record): only these are updated or disabled. */
  readonly ownedServers: ReadonlySet<string>;
}

export interface MailwizzChanges {
  readonly deliveryServers: DeliveryServerPlan;
  readonly lists: TenantPlan;
  readonly templates: TenantPlan;
  readonly desired: DesiredMailwizz;
  readonly observed: ObservedMailwizz;
}

export function planMailwizzChanges(desired: DesiredMailwizz, observed: ObservedMailwizz): MailwizzChanges {
  return {
    deliveryServers: planDeliveryServers(
      desired.deliveryServers,
      observed.deliveryServers,
      desired.ownedServers,
    ),
    lists: planLists(desired.lists, observed.lists),
    templates: planTemplates(desired.templates, observed.templates),
    desired,
    observed,
  };
}

/** Nothing to do: no step in any of the three plans (skipped objects are not steps). */
export function isEmpty(changes: MailwizzChanges): boolean {
  return (
    changes.deliveryServers.steps.length + changes.lists.steps.length + changes.templates.steps.length === 0
  );
}
