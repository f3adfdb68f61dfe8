// Operators' lifecycle decisions recorded in ip_events (pure checks + one write each): promote a
// standby IP into service, demote it back, release a quarantine or a gates' pause early. Each names
// who and why; the product never promotes by itself (the old engine flipped the first standby IP it
// found to active when another got listed, to keep sending what got that one listed).
import { ConfigError } from "../errors.ts";
import { ipKey } from "../inventory/model.ts";
import type { Inventory, SendingIp } from "../inventory/types.gen.ts";
import type { WarmupRow } from "../derive/warmup-table.ts";
import type { IpEvent, NewIpEvent } from "./events.ts";
import { gatePauseOf, promotionOf, quarantineOf } from "./state.ts";

export type Decision = "promote" | "demote" | "release";

export interface DecisionInput {
  readonly inventory: Inventory;
  /** The IP's address, slot key or VMTA name. */
  readonly ip: string;
  readonly by: string;
  readonly reason: string;
  /** Every IP's events, oldest first. */
  readonly events: readonly IpEvent[];
  /** Today's rows with every event applied (for "never every IP out at once"). */
  readonly rows: readonly WarmupRow[];
  readonly now: Date;
}

function findIp(inventory: Inventory, name: string): SendingIp {
  const ip = inventory.ips.find((i) => ipKey(i) === name || i.address === name || i.vmta === name);
  if (!ip) {
    throw new ConfigError(`${name} is not a sending IP of the inventory`, [
      `    expected: one of ${inventory.ips.map((i) => ipKey(i)).join(", ") || "(none)"} (or its VMTA name)`,
    ]);
  }
  return ip;
}

function oneLine(what: string, text: string): string {
  const value = text.trim();
  if (value === "" || /[\r\n]/.test(value) || value.length > 200) {
    throw new ConfigError(`${what} must be one non-empty line of at most 200 characters`, [
      `    fix: e.g. ${what === "--by" ? "--by alice" : '--reason "vmta0 listed on spamhaus, ticket OPS-12"'}`,
    ]);
  }
  return value;
}

/** The event an operator's decision records, or a ConfigError saying why it does not apply. */
export function decide(decision: Decision, input: DecisionInput): NewIpEvent {
  const ip = findIp(input.inventory, input.ip);
  const key = ipKey(ip);
  const by = oneLine("--by", input.by);
  const reason = oneLine("--reason", input.reason);
  const events = input.events.filter((e) => e.ip === key);
  const event = (kind: string): NewIpEvent => ({
    ip: key,
    at: input.now,
    kind,
    reason,
    actor: `operator:${by}`,
  });
  switch (decision) {
    case "promote": {
      if (ip.state !== "standby") {
        throw new ConfigError(
          `${key} is not in standby in the inventory (state: ${ip.state ?? "in service"})`,
          ["    only a standby IP is promoted; for another state, change it in the inventory"],
        );
      }
      const promoted = promotionOf(events);
      if (promoted)
        throw new ConfigError(
          `${key} was already promoted by ${promoted.actor} at ${promoted.at.toISOString()}`,
        );
      return event("promote");
    }
    case "demote": {
      if (ip.state !== "standby" || !promotionOf(events)) {
        throw new ConfigError(`${key} is not a promoted standby IP: nothing to demote`, [
          "    to take an IP out of service, set its `state:` in the inventory",
        ]);
      }
      const others = input.rows.filter((r) => r.ip !== key && r.lifecycle.serving);
      if (others.length === 0) {
        throw new ConfigError(`demoting ${key} would leave no sending IP in service`, [
          "    promote or bring back another IP first: every IP is never taken out at once",
        ]);
      }
      return event("demote");
    }
    case "release": {
      const q = quarantineOf(events, input.now);
      const p = gatePauseOf(events, input.now);
      if (!(q && !q.ended) && !(p && !p.ended)) {
        throw new ConfigError(`${key} is neither quarantined nor paused by the gates: nothing to release`, [
          "    an inventory pause (`paused: true`) is lifted in the inventory",
        ]);
      }
      return event("release");
    }
  }
}
