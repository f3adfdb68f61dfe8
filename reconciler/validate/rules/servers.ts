import { classifyAddress } from "../../inventory/address.ts";
import { entries } from "../../inventory/model.ts";
import type { Rule } from "./context.ts";

export const serverRoles: Rule = ({ inventory, error }) => {
  const servers = entries(inventory.servers);
  const engines = servers.filter(([, s]) => s.role === "engine");
  if (engines.length > 1) {
    for (const [name] of engines.slice(1)) {
      error(["servers", name, "role"], "a second `engine` server", {
        expected: "exactly one server with role engine (the reconciler runs on one host)",
        fix: "give this server another role, or remove it",
      });
    }
  }
  for (const role of ["engine", "mailwizz", "pmta"] as const) {
    if (!servers.some(([, s]) => s.role === role)) {
      error(["servers"], `no server has role \`${role}\``, {
        expected: "one engine, at least one mailwizz and at least one pmta server",
        fix: `add a server with \`role: ${role}\``,
        key: true,
      });
    }
  }
};

export const serverAddresses: Rule = ({ inventory, error, warn }) => {
  for (const [name, server] of entries(inventory.servers)) {
    if (server.address === undefined) continue;
    const verdict = classifyAddress(server.address);
    const path = ["servers", name, "address"];
    if (verdict.kind === "invalid") {
      error(path, `${JSON.stringify(server.address)} is not an IP address`, {
        expected: "an IPv4 or IPv6 address",
        fix: "write the server's public address, e.g. 198.51.100.10",
      });
    } else if (verdict.kind === "non-public") {
      error(path, `${server.address} is a ${verdict.range} address`, {
        expected: "the server's public address",
        fix: "use the public IPv4 Hetzner shows for the server",
      });
    } else if (verdict.kind === "documentation") {
      warn(path, `${server.address} is a documentation address: replace before deploying`, {
        expected: "the server's real public address",
      });
    }
  }
};
