// The day's quota per VMTA, from either a plain map or the rows of warmupTable(), and what the renderer
// does with each IP (rendered in the pool, rendered but paused, or left out).
import type { WarmupRow } from "../../derive/warmup-table.ts";
import type { LifecycleState } from "../../lifecycle/state.ts";
import type { WarmupState } from "../../warmup/calendar.ts";

export interface VmtaQuota {
  readonly quota: number;
  /** Known when the quotas come from warmupTable(); a plain map gives none. */
  readonly state?: WarmupState;
  readonly day?: number;
  readonly reason?: string;
  /** The lifecycle state, when the quotas come from warmupTable(). */
  readonly lifecycle?: LifecycleState;
  /** Retiring: the cap kept while its queue drains. */
  readonly drainQuota?: number;
}

export type QuotaInput = ReadonlyMap<string, number> | readonly WarmupRow[];

export function quotasByVmta(input: QuotaInput): Map<string, VmtaQuota> {
  if (input instanceof Map) {
    return new Map([...(input as ReadonlyMap<string, number>)].map(([vmta, quota]) => [vmta, { quota }]));
  }
  return new Map(
    (input as readonly WarmupRow[]).map((r) => [
      r.vmta,
      {
        quota: r.quota,
        state: r.state,
        day: r.day,
        reason: r.lifecycle.serving ? r.reason : r.lifecycle.reason,
        lifecycle: r.lifecycle.state,
        ...(r.drainQuota !== undefined ? { drainQuota: r.drainQuota } : {}),
      },
    ]),
  );
}

/**
 * - `active`: in its pool, `max-smtp-msg-rate QUOTA/d`.
 * - `paused` (quota 0 after the start date): the VMTA stays (mail already queued for it keeps its
 *   identity and DKIM keys) but leaves the pool and gets `max-smtp-msg-rate 1/d`, the smallest cap
 *   whose meaning is documented: the rate grammar allows `0`, but whether 0 means "stop" or
 *   "unlimited" is not in the readable guide. The deployer should also pause its queues (pmta pause queue, all domains of the VMTA).
 * - `draining` (lifecycle retiring): out of the pool, so nothing new is routed to it, but it keeps its
 *   last warm-up cap so the mail already queued for it leaves.
 * - `omitted`: not rendered at all — pending (nothing can be queued for it yet), retired (drained), or
 *   without an address. Submissions naming it are refused (reject-invalid-virtual-mta defaults to true).
 */
export type VmtaDisposition = "active" | "paused" | "draining" | "omitted";

export function dispositionOf(quota: VmtaQuota, hasAddress: boolean): VmtaDisposition {
  if (!hasAddress || quota.state === "pending" || quota.lifecycle === "retired") return "omitted";
  if (quota.lifecycle === "retiring" && (quota.drainQuota ?? 0) > 0) return "draining";
  return quota.quota > 0 ? "active" : "paused";
}
