// The IP lifecycle fields (state, until) and the rule the old engine broke: an operator's change never
// takes every sending IP out of service at once (its monthly rotation retired all of them and
// promoted nothing). The gates may still pause every unhealthy IP: that is safety, not an operator's
// change, and it is not in the inventory.
import type { Rule } from "./context.ts";

export const lifecycleUntil: Rule = ({ inventory, error }) => {
  inventory.ips.forEach((ip, i) => {
    if (ip.state === "resting" && ip.until === undefined) {
      error(["ips", i, "state"], `IP ${ip.vmta} is resting without \`until\``, {
        expected: "`until: YYYY-MM-DD`: the day it comes back, on day 1 of a new warm-up",
        fix: "add `until:` next to `state: resting`",
      });
    }
    if (ip.until !== undefined && ip.state !== "resting" && ip.state !== "retiring") {
      error(["ips", i, "until"], `IP ${ip.vmta} has \`until\` without a state that ends`, {
        expected: "`until` with `state: resting` or `state: retiring` only",
        fix: "remove `until`, or set the state it belongs to",
        key: true,
      });
    }
  });
};

/** True when the inventory itself keeps the IP from taking traffic. */
export function outByInventory(ip: { state?: string | undefined; paused?: boolean | undefined }): boolean {
  return ip.state !== undefined || ip.paused === true;
}

export const someIpInService: Rule = ({ inventory, error }) => {
  if (inventory.ips.length === 0 || inventory.ips.some((ip) => !outByInventory(ip))) return;
  error(["ips"], "every sending IP would be out of service at once (standby, resting, retiring or paused)", {
    expected: "at least one IP in service: take IPs out one at a time, after another is warm",
    fix: "keep one IP without `state:` and `paused:`, or promote a standby IP in the same change",
  });
};

export const gateWindowsHaveThresholds: Rule = ({ inventory, error }) => {
  for (const [name, gates] of Object.entries(inventory.gates)) {
    if (!gates) continue;
    (gates.windows ?? []).forEach((w, i) => {
      if (w.hardBounce === undefined && w.complaint === undefined) {
        error(["gates", name, "windows", i], "a window without a threshold never pauses", {
          expected: "`hardBounce` and/or `complaint` (percent)",
          fix: "e.g. `{ days: 7, hardBounce: 2, pauseHours: 72 }`",
        });
      }
    });
    const e = gates.emergency;
    if (e && e.hardBounce === undefined && e.complaint === undefined) {
      error(["gates", name, "emergency"], "an emergency without a threshold never quarantines", {
        expected: "`hardBounce` and/or `complaint` (percent)",
        fix: "e.g. `{ days: 1, hardBounce: 5, complaint: 0.1, quarantineDays: 30 }`",
      });
    }
  }
};
