// Readiness (GET /readyz): the store answers and the loop ticked recently. A suspended daemon does not
// tick, by choice: its tick age is not held against it.
import type { SqlQuerier } from "../store/sql.ts";

export interface ReadyInfo {
  /** Whether the state store answered a trivial query just now (see pingStore). */
  readonly store: boolean;
  /** When the last tick ended (any outcome: a stalled tick still proves the loop runs); null before. */
  readonly lastTick: Date | null;
  /** How old the last tick may be: a few tick intervals plus the longest tick. */
  readonly maxAgeMs: number;
  readonly suspended?: boolean;
}

export interface Readiness {
  readonly ready: boolean;
  /** Why not, one phrase per problem; [] when ready. */
  readonly reasons: readonly string[];
}

export function evaluateReadiness(info: ReadyInfo, now: Date): Readiness {
  const reasons: string[] = [];
  if (!info.store) reasons.push("the state store does not answer");
  if (!info.suspended) {
    if (info.lastTick === null) {
      reasons.push("no reconcile tick has finished yet");
    } else {
      const ageMs = now.getTime() - info.lastTick.getTime();
      if (ageMs > info.maxAgeMs) {
        reasons.push(
          `the last reconcile tick ended ${Math.round(ageMs / 1000)} s ago (more than ${Math.round(info.maxAgeMs / 1000)} s)`,
        );
      }
    }
  }
  return { ready: reasons.length === 0, reasons };
}

/** True when the store answers `SELECT 1` within timeoutMs; never throws. */
export async function pingStore(db: SqlQuerier, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([db.query("SELECT 1").then(() => true as const), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
