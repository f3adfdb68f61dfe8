// Pure planners for MailWizz: delivery servers, lists and templates. The IO (API client, store) is
// elsewhere; these take every input as a parameter and return sorted, secret-free steps.
export type { FieldChange, FieldValue, Skipped, Step } from "./steps.ts";
export { SENSITIVE } from "./steps.ts";
export type { DeliveryServerPlan, DeliveryServerStep, IpQuota, PmtaSubmission } from "./delivery-servers.ts";
export {
  deliveryServerName,
  desiredDeliveryServers,
  planDeliveryServers,
  sendingHoursOf,
  storeOps,
} from "./delivery-servers.ts";
export type {
  DesiredList,
  DesiredTemplate,
  ObservedList,
  ObservedTemplate,
  TenantPlan,
  TenantStep,
} from "./lists.ts";
export { contentLabel, desiredLists, desiredTemplates, planLists, planTemplates } from "./lists.ts";
