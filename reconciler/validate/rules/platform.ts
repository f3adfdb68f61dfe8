import { isValidCidr } from "../../inventory/address.ts";
import type { Rule } from "./context.ts";
import { oneOf } from "./context.ts";

export const timezoneExists: Rule = ({ inventory, error }) => {
  const tz = inventory.platform.timezone;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
  } catch {
    error(["platform", "timezone"], `unknown time zone ${JSON.stringify(tz)}`, {
      expected: "an IANA time zone name such as Europe/Paris or UTC",
      fix: "use the operators' time zone from the IANA database (e.g. Europe/Paris)",
    });
  }
};

export const sendingHoursOrdered: Rule = ({ inventory, error }) => {
  const hours = inventory.platform.sendingHours;
  if (hours && hours.start >= hours.end) {
    error(["platform", "sendingHours"], `sending hours start at ${hours.start} but end at ${hours.end}`, {
      expected: "start < end (local hours, 0–24)",
      fix: "e.g. { start: 8, end: 20 }",
    });
  }
};

export const defaultsResolve: Rule = ({ inventory, error }) => {
  const d = inventory.platform.defaults;
  if (d?.schedule !== undefined && !inventory.schedules[d.schedule]) {
    error(["platform", "defaults", "schedule"], `no schedule named \`${d.schedule}\``, {
      expected: oneOf(Object.keys(inventory.schedules)),
      fix: "name a schedule defined under `schedules:`",
    });
  }
  if (d?.gates !== undefined && !inventory.gates[d.gates]) {
    error(["platform", "defaults", "gates"], `no gates named \`${d.gates}\``, {
      expected: oneOf(Object.keys(inventory.gates)),
      fix: "name a gate set defined under `gates:`",
    });
  }
};

export const operatorCidrsValid: Rule = ({ inventory, error }) => {
  (inventory.platform.operatorCidrs ?? []).forEach((cidr, i) => {
    if (!isValidCidr(cidr)) {
      error(["platform", "operatorCidrs", i], `${JSON.stringify(cidr)} is not a network in CIDR form`, {
        expected: "ADDRESS/BITS, e.g. 198.51.100.0/28 or 2001:db8::/48",
        fix: "write the network address followed by / and the prefix length",
      });
    }
  });
};
