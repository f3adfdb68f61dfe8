// Pure: the delivery servers MailWizz should have (one `smtp-pmta` server per sending IP, today's
// warm-up quota) and the steps that take what MailWizz has there. The store (delivery-servers/) does
// the IO; this file takes every input as a parameter.
import { ConfigError } from "../../errors.ts";
import type { Inventory } from "../../inventory/types.gen.ts";
import type {
  DesiredDeliveryServer,
  ObservedDeliveryServer,
  ServerProtocol,
  StoreOp,
} from "../delivery-servers/types.ts";
import { checkQuotas, columnChanges, effectiveStatus, headersText } from "../delivery-servers/validate.ts";
import type { Skipped, Step } from "./steps.ts";
import { byName, change, groupByName } from "./steps.ts";

/** How MailWizz submits mail to PowerMTA: not in the inventory, given by the caller. */
export interface PmtaSubmission {
  readonly port: number;
  readonly protocol: ServerProtocol;
  readonly username: string;
  /** The secret's value (resolved by the caller from its secret reference). Never shown in a plan. */
  readonly password: string;
  /** Local part of each server's from address; the domain is the IP's sending domain. */
  readonly fromLocalPart: string;
  /** Host MailWizz connects to, by inventory server name, when not the server's hostname/address. */
  readonly hostOverrides?: Readonly<Record<string, string>>;
}

/** Today's quota of one sending IP (a row of derive/warmup-table.ts has these fields). */
export interface IpQuota {
  readonly vmta: string;
  readonly quota: number;
}

export type DeliveryServerStep = Step<"create" | "update" | "disable">;

export interface DeliveryServerPlan {
  readonly steps: readonly DeliveryServerStep[];
  readonly skipped: readonly Skipped[];
}

/** The delivery server of a VMTA: a stable name, so renaming nothing else moves it. */
export function deliveryServerName(vmta: string): string {
  return `ee-${vmta}`;
}

/** Hours of the platform's sending window (platform.sendingHours, local hours; the whole day if unset). */
export function sendingHoursOf(inventory: Inventory): number {
  const window = inventory.platform.sendingHours;
  if (!window) return 24;
  const hours = (((window.end - window.start) % 24) + 24) % 24;
  return hours === 0 ? 24 : hours;
}

export function desiredDeliveryServers(
  inventory: Inventory,
  quotas: readonly IpQuota[],
  smtp: PmtaSubmission,
): DesiredDeliveryServer[] {
  const hours = sendingHoursOf(inventory);
  const quotaOf = new Map(quotas.map((q) => [q.vmta, q.quota]));
  return inventory.ips
    .map((ip): DesiredDeliveryServer => {
      const name = deliveryServerName(ip.vmta);
      const daily = quotaOf.get(ip.vmta);
      if (daily === undefined)
        throw new ConfigError(`delivery server ${name}: no warm-up quota for VMTA ${ip.vmta} today`);
      // 0 means "unlimited" to MailWizz: a server with nothing to send is made inactive instead.
      const quotas = { daily, hourly: daily === 0 ? 0 : Math.ceil(daily / hours) };
      checkQuotas(name, quotas);
      const server = inventory.servers[ip.server];
      const hostname = smtp.hostOverrides?.[ip.server] ?? server?.hostname ?? server?.address;
      if (hostname === undefined) {
        throw new ConfigError(
          `delivery server ${name}: server ${ip.server} of VMTA ${ip.vmta} has no hostname or address for MailWizz to connect to`,
        );
      }
      const tenant = inventory.domains[ip.domain]?.tenant;
      const fromName = tenant === undefined ? undefined : inventory.tenants[tenant]?.displayName;
      if (fromName === undefined)
        throw new ConfigError(
          `delivery server ${name}: domain ${ip.domain} has no tenant with a display name`,
        );
      return {
        name,
        type: "smtp-pmta",
        hostname,
        port: smtp.port,
        protocol: smtp.protocol,
        username: smtp.username,
        password: smtp.password,
        fromEmail: `${smtp.fromLocalPart}@${ip.domain}`,
        fromName,
        quotas,
        headers: [{ name: "X-Virtual-MTA", value: ip.vmta }],
        status: daily > 0 ? "active" : "inactive",
      };
    })
    .sort(byName);
}

/**
 * Steps from `observed` to `desired`. Only servers named in `owned` (the ones email-engine created) are
 * updated or disabled; a desired name held by a server email-engine does not own is skipped, never
 * taken over. A server that is no longer desired is disabled (made inactive), never deleted.
 */
export function planDeliveryServers(
  desired: readonly DesiredDeliveryServer[],
  observed: readonly ObservedDeliveryServer[],
  owned: ReadonlySet<string>,
): DeliveryServerPlan {
  const steps: DeliveryServerStep[] = [];
  const skipped: Skipped[] = [];
  const seen = groupByName(observed);
  const wanted = new Set(desired.map((d) => d.name));
  for (const want of [...desired].sort(byName)) {
    const found = seen.get(want.name) ?? [];
    if (found.length === 0) {
      steps.push({ kind: "create", name: want.name, changes: creationChanges(want) });
    } else if (!owned.has(want.name)) {
      skipped.push({
        name: want.name,
        reason: "a delivery server with this name exists in MailWizz but email-engine did not create it",
      });
    } else if (found.length > 1) {
      skipped.push({
        name: want.name,
        reason: `${found.length} delivery servers in MailWizz have this name`,
      });
    } else {
      const changes = columnChanges(found[0] as ObservedDeliveryServer, want).map((d) =>
        change(d.column, d.old, d.new, d.sensitive),
      );
      if (changes.length > 0) steps.push({ kind: "update", name: want.name, changes });
    }
  }
  for (const [name, servers] of [...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (wanted.has(name) || !owned.has(name)) continue;
    if (servers.length > 1) {
      skipped.push({ name, reason: `${servers.length} delivery servers in MailWizz have this name` });
      continue;
    }
    const status = servers[0]?.status ?? "";
    if (effectiveStatus(status) === "active") {
      steps.push({ kind: "disable", name, changes: [change("status", status, "inactive")] });
    }
  }
  return { steps, skipped };
}

/** The store writes for a plan: the desired servers (with their secret) are looked up by name here. */
export function storeOps(plan: DeliveryServerPlan, desired: readonly DesiredDeliveryServer[]): StoreOp[] {
  const byServerName = new Map(desired.map((d) => [d.name, d]));
  return plan.steps.map((step): StoreOp => {
    if (step.kind === "disable") return { kind: "status", name: step.name, status: "inactive" };
    const server = byServerName.get(step.name);
    if (!server)
      throw new ConfigError(`delivery server ${step.name}: the plan names a server that is not desired`);
    return { kind: "upsert", server };
  });
}

function creationChanges(d: DesiredDeliveryServer): ReturnType<typeof change>[] {
  return [
    change("type", null, d.type),
    change("hostname", null, d.hostname),
    change("port", null, d.port),
    change("protocol", null, d.protocol),
    change("username", null, d.username),
    change("password", null, d.password, true),
    change("from_email", null, d.fromEmail),
    change("from_name", null, d.fromName),
    change("hourly_quota", null, d.quotas.hourly),
    change("daily_quota", null, d.quotas.daily),
    change("meta_data", null, headersText(d.headers)),
    change("status", null, d.status),
  ];
}
