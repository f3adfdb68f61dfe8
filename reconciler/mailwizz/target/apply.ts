// Runs the MailWizz plans: the delivery-server steps through the store in one transaction (all or
// nothing), then each tenant's list and template steps through its API client, one request each.
// Every step gets a report line: Success, Error (with the reason) or NotExecuted (and why).
import { performance } from "node:perf_hooks";
import { ConfigError } from "../../errors.ts";
import type { Tenant } from "../../inventory/types.gen.ts";
import type { ListCompanyInput } from "../client/index.ts";
import type { OpResult } from "../delivery-servers/index.ts";
import { storeOps } from "../reconcile/index.ts";
import type { TenantStep } from "../reconcile/index.ts";
import type { MailwizzChanges } from "./changes.ts";
import type { MailwizzTarget, TenantTarget } from "./types.ts";

export type StepStatus = "Success" | "Error" | "NotExecuted";

export interface StepReport {
  readonly id: string;
  readonly status: StepStatus;
  readonly durationMs: number;
  /** One line, secrets cut out. */
  readonly detail: string;
}

export interface ApplyOptions {
  /** Milliseconds clock for durations (default performance.now). */
  readonly now?: () => number;
}

/** Ids as reconciler/plan/mailwizz.ts gives delivery servers; lists and templates say which they are. */
export function mailwizzStepId(
  server: string,
  kind: "delivery-server" | "list" | "template",
  name: string,
  tenant?: string,
): string {
  return kind === "delivery-server"
    ? `mailwizz:${server}:delivery-server:${name}`
    : `mailwizz:${server}:${tenant ?? ""}:${kind}:${name}`;
}

export async function applyMailwizz(
  target: MailwizzTarget,
  changes: MailwizzChanges,
  options: ApplyOptions = {},
): Promise<StepReport[]> {
  const now = options.now ?? (() => performance.now());
  const reports = await applyDeliveryServers(target, changes, now);
  for (const step of changes.lists.steps)
    reports.push(
      await timed(target, mailwizzStepId(target.server, "list", step.name, step.tenant), now, () =>
        applyList(target, changes, step),
      ),
    );
  for (const step of changes.templates.steps)
    reports.push(
      await timed(target, mailwizzStepId(target.server, "template", step.name, step.tenant), now, () =>
        applyTemplate(target, changes, step),
      ),
    );
  return reports;
}

async function applyDeliveryServers(
  target: MailwizzTarget,
  changes: MailwizzChanges,
  now: () => number,
): Promise<StepReport[]> {
  const steps = changes.deliveryServers.steps;
  if (steps.length === 0) return [];
  const id = (name: string) => mailwizzStepId(target.server, "delivery-server", name);
  const started = now();
  let results: OpResult[];
  try {
    results = await target.deliveryServers.apply(
      storeOps(changes.deliveryServers, changes.desired.deliveryServers),
    );
  } catch (error) {
    // One transaction: nothing was written. The server the error names (store errors start with
    // "delivery server <name>:") failed; the others were rolled back with it.
    const message = target.redact(errorText(error));
    const durationMs = Math.round(now() - started);
    const raw = error instanceof Error ? error.message : "";
    const culprit = steps.find((s) => raw.startsWith(`delivery server ${s.name}:`))?.name;
    return steps.map((s) =>
      culprit === undefined || s.name === culprit
        ? { id: id(s.name), status: "Error", durationMs, detail: message }
        : {
            id: id(s.name),
            status: "NotExecuted",
            durationMs: 0,
            detail: `rolled back: delivery server ${culprit} failed in the same transaction`,
          },
    );
  }
  // The batch's time is shared by its steps; each reports what the store did to its row.
  const durationMs = Math.round(now() - started);
  return steps.map((s, i) => {
    const r = results[i];
    const detail =
      r === undefined
        ? "no result from the store"
        : `${r.action} (server_id ${r.serverId})${r.fields.length > 0 && r.action === "updated" ? `: ${r.fields.join(", ")}` : ""}`;
    return { id: id(s.name), status: r === undefined ? "Error" : "Success", durationMs, detail };
  });
}

