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

const HOST_KEY_LINE = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( .*)?$/;
const HOST_KEY_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

/** A pinned host key must be a key line or a SHA256 fingerprint; a marked placeholder only warns. */
export const sshHostKeys: Rule = ({ inventory, error, warn }) => {
  for (const [name, server] of entries(inventory.servers)) {
    const hostKey = server.ssh?.hostKey;
    if (hostKey === undefined) continue;
    const path = ["servers", name, "ssh", "hostKey"];
    if (/replace/i.test(hostKey)) {
      warn(path, "host key placeholder: replace before deploying", {
        expected: "the server's host key fingerprint: ssh-keyscan HOST | ssh-keygen -lf -",
      });
    } else if (!HOST_KEY_LINE.test(hostKey) && !HOST_KEY_FINGERPRINT.test(hostKey)) {
      error(path, "not an SSH host key or fingerprint", {
        expected: "`ssh-ed25519 AAAA…` or `SHA256:` followed by 43 base64 characters",
        fix: "copy it from `ssh-keyscan HOST | ssh-keygen -lf -` run on a trusted network",
      });
    }
  }
};

/** Role-specific settings belong to servers of that role. */
export const roleSettings: Rule = ({ inventory, error }) => {
  for (const [name, server] of entries(inventory.servers)) {
    for (const role of ["pmta", "mailwizz"] as const) {
      if (server[role] !== undefined && server.role !== role) {
        error(["servers", name, role], `\`${role}\` settings on a server with role ${server.role}`, {
          expected: `\`${role}:\` only under a server with \`role: ${role}\``,
          fix: "move these settings to the right server, or fix the role",
          key: true,
        });
      }
    }
  }
};
