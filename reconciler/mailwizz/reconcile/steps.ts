// The typed steps the MailWizz planners produce. A step never holds a secret: a sensitive field shows
// as SENSITIVE in both old and new, and the values the applier needs come from the desired state.

export const SENSITIVE = "(sensitive)";

export type FieldValue = string | number | null;

export interface FieldChange {
  readonly field: string;
  /** null when the object does not exist yet. */
  readonly old: FieldValue;
  readonly new: FieldValue;
  readonly sensitive: boolean;
}

export interface Step<Kind extends string> {
  readonly kind: Kind;
  readonly name: string;
  readonly changes: readonly FieldChange[];
}

/** Something the planner saw but will not change, and why (shown in the plan, not applied). */
export interface Skipped {
  readonly name: string;
  readonly reason: string;
}

export function change(field: string, old: FieldValue, now: FieldValue, sensitive = false): FieldChange {
  return sensitive
    ? { field, old: old === null ? null : SENSITIVE, new: SENSITIVE, sensitive }
    : { field, old, new: now, sensitive };
}

export function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Groups by exact name (MailWizz does not make names unique). */
export function groupByName<T extends { readonly name: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.name, [...(groups.get(item.name) ?? []), item]);
  return groups;
}
