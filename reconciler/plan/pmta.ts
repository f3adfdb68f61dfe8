// plan, PowerMTA part (pure): the desired config text vs the live one → steps per virtual MTA (create,
// update with old → new directives, delete), per pool, and one step for any other difference. Both
// sides are parsed and compared as models, so comments and the generated header never show as drift.
import type { ConfigSummary, VmtaSummary } from "../pmta/config/index.ts";
import { parsePmtaConfig, stripTrivia, summarize } from "../pmta/config/index.ts";
import type { FieldChange, Step } from "./model.ts";

export interface PmtaSide {
  readonly host: string;
  readonly desiredText: string;
  /** undefined when the host has no config yet. */
  readonly liveText: string | undefined;
  /** Files deployed with the config (DKIM keys, smtp-users), compared by hash: never their content. */
  readonly files?: readonly {
    readonly path: string;
    readonly change: "missing" | "content" | "mode" | "equal";
  }[];
  /** Expected VMTAs PowerMTA is not running although the file has them (never reloaded). */
  readonly notLoaded?: readonly string[];
}

function fileSteps(side: PmtaSide): Step[] {
  return (side.files ?? [])
    .filter((f) => f.change !== "equal")
    .map((f) => ({
      id: `pmta:${side.host}:file:${f.path}`,
      system: "pmta" as const,
      action: f.change === "missing" ? ("create" as const) : ("update" as const),
      kind: "file",
      target: `${side.host}:${f.path}`,
      // Key and password files: what changes is secret, so only the fact is shown.
      changes: [{ field: f.change === "mode" ? "mode" : "content", sensitive: true }],
    }));
}

function vmtaFields(v: VmtaSummary): Record<string, string> {
  const fields: Record<string, string> = {
    "smtp-source-host": v.sourceHosts.map((s) => `${s.ip} ${s.hostname}`).join(", "),
    "domain-key": v.domainKeys.map((k) => `${k.selector},${k.domain}`).join(" "),
    "max-smtp-msg-rate": v.maxSmtpMsgRate ?? "(none)",
  };
  for (const [domain, directives] of Object.entries(v.domains)) {
    for (const [name, value] of Object.entries(directives)) fields[`<domain ${domain}> ${name}`] = value;
  }
  return fields;
}

function diffFields(before: Record<string, string>, after: Record<string, string>): FieldChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names
    .filter((n) => before[n] !== after[n])
    .map((n) => ({
      field: n,
      ...(before[n] !== undefined ? { old: before[n] } : {}),
      ...(after[n] !== undefined ? { new: after[n] } : {}),
    }));
}

function summaryOf(text: string): { summary: ConfigSummary; normalized: string } {
  const parsed = parsePmtaConfig(text);
  return { summary: summarize(parsed.config), normalized: JSON.stringify(stripTrivia(parsed.config.nodes)) };
}

export function planPmta(side: PmtaSide): Step[] {
  return [...planConfig(side), ...fileSteps(side)];
}

function planConfig(side: PmtaSide): Step[] {
  const step = (
    action: Step["action"],
    kind: string,
    target: string,
    changes: FieldChange[],
    reason?: string,
  ): Step => ({
    id: `pmta:${side.host}:${kind}:${target}`,
    system: "pmta",
    action,
    kind,
    target: kind === "config" ? target : `${side.host}/${target}`,
    changes,
    ...(reason !== undefined ? { reason } : {}),
  });
  const desired = summaryOf(side.desiredText);
  if (side.liveText === undefined) {
    return [
      step(
        "create",
        "config",
        side.host,
        [{ field: "virtual MTAs", new: desired.summary.vmtas.length }],
        "no config on the host yet",
      ),
    ];
  }
  const live = summaryOf(side.liveText);
  if (live.normalized === desired.normalized) {
    const notLoaded = side.notLoaded ?? [];
    return notLoaded.length === 0
      ? []
      : [
          step(
            "update",
            "config",
            side.host,
            [{ field: "loaded", old: `without ${notLoaded.join(", ")}`, new: "the config on disk" }],
            "the config on disk was never loaded: reload",
          ),
        ];
  }

  const steps: Step[] = [];
  const liveVmtas = new Map(live.summary.vmtas.map((v) => [v.name, v]));
  const desiredVmtas = new Map(desired.summary.vmtas.map((v) => [v.name, v]));
  for (const [name, v] of desiredVmtas) {
    const before = liveVmtas.get(name);
    if (!before) steps.push(step("create", "vmta", name, diffFields({}, vmtaFields(v))));
    else {
      const changes = diffFields(vmtaFields(before), vmtaFields(v));
      if (changes.length > 0) steps.push(step("update", "vmta", name, changes));
    }
  }
  for (const [name, v] of liveVmtas) {
    if (!desiredVmtas.has(name)) steps.push(step("delete", "vmta", name, diffFields(vmtaFields(v), {})));
  }
  const pools = [
    ...new Set([...Object.keys(live.summary.pools), ...Object.keys(desired.summary.pools)]),
  ].sort();
  for (const pool of pools) {
    const before = live.summary.pools[pool]?.join(", ");
    const after = desired.summary.pools[pool]?.join(", ");
    if (before === after) continue;
    const action = before === undefined ? "create" : after === undefined ? "delete" : "update";
    steps.push(
      step(action, "pool", pool, [
        {
          field: "members",
          ...(before !== undefined ? { old: before } : {}),
          ...(after !== undefined ? { new: after } : {}),
        },
      ]),
    );
  }
  if (steps.length === 0) {
    // Something outside VMTAs and pools differs (listeners, sources, patterns, accounting…).
    steps.push(
      step(
        "update",
        "config",
        side.host,
        [{ field: "other directives", old: "live", new: "rendered" }],
        "directives outside virtual MTAs differ",
      ),
    );
  }
  return steps;
}
