// The JSON of GET /api/v1/status (pure): each target's status with Flux-style conditions, so people
// and tools read "what's live" (lastAppliedRevision) apart from "what we tried" (lastAttemptedRevision).
import type { TargetState, TargetStatus } from "../record/types.ts";

export interface Condition {
  readonly type: "Ready" | "Stalled" | "Reconciling";
  readonly status: "True" | "False" | "Unknown";
  readonly reason: string;
  readonly message: string;
}

export interface StatusEntry {
  readonly target: string;
  readonly state: TargetState;
  readonly ready: boolean;
  readonly reason: string;
  readonly message: string;
  readonly lastAttemptedRevision: string | null;
  readonly lastAppliedRevision: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly nextRunAt: string | null;
  readonly validationErrors: readonly string[];
  readonly updatedAt: string;
  readonly conditions: readonly Condition[];
}

export interface StatusDocument {
  /** Per sending IP: warm-up day, quota, state and its reason, as of the last tick. */
  readonly ips: readonly IpStatus[];
  readonly targets: readonly StatusEntry[];
}

/** One sending IP in the status: its warm-up state today and why (e.g. the gate that paused it). */
export interface IpStatus {
  readonly ip: string;
  readonly vmta: string;
  readonly domain: string;
  readonly day: number;
  readonly quota: number;
  readonly state: string;
  readonly reason: string;
  /** The lifecycle state operators know (warming, active, standby, paused…), its end and why. */
  readonly lifecycle?: { readonly state: string; readonly until: string | null; readonly reason: string };
}

export function statusDocument(
  statuses: readonly TargetStatus[],
  ips: readonly IpStatus[] = [],
): StatusDocument {
  const targets = [...statuses]
    .sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0))
    .map(statusEntry);
  const sorted = [...ips]
    .sort((a, b) => (a.vmta < b.vmta ? -1 : a.vmta > b.vmta ? 1 : 0))
    .map(({ ip, vmta, domain, day, quota, state, reason, lifecycle }) => ({
      ip,
      vmta,
      domain,
      day,
      quota,
      state,
      reason,
      ...(lifecycle
        ? { lifecycle: { state: lifecycle.state, until: lifecycle.until, reason: lifecycle.reason } }
        : {}),
    }));
  return { targets, ips: sorted };
}

export function statusEntry(s: TargetStatus): StatusEntry {
  return {
    target: s.target,
    state: s.state,
    ready: s.state === "ready",
    reason: s.reason,
    message: s.message,
    lastAttemptedRevision: s.lastAttemptedRevision,
    lastAppliedRevision: s.lastAppliedRevision,
    lastAttemptAt: iso(s.lastAttemptAt),
    lastSuccessAt: iso(s.lastSuccessAt),
    nextRunAt: iso(s.nextRunAt),
    validationErrors: s.validationErrors,
    updatedAt: s.updatedAt.toISOString(),
    conditions: conditions(s),
  };
}

/** kstatus: Ready is always present; Stalled and Reconciling only when true ("abnormal-true"). */
export function conditions(s: Pick<TargetStatus, "state" | "reason" | "message">): Condition[] {
  const { reason, message } = s;
  switch (s.state) {
    case "ready":
      return [{ type: "Ready", status: "True", reason, message }];
    case "stalled":
      return [
        { type: "Ready", status: "False", reason, message },
        { type: "Stalled", status: "True", reason, message },
      ];
    case "progressing":
      return [
        { type: "Ready", status: "Unknown", reason, message },
        { type: "Reconciling", status: "True", reason, message },
      ];
    case "suspended":
      return [{ type: "Ready", status: "Unknown", reason, message }];
  }
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
