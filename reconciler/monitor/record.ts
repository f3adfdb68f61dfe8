// One monitor run into the store: its verdicts for the operators' local day of the check, then every
// sending IP's ledger `listed` flag recomputed from the whole day. Callers run it inside the check's
// transaction, so the verdicts and the ledger never disagree. Runs are serialized per store schema: two
// checks finishing at once (dns and blocklists) would otherwise each recompute the flags without the
// other's verdicts, and the later commit could clear a listing the earlier one had just set.
import type { Inventory } from "../inventory/types.gen.ts";
import type { SqlQuerier } from "../store/sql.ts";
import type { LocalDate } from "../warmup/dates.ts";
import { localDate } from "../warmup/dates.ts";
import type { VerdictEntry } from "./repository.ts";
import { MonitorVerdicts } from "./repository.ts";
import type { MonitorSignals } from "./signals.ts";
import { applySignals } from "./signals.ts";

/** The day a check taken at `at` counts for: the date in the inventory's time zone. */
export function monitorDay(inventory: Inventory, at: Date): LocalDate {
  return localDate(at, inventory.platform.timezone);
}

/**
 * Takes the monitors' lock for the rest of the transaction (re-entrant). Call it first when the
 * transaction writes more than recordMonitorRun does (the blocklist history), so all of it is serialized.
 */
export async function lockMonitorRuns(db: SqlQuerier): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':email-engine-monitor'))");
}

export async function recordMonitorRun(
  db: SqlQuerier,
  inventory: Inventory,
  verdicts: readonly VerdictEntry[],
  at: Date,
): Promise<Map<string, MonitorSignals>> {
  await lockMonitorRuns(db);
  await new MonitorVerdicts(db).record(verdicts, at);
  return applySignals(db, inventory, monitorDay(inventory, at));
}