async function applyList(
  target: MailwizzTarget,
  changes: MailwizzChanges,
  step: TenantStep,
): Promise<string> {
  const tenant = tenantOf(target, step.tenant);
  const want = changes.desired.lists.find((l) => l.tenant === step.tenant && l.name === step.name);
  if (!want)
    throw new ConfigError(`list ${step.tenant}/${step.name}: the plan names a list that is not desired`);
  const fields = {
    description: want.description,
    fromName: want.fromName,
    fromEmail: want.fromEmail,
    replyTo: want.replyTo,
  };
  if (step.kind === "create") {
    const uid = await tenant.client.lists.create({
      name: want.name,
      ...fields,
      company: listCompany(step.tenant, tenant.company),
    });
    return `created (list_uid ${uid})`;
  }
  const uid = observedUid(changes.observed.lists.get(step.tenant), step, (l) => l.listUid);
  await tenant.client.lists.update(uid, fields);
  return `updated (list_uid ${uid}): ${step.changes.map((c) => c.field).join(", ")}`;
}

async function applyTemplate(
  target: MailwizzTarget,
  changes: MailwizzChanges,
  step: TenantStep,
): Promise<string> {
  const tenant = tenantOf(target, step.tenant);
  const want = changes.desired.templates.find((t) => t.tenant === step.tenant && t.name === step.name);
  if (!want)
    throw new ConfigError(
      `template ${step.tenant}/${step.name}: the plan names a template that is not desired`,
    );
  if (step.kind === "create") {
    const uid = await tenant.client.templates.create({ name: want.name, content: want.content });
    return `created (template_uid ${uid})`;
  }
  const uid = observedUid(changes.observed.templates.get(step.tenant), step, (t) => t.templateUid);
  await tenant.client.templates.update(uid, { content: want.content });
  return `updated (template_uid ${uid}): content`;
}

function tenantOf(target: MailwizzTarget, tenant: string): TenantTarget {
  const t = target.tenants.get(tenant);
  if (!t)
    throw new ConfigError(
      `tenants.${tenant}.mailwizz.server: this tenant is not on MailWizz ${target.server}; plan each install with its own tenants`,
    );
  return t;
}

function observedUid<T extends { readonly name: string }>(
  observed: readonly T[] | undefined,
  step: TenantStep,
  uid: (item: T) => string,
): string {
  const found = (observed ?? []).filter((o) => o.name === step.name);
  if (found.length !== 1)
    throw new ConfigError(
      `${step.tenant}/${step.name}: ${found.length} objects of this name were observed; observe again and re-plan`,
    );
  return uid(found[0]!);
}

/** The tenant's company as a MailWizz list company; MailWizz requires city and zip code. */
export function listCompany(tenant: string, company: Tenant["company"]): ListCompanyInput {
  const at = `tenants.${tenant}.company`;
  if (!company.city)
    throw new ConfigError(`${at}.city: missing; MailWizz requires a city for a list's company`);
  if (!company.zip)
    throw new ConfigError(`${at}.zip: missing; MailWizz requires a zip code for a list's company`);
  return {
    name: company.name,
    country: countryName(company.country),
    address1: company.address,
    city: company.city,
    zipCode: company.zip,
  };
}

/** MailWizz looks the country up by its English name; the inventory may give an ISO code ("FR"). */
export function countryName(country: string): string {
  if (!/^[A-Za-z]{2}$/.test(country)) return country;
  try {
    return (
      new Intl.DisplayNames(["en"], { type: "region", fallback: "none" }).of(country.toUpperCase()) ?? country
    );
  } catch {
    return country;
  }
}

async function timed(
  target: MailwizzTarget,
  id: string,
  now: () => number,
  work: () => Promise<string>,
): Promise<StepReport> {
  const started = now();
  try {
    const detail = await work();
    return { id, status: "Success", durationMs: Math.round(now() - started), detail: target.redact(detail) };
  } catch (error) {
    return {
      id,
      status: "Error",
      durationMs: Math.round(now() - started),
      detail: target.redact(errorText(error)),
    };
  }
}

function errorText(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  return `${e.name}: ${e.message}`.replace(/\s+/g, " ");
}
