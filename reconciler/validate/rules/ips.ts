import { classifyAddress } from "../../inventory/address.ts";
import { gatesNameOf, poolOf, scheduleNameOf } from "../../inventory/model.ts";
import type { Rule } from "./context.ts";
import { oneOf } from "./context.ts";

export const addressOrSlot: Rule = ({ inventory, error }) => {
  inventory.ips.forEach((ip, i) => {
    if (ip.address === undefined && ip.slot === undefined) {
      error(["ips", i], `IP ${ip.vmta} has neither \`address\` nor \`slot\``, {
        expected: "`address: 203.0.113.10` when known, or `slot: NAME` for a floating IP to allocate",
        fix: "add one of the two",
      });
    } else if (ip.address !== undefined && ip.slot !== undefined) {
      error(["ips", i, "slot"], `IP ${ip.vmta} has both \`address\` and \`slot\``, {
        expected: "one of the two",
        fix: "remove `slot` once the address is allocated",
        key: true,
      });
    }
  });
};

export const addressIsPublicUnicast: Rule = ({ inventory, error, warn }) => {
  inventory.ips.forEach((ip, i) => {
    if (ip.address === undefined) return;
    const verdict = classifyAddress(ip.address);
    const path = ["ips", i, "address"];
    if (verdict.kind === "invalid") {
      error(path, `${JSON.stringify(ip.address)} is not an IP address`, {
        expected: "an IPv4 or IPv6 address in standard form",
        fix: "write the address as four decimal numbers, e.g. 203.0.113.10",
      });
    } else if (verdict.kind === "non-public") {
      error(path, `${ip.address} is a ${verdict.range} address, which cannot send mail to the Internet`, {
        expected: "a public unicast address (not private, loopback, link-local, multicast or reserved)",
        fix: "use the public address Hetzner allocated, or `slot:` until it is allocated",
      });
    } else if (verdict.kind === "documentation") {
      warn(path, `${ip.address} is a documentation address: replace before deploying`, {
        expected: "the real address Hetzner allocated",
      });
    }
  });
};

/** Addresses, hostnames, VMTA names and slots each identify one IP. */
export const ipsUnique: Rule = ({ inventory, error }) => {
  const fields = ["address", "hostname", "vmta", "slot"] as const;
  for (const field of fields) {
    const first = new Map<string, number>();
    inventory.ips.forEach((ip, i) => {
      const value = ip[field];
      if (value === undefined) return;
      const earlier = first.get(value);
      if (earlier === undefined) {
        first.set(value, i);
        return;
      }
      error(["ips", i, field], `${field} ${value} is already used by ips[${earlier}]`, {
        expected: `each IP with its own ${field}${field === "vmta" ? " (one virtual MTA per IP)" : ""}`,
        fix: `give this IP another ${field}, or remove the duplicate entry`,
      });
    });
  }
};

export const ipReferencesResolve: Rule = ({ inventory, error }) => {
  const pmtaServers = Object.entries(inventory.servers)
    .filter(([, s]) => s?.role === "pmta")
    .map(([n]) => n);
  inventory.ips.forEach((ip, i) => {
    if (!inventory.domains[ip.domain]) {
      error(["ips", i, "domain"], `no domain named \`${ip.domain}\``, {
        expected: oneOf(Object.keys(inventory.domains)),
        fix: "add the domain under `domains:` or fix the name",
      });
    }
    const server = inventory.servers[ip.server];
    if (!server) {
      error(["ips", i, "server"], `no server named \`${ip.server}\``, {
        expected: oneOf(pmtaServers),
        fix: "name the PowerMTA server that owns this IP",
      });
    } else if (server.role !== "pmta") {
      error(["ips", i, "server"], `server \`${ip.server}\` has role ${server.role}, not pmta`, {
        expected: oneOf(pmtaServers),
        fix: "sending IPs belong to a PowerMTA server",
      });
    }
    const schedule = scheduleNameOf(inventory, ip);
    if (schedule === undefined) {
      error(["ips", i, "warmup"], `IP ${ip.vmta} has no warm-up schedule`, {
        expected: "`warmup.schedule` or `platform.defaults.schedule`",
        fix: "name a schedule",
      });
    } else if (!inventory.schedules[schedule]) {
      error(["ips", i, "warmup", "schedule"], `no schedule named \`${schedule}\``, {
        expected: oneOf(Object.keys(inventory.schedules)),
        fix: "name a schedule defined under `schedules:`",
      });
    }
    const gates = gatesNameOf(inventory, ip);
    if (gates === undefined) {
      error(["ips", i, "warmup"], `IP ${ip.vmta} has no health gates`, {
        expected: "`warmup.gates` or `platform.defaults.gates`",
        fix: "name a gate set",
      });
    } else if (!inventory.gates[gates]) {
      error(["ips", i, "warmup", "gates"], `no gates named \`${gates}\``, {
        expected: oneOf(Object.keys(inventory.gates)),
        fix: "name a gate set defined under `gates:`",
      });
    }
    if (poolOf(inventory, ip) === undefined) {
      error(["ips", i], `IP ${ip.vmta} belongs to no pool`, {
        expected: "`pool:` on the IP or `platform.defaults.pool`",
        fix: "add `pool: pmta-pool` (MailWizz submits to the pool)",
      });
    }
  });
};

export const hostnameUnderDomain: Rule = ({ inventory, error }) => {
  inventory.ips.forEach((ip, i) => {
    if (!ip.hostname.endsWith(`.${ip.domain}`)) {
      error(["ips", i, "hostname"], `hostname ${ip.hostname} is not under its domain ${ip.domain}`, {
        expected: `a name under ${ip.domain}, e.g. mail${i + 1}.${ip.domain} (the PTR and HELO must align with the signing domain)`,
        fix: `rename the host to something.${ip.domain}, or change \`domain\``,
      });
    }
  });
};

/** A VMTA name is a PowerMTA identifier and must not collide with a pool name. */
export const vmtaNotAPool: Rule = ({ inventory, error }) => {
  const pools = new Set(inventory.ips.map((ip) => poolOf(inventory, ip)).filter((p) => p !== undefined));
  inventory.ips.forEach((ip, i) => {
    if (pools.has(ip.vmta)) {
      error(["ips", i, "vmta"], `\`${ip.vmta}\` is also the name of a pool`, {
        expected: "virtual MTA and pool names distinct (PowerMTA shares one name space)",
        fix: "rename the VMTA, e.g. pmta-vmta5",
      });
    }
  });
};
