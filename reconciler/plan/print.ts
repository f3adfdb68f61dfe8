// The printed form of a plan, like `terraform plan`: + create, ~ update with old → new, - delete,
// and a summary line. Deterministic: the same plan always prints the same text.
import type { Action, FieldChange, Plan, Step } from "./model.ts";
import { sortSteps, summarize } from "./model.ts";

const SYMBOL: Record<Action, string> = { create: "+", update: "~", delete: "-" };

function value(v: FieldChange["old"]): string {
  if (v === undefined) return "(none)";
  if (v === null) return "null";
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function change(c: FieldChange, action: Action): string {
  if (c.sensitive) return `${c.field}: (sensitive)`;
  if (action === "create") return `${c.field}: ${value(c.new)}`;
  if (action === "delete") return `${c.field}: ${value(c.old)}`;
  return `${c.field}: ${value(c.old)} → ${value(c.new)}`;
}

function stepLines(step: Step): string[] {
  const head = `  ${SYMBOL[step.action]} ${step.system} ${step.kind} ${JSON.stringify(step.target)}${step.reason ? `  # ${step.reason}` : ""}`;
  const width = Math.max(0, ...step.changes.map((c) => c.field.length));
  return [
    head,
    ...step.changes.map(
      (c) => `      ${SYMBOL[step.action]} ${change({ ...c, field: c.field.padEnd(width) }, step.action)}`,
    ),
  ];
}

export function printPlan(plan: Plan): string {
  const lines = [`Plan for ${plan.date}, inventory ${plan.revision.slice(0, 12)}:`];
  const steps = sortSteps(plan.steps);
  if (steps.length === 0) {
    lines.push("", "No changes. PowerMTA and MailWizz match the inventory.");
    return lines.join("\n");
  }
  lines.push("");
  for (const step of steps) lines.push(...stepLines(step));
  const s = summarize(plan);
  lines.push("", `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete.`);
  return lines.join("\n");
}
