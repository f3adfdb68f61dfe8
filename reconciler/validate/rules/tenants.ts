import { entries } from "../../inventory/model.ts";
import type { Rule } from "./context.ts";
import { oneOf } from "./context.ts";

/** The tags MailWizz needs in every campaign: unsubscribe link and the sender's postal address. */
export const REQUIRED_TAGS = ["[UNSUBSCRIBE_URL]", "[COMPANY_FULL_ADDRESS]"] as const;

export const tenantMailwizzServer: Rule = ({ inventory, error }) => {
  const installs = Object.entries(inventory.servers)
    .filter(([, s]) => s?.role === "mailwizz")
    .map(([n]) => n);
  for (const [name, tenant] of entries(inventory.tenants)) {
    const server = inventory.servers[tenant.mailwizz.server];
    if (!server || server.role !== "mailwizz") {
      error(
        ["tenants", name, "mailwizz", "server"],
        `\`${tenant.mailwizz.server}\` is not a MailWizz server`,
        {
          expected: oneOf(installs),
          fix: "name a server with `role: mailwizz`",
        },
      );
    }
  }
};

export const listNamesUnique: Rule = ({ inventory, error }) => {
  for (const [tenantName, tenant] of entries(inventory.tenants)) {
    const seen = new Map<string, string>();
    for (const [key, list] of entries(tenant.lists ?? {})) {
      const earlier = seen.get(list.name);
      if (earlier !== undefined) {
        error(
          ["tenants", tenantName, "lists", key, "name"],
          `list name ${JSON.stringify(list.name)} is also used by \`${earlier}\``,
          {
            expected: "one MailWizz list per name (lists are found by name)",
            fix: "give the list another name",
          },
        );
      } else {
        seen.set(list.name, key);
      }
    }
  }
};

export const templatesUsable: Rule = ({ inventory, referencedFiles, error }) => {
  for (const [tenantName, tenant] of entries(inventory.tenants)) {
    for (const [key, template] of entries(tenant.templates ?? {})) {
      const path = ["tenants", tenantName, "templates", key, "file"];
      const text = referencedFiles.get(template.file);
      if (text === undefined) {
        error(path, `template file ${template.file} not found`, {
          expected: "an HTML file inside the inventory directory",
          fix: "create the file or fix the path (relative to the inventory directory)",
        });
        continue;
      }
      const missing = REQUIRED_TAGS.filter((tag) => !text.includes(tag));
      if (missing.length > 0) {
        error(path, `template ${template.file} lacks ${missing.join(" and ")}`, {
          expected: "every template carries an unsubscribe link and the sender's postal address",
          fix: `add ${missing.join(" and ")} to the footer`,
        });
      }
    }
  }
};

export const campaignReferencesResolve: Rule = ({ inventory, error }) => {
  for (const [tenantName, tenant] of entries(inventory.tenants)) {
    for (const [key, campaign] of entries(tenant.campaigns ?? {})) {
      const base = ["tenants", tenantName, "campaigns", key];
      if (!tenant.lists?.[campaign.list]) {
        error([...base, "list"], `tenant ${tenantName} has no list \`${campaign.list}\``, {
          expected: oneOf(Object.keys(tenant.lists ?? {})),
          fix: "name one of this tenant's lists",
        });
      }
      if (!tenant.templates?.[campaign.template]) {
        error([...base, "template"], `tenant ${tenantName} has no template \`${campaign.template}\``, {
          expected: oneOf(Object.keys(tenant.templates ?? {})),
          fix: "name one of this tenant's templates",
        });
      }
      if (campaign.fromDomain !== undefined) {
        const domain = inventory.domains[campaign.fromDomain];
        if (!domain || domain.tenant !== tenantName) {
          const own = Object.entries(inventory.domains)
            .filter(([, d]) => d?.tenant === tenantName)
            .map(([n]) => n);
          error([...base, "fromDomain"], `${campaign.fromDomain} is not a sending domain of ${tenantName}`, {
            expected: oneOf(own),
            fix: "send from one of the tenant's own domains",
          });
        }
      }
    }
  }
};

/** Every template file, to be read before the rules run. */
export function referencedFilesOf(inventory: {
  tenants: Record<string, { templates?: Record<string, { file: string } | undefined> } | undefined>;
}): string[] {
  const files = new Set<string>();
  for (const tenant of Object.values(inventory.tenants)) {
    for (const template of Object.values(tenant?.templates ?? {})) {
      if (template) files.add(template.file);
    }
  }
  return [...files].sort();
}
