// An IP's lifecycle as the v1 API reports it. The lifecycle (warming, active, standby, resting,
// retiring, paused, quarantined, listed) is added to the per-IP rows by the lifecycle change; until a
// row carries it, it is inferred from the warm-up state, which says less (no standby, no quarantine).
import type { WarmupRow } from "../../derive/warmup-table.ts";

export interface Lifecycle {
  readonly state: string;
  /** When the state ends by itself (a pause's resume time, a quarantine's release), ISO; or null. */
  readonly until: string | null;
  readonly reason: string;
}

function isoOrNull(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === "string" && value !== "") {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date.toISOString();
  }
  return null;
}

export function lifecycleOf(row: WarmupRow): Lifecycle {
  const given = (row as unknown as { lifecycle?: unknown }).lifecycle;
  if (
    typeof given === "object" &&
    given !== null &&
    typeof (given as { state?: unknown }).state === "string"
  ) {
    const l = given as { state: string; until?: unknown; reason?: unknown };
    return {
      state: l.state,
      until: isoOrNull(l.until),
      reason: typeof l.reason === "string" ? l.reason : row.reason,
    };
  }
  const state =
    row.state === "pending"
      ? "standby"
      : row.state === "warmed"
        ? "active"
        : row.state === "paused"
          ? "paused"
          : "warming";
  return { state, until: null, reason: row.reason };
}

/** The warm-up finished: the IP sends its full quota and has no warm-up cap any more. */
export function warmupFinished(row: WarmupRow, lifecycle: Lifecycle): boolean {
  return row.state === "warmed" || lifecycle.state === "active";
}

/**
 * The old engine's IP status vocabulary (active, retiring, resting, warming, blacklisted, standby,
 * quarantined). It had no "paused" IP (a pause lived on the warm-up plan, `paused: true`), so a
 * paused IP reads as the state under the pause; "listed" is its "blacklisted".
 */
export function legacyIpStatus(row: WarmupRow, lifecycle: Lifecycle): string {
  switch (lifecycle.state) {
    case "listed":
      return "blacklisted";
    case "paused":
      return warmupFinished(row, { ...lifecycle, state: "" }) ? "active" : "warming";
    case "pending":
      return "standby";
    case "retired":
      // Out for good; the old vocabulary's nearest state that takes no traffic.
      return "resting";
    default:
      return lifecycle.state;
  }
}
