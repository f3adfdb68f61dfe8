import { entries } from "../../inventory/model.ts";
import type { Rule } from "./context.ts";

export const ispDomains: Rule = ({ inventory, error }) => {
  const owner = new Map<string, string>();
  for (const [name, limit] of entries(inventory.ispLimits)) {
    if (name === "default") {
      if (limit.domains !== undefined) {
        error(["ispLimits", "default", "domains"], "`default` applies to every other domain and lists none", {
          expected: "no `domains` under default",
          fix: "move these domains to a named provider",
          key: true,
        });
      }
      continue;
    }
    if (!limit.domains || limit.domains.length === 0) {
      error(["ispLimits", name], `provider \`${name}\` lists no destination domains`, {
        expected: "`domains: [example.com, …]`",
        fix: "list the provider's domains",
        key: true,
      });
    }
    (limit.domains ?? []).forEach((domain, i) => {
      const other = owner.get(domain);
      if (other !== undefined) {
        error(["ispLimits", name, "domains", i], `${domain} is already listed under \`${other}\``, {
          expected: "each destination domain under one provider",
          fix: "remove one of the two",
        });
      } else {
        owner.set(domain, name);
      }
    });
  }
};
