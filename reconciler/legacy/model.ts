// The old engine's rows (reference/existing-engine.md §1.18), as read from its PostgreSQL and
// normalized: only the columns that map to something here. Timestamps are UTC (the old engine wrote
// naive UTC datetimes).
import type { LocalDate } from "../warmup/dates.ts";

export interface LegacyIp {
  readonly id: number;
  readonly address: string;
  readonly hostname: string | null;
  /** Lower-cased: SQLAlchemy may have stored the enum's name (ACTIVE) or its value (active). */
  readonly status: string;
  readonly vmtaName: string | null;
  readonly poolName: string | null;
  readonly pmtaNodeId: string | null;
  readonly quarantineUntil: Date | null;
  readonly statusChangedAt: Date | null;
  readonly tenantId: number | null;
}

export interface LegacyDomain {
  readonly id: number;
  readonly name: string;
  readonly ipId: number | null;
  readonly dkimSelector: string | null;
  readonly tenantId: number | null;
}

export interface LegacyTenant {
  readonly id: number;
  readonly slug: string;
}

export interface LegacyPlan {
  readonly id: number;
  readonly ipId: number;
  /** `day_N`, `completed`, `emergency_stop`, or the early default `week_1`. */
  readonly phase: string;
  readonly startedAt: Date | null;
  readonly currentDailyQuota: number | null;
  readonly paused: boolean;
  readonly pauseUntil: Date | null;
}

export interface LegacyStat {
  readonly id: number;
  readonly planId: number;
  readonly date: LocalDate;
  readonly sent: number;
  readonly bounced: number;
  readonly complaints: number;
}

export interface LegacyBlacklistEvent {
  readonly id: number;
  readonly ipId: number;
  readonly blacklistName: string;
  readonly listedAt: Date;
  readonly delistedAt: Date | null;
}

export interface LegacySnapshot {
  readonly ips: readonly LegacyIp[];
  readonly domains: readonly LegacyDomain[];
  readonly tenants: readonly LegacyTenant[];
  readonly plans: readonly LegacyPlan[];
  readonly stats: readonly LegacyStat[];
  readonly blacklistEvents: readonly LegacyBlacklistEvent[];
}

/** A row of the old database that is not carried over, and why. Never dropped silently. */
export interface Unmapped {
  readonly table: string;
  readonly id: string;
  readonly reason: string;
}
