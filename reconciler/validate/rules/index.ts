// The semantic rules: what JSON Schema cannot express. Each is a small named function; all run, and
// every problem is collected before anything is printed.
import type { Rule } from "./context.ts";
import { domainHasIps, domainMx, domainTenantExists } from "./domains.ts";
import { gateThresholdsOrdered } from "./gates.ts";
import {
  addressIsPublicUnicast,
  addressOrSlot,
  hostnameUnderDomain,
  ipReferencesResolve,
  ipsUnique,
  vmtaNotAPool,
} from "./ips.ts";
import { ispDomains } from "./isp.ts";
import { gateWindowsHaveThresholds, lifecycleUntil, someIpInService } from "./lifecycle.ts";
import { defaultsResolve, operatorCidrsValid, sendingHoursOrdered, timezoneExists } from "./platform.ts";
import { scheduleHasOneShape, scheduleIncreases } from "./schedules.ts";
import { roleSettings, serverAddresses, serverRoles, sshHostKeys } from "./servers.ts";
import {
  campaignReferencesResolve,
  listNamesUnique,
  templatesUsable,
  tenantMailwizzServer,
} from "./tenants.ts";

export { referencedFilesOf, REQUIRED_TAGS } from "./tenants.ts";
export type { Rule } from "./context.ts";
export { makeContext } from "./context.ts";

export const RULES: readonly Rule[] = [
  timezoneExists,
  sendingHoursOrdered,
  defaultsResolve,
  operatorCidrsValid,
  serverRoles,
  serverAddresses,
  sshHostKeys,
  roleSettings,
  domainTenantExists,
  domainMx,
  domainHasIps,
  addressOrSlot,
  addressIsPublicUnicast,
  ipsUnique,
  ipReferencesResolve,
  hostnameUnderDomain,
  vmtaNotAPool,
  scheduleHasOneShape,
  scheduleIncreases,
  gateThresholdsOrdered,
  gateWindowsHaveThresholds,
  lifecycleUntil,
  someIpInService,
  ispDomains,
  tenantMailwizzServer,
  listNamesUnique,
  templatesUsable,
  campaignReferencesResolve,
];
