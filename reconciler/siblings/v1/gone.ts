// The old engine's write endpoints. Its state now lives in the inventory (reviewed in pull requests)
// and in what the daemon observes, so each answers 410 Gone with the change that replaces it; a
// script that still calls one fails loudly, with the fix in the message, instead of silently doing
// nothing.
export interface GoneRoute {
  readonly method: "POST" | "PATCH" | "PUT" | "DELETE" | "GET";
  /** Fastify path syntax. */
  readonly path: string;
  readonly message: string;
}

const PR = "and open a pull request; the daemon converges PowerMTA and MailWizz once it is merged";

export const GONE_ROUTES: readonly GoneRoute[] = [
  {
    method: "POST",
    path: "/api/v1/ips",
    message: `add an IP: add an entry (address, hostname, domain, vmta, server, warmup.start) to inventory/ips.yaml ${PR}`,
  },
  {
    method: "PATCH",
    path: "/api/v1/ips/:id",
    message: `change an IP: edit its entry in inventory/ips.yaml (pause an IP: set \`paused: true\` on it; retire, rest or re-warm it: change its lifecycle there) ${PR}`,
  },
  {
    method: "DELETE",
    path: "/api/v1/ips/:id",
    message: `remove an IP: delete its entry from inventory/ips.yaml ${PR}`,
  },
  {
    method: "POST",
    path: "/api/v1/ips/rotation",
    message:
      "there is no all-at-once rotation any more: retire or rest one IP at a time by editing it in inventory/ips.yaml and opening a pull request",
  },
  {
    method: "GET",
    path: "/api/v1/ips/nodes",
    message:
      "PowerMTA host health: GET /api/v1/status (or `email-engine ip status`) and the /metrics endpoint",
  },
  {
    method: "POST",
    path: "/api/v1/domains",
    message: `add a domain: add it under \`domains:\` in inventory/domains.yaml ${PR}`,
  },
  {
    method: "PATCH",
    path: "/api/v1/domains/:id",
    message: `change a domain: edit it in inventory/domains.yaml ${PR}`,
  },
  {
    method: "DELETE",
    path: "/api/v1/domains/:id",
    message: `remove a domain: delete it from inventory/domains.yaml ${PR}`,
  },
  {
    method: "POST",
    path: "/api/v1/domains/:id/validate",
    message:
      "check a domain's DNS: run `email-engine check dns` (run it on a schedule: its verdicts feed the gates)",
  },
  {
    method: "POST",
    path: "/api/v1/domains/validate-all",
    message:
      "check every domain's DNS: run `email-engine check dns` (run it on a schedule: its verdicts feed the gates)",
  },
  {
    method: "POST",
    path: "/api/v1/warmup/plans/:id",
    message: `start a warm-up: give the IP \`warmup: { start: YYYY-MM-DD }\` in inventory/ips.yaml ${PR}`,
  },
  {
    method: "POST",
    path: "/api/v1/warmup/plans/:id/stats",
    message:
      "warm-up stats are no longer posted: the daemon reads PowerMTA's accounting records (and the /api/v1/webhooks/pmta-* pipes) into the ledger",
  },
  {
    method: "POST",
    path: "/api/v1/warmup/plans/:id/pause",
    message: `pause an IP: set \`paused: true\` on it in inventory/ips.yaml ${PR}`,
  },
  {
    method: "POST",
    path: "/api/v1/warmup/plans/:id/resume",
    message: `resume an IP: remove \`paused: true\` from it in inventory/ips.yaml ${PR}`,
  },
  {
    method: "POST",
    path: "/api/v1/blacklists/check/:id",
    message:
      "check blocklists now: run `email-engine check blocklists` (run it on a schedule: its verdicts feed the gates)",
  },
  {
    method: "POST",
    path: "/api/v1/blacklists/check-all",
    message:
      "check blocklists now: run `email-engine check blocklists` (run it on a schedule: its verdicts feed the gates)",
  },
  {
    method: "GET",
    path: "/api/v1/admin/pmta/nodes",
    message:
      "PowerMTA host state: GET /api/v1/status (or `email-engine ip status`) and the /metrics endpoint",
  },
  {
    method: "PUT",
    path: "/api/v1/admin/pmta/:node/license",
    message:
      "the PowerMTA licence is installed by the server's bootstrap (infra/, `pulumi up`), from a secret file: never uploaded through an API",
  },
  {
    method: "GET",
    path: "/api/v1/admin/mailwizz/license",
    message: "the MailWizz licence is set in MailWizz's own back office; this engine does not touch it",
  },
  {
    method: "PUT",
    path: "/api/v1/admin/mailwizz/license",
    message: "the MailWizz licence is set in MailWizz's own back office; this engine does not touch it",
  },
  {
    method: "GET",
    path: "/api/v1/admin/mailwizz/customers",
    message: "MailWizz customers are declared per tenant in inventory/tenants/; see `email-engine plan`",
  },
  {
    method: "POST",
    path: "/api/v1/admin/mailwizz/customers/:id/assign-servers",
    message: `delivery servers follow the tenants' IPs: assign IPs to a tenant's domains in the inventory ${PR}`,
  },
  {
    method: "GET",
    path: "/api/v1/admin/mailwizz/isolation",
    message: "tenant isolation is checked by `email-engine validate` on every inventory change",
  },
  {
    method: "GET",
    path: "/api/v1/audit/logs",
    message:
      "the audit trail is the inventory's git history (who changed what, reviewed in pull requests) and the daemon's reconcile records (GET /api/v1/status)",
  },
  {
    method: "POST",
    path: "/api/v1/auth/login",
    message: "there are no user accounts: the v1 API takes an X-API-Key from api.keys in the inventory",
  },
  {
    method: "POST",
    path: "/api/v1/auth/refresh",
    message: "there are no user accounts: the v1 API takes an X-API-Key from api.keys in the inventory",
  },
];
