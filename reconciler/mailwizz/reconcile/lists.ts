// Pure: the lists and templates each tenant should have in MailWizz (from the inventory) and the steps
// that take what MailWizz has there. Lists and templates are only created or updated, never deleted:
// they hold subscribers and history that the inventory does not describe.
import { createHash } from "node:crypto";
import { ConfigError } from "../../errors.ts";
import type { Inventory } from "../../inventory/types.gen.ts";
import { entries } from "../../inventory/model.ts";
import type { Skipped, Step } from "./steps.ts";
import { change, groupByName } from "./steps.ts";

export interface DesiredList {
  readonly tenant: string;
  /** The inventory key (tenants.<t>.lists.<key>). */
  readonly key: string;
  /** The list's name in MailWizz: the key steps use. */
  readonly name: string;
  readonly description: string;
  readonly fromName: string;
  readonly fromEmail: string;
  readonly replyTo: string;
}

/** A list as the API client reads it back, reduced to what the inventory sets. */
export interface ObservedList {
  readonly listUid: string;
  readonly name: string;
  readonly description: string;
  readonly fromName: string;
  readonly fromEmail: string;
  readonly replyTo: string;
}

export interface DesiredTemplate {
  readonly tenant: string;
  readonly key: string;
  readonly name: string;
  readonly content: string;
}

export interface ObservedTemplate {
  readonly templateUid: string;
  readonly name: string;
  readonly content: string;
}

export interface TenantStep extends Step<"create" | "update"> {
  readonly tenant: string;
}

export interface TenantPlan {
  readonly steps: readonly TenantStep[];
  readonly skipped: readonly (Skipped & { readonly tenant: string })[];
}

export function desiredLists(inventory: Inventory): DesiredList[] {
  return entries(inventory.tenants).flatMap(([tenant, t]) =>
    entries(t.lists ?? {}).map(([key, list]) => ({
      tenant,
      key,
      name: list.name,
      // MailWizz requires a description and a reply-to; the inventory makes them optional.
      description: list.description ?? list.name,
      fromName: list.fromName,
      fromEmail: list.fromEmail,
      replyTo: list.replyTo ?? list.fromEmail,
    })),
  );
}

/** `contents` maps a template's `file` (relative to the inventory directory) to its HTML. */
export function desiredTemplates(
  inventory: Inventory,
  contents: ReadonlyMap<string, string>,
): DesiredTemplate[] {
  return entries(inventory.tenants).flatMap(([tenant, t]) =>
    entries(t.templates ?? {}).map(([key, template]) => {
      const content = contents.get(template.file);
      if (content === undefined)
        throw new ConfigError(`template ${tenant}/${key}: no content was read for ${template.file}`);
      return { tenant, key, name: template.name, content };
    }),
  );
}

const LIST_FIELDS = [
  ["description", "description"],
  ["from_name", "fromName"],
  ["from_email", "fromEmail"],
  ["reply_to", "replyTo"],
] as const;

/** `observed` holds each tenant's lists (a tenant missing from the map has none yet). */
export function planLists(
  desired: readonly DesiredList[],
  observed: ReadonlyMap<string, readonly ObservedList[]>,
): TenantPlan {
  return plan(desired, observed, (want, have) =>
    LIST_FIELDS.flatMap(([field, key]) =>
      have && have[key] === want[key] ? [] : [change(field, have ? have[key] : null, want[key])],
    ),
  );
}

export function planTemplates(
  desired: readonly DesiredTemplate[],
  observed: ReadonlyMap<string, readonly ObservedTemplate[]>,
): TenantPlan {
  return plan(desired, observed, (want, have) =>
    have && normalizeHtml(have.content) === normalizeHtml(want.content)
      ? []
      : [change("content", have ? contentLabel(have.content) : null, contentLabel(want.content))],
  );
}

// Line endings and trailing blanks are not meaningful differences in HTML; anything else is.
function normalizeHtml(html: string): string {
  return html
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .trimEnd();
}

/** Templates are shown in plans by size and hash, not in full. */
export function contentLabel(html: string): string {
  const normal = normalizeHtml(html);
  return `sha256:${createHash("sha256").update(normal).digest("hex").slice(0, 12)} (${Buffer.byteLength(normal)} bytes)`;
}

function plan<D extends { tenant: string; name: string }, O extends { name: string }>(
  desired: readonly D[],
  observed: ReadonlyMap<string, readonly O[]>,
  diff: (want: D, have: O | undefined) => TenantStep["changes"],
): TenantPlan {
  const steps: TenantStep[] = [];
  const skipped: (Skipped & { tenant: string })[] = [];
  const sorted = [...desired].sort((a, b) =>
    a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const want of sorted) {
    const found = groupByName(observed.get(want.tenant) ?? []).get(want.name) ?? [];
    if (found.length > 1) {
      skipped.push({
        tenant: want.tenant,
        name: want.name,
        reason: `${found.length} objects in MailWizz have this name`,
      });
      continue;
    }
    const have = found[0];
    const changes = diff(want, have);
    if (!have) steps.push({ kind: "create", tenant: want.tenant, name: want.name, changes });
    else if (changes.length > 0)
      steps.push({ kind: "update", tenant: want.tenant, name: want.name, changes });
  }
  return { steps, skipped };
}
