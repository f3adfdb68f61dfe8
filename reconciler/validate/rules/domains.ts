import { entries } from "../../inventory/model.ts";
import type { Rule } from "./context.ts";
import { oneOf } from "./context.ts";

export const domainTenantExists: Rule = ({ inventory, error }) => {
  for (const [name, domain] of entries(inventory.domains)) {
    if (!inventory.tenants[domain.tenant]) {
      error(["domains", name, "tenant"], `no tenant named \`${domain.tenant}\``, {
        expected: oneOf(Object.keys(inventory.tenants)),
        fix: "name a tenant defined under `tenants:`",
      });
    }
  }
};

export const domainMx: Rule = ({ inventory, error, warn }) => {
  for (const [name, domain] of entries(inventory.domains)) {
    const hasMx = (domain.mx ?? []).length > 0;
    if (hasMx && domain.nullMx) {
      error(["domains", name, "nullMx"], "both `mx` hosts and `nullMx: true`", {
        expected: "either mail exchangers or a null MX, not both",
        fix: "remove `nullMx` to receive replies, or remove `mx` to publish a null MX",
      });
    } else if (!hasMx && !domain.nullMx) {
      warn(
        ["domains", name],
        "no `mx` and no `nullMx`: replies and bounces to this domain have nowhere to go",
        {
          expected: "`mx: [{ host: …, priority: 10 }]` or `nullMx: true`",
          fix: "add the domain's mail exchangers",
        },
      );
    }
  }
};

export const domainHasIps: Rule = ({ inventory, warn }) => {
  const used = new Set(inventory.ips.map((ip) => ip.domain));
  for (const [name] of entries(inventory.domains)) {
    if (!used.has(name)) {
      warn(["domains", name], "no sending IP signs for this domain", {
        fix: "add an IP with `domain: " + name + "` or remove the domain",
        key: true,
      });
    }
  }
};
