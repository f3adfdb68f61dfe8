// Syntax seen in public configs, SEO pages and LLM-written installers that is not PowerMTA
// (reference/powermta.md §1.5), with the fix where one exists. The linter rejects all of it.
/** Directive names seen in public configs that are not PowerMTA (§1.5), with the fix where one exists. */
export const DENIED_DIRECTIVES: Readonly<Record<string, string>> = {
  "max-message-rate": "use max-msg-rate in <domain>, or max-smtp-msg-rate in <virtual-mta>",
  throttle: "use max-msg-rate in <domain>",
  "error-throttle": "use an <smtp-pattern-list> with mode=backoff",
  "source-interface": "use smtp-source-host IP HOST-NAME",
  "smtp-source-ip": "use smtp-source-host IP HOST-NAME",
  "pmta-hostname": "use host-name",
  administrator: "use postmaster",
  "admin-password": "use http-api-key or http-access",
  "http-mgmt-interface": "use http-mgmt-port and http-access",
  "http-mgmt-auth": "use http-access or http-api-key",
  "bounce-address": "",
  "permanent-bounce-after": "use bounce-after",
  "queue-shards": "",
  "memory-pool-max": "",
  tls: "use use-starttls / require-starttls in <domain>",
  "dkim-sign-policy": "use dkim-sign yes in <domain>",
  "throttle-rules": "use <domain> limits",
  "deliver-unmatched-to": "the real name is forward-unmatched-to",
  dedupe: "",
  "mx-rollup": "use <mx-rollup-list>, queue-to or disable-mx-rollup",
  format: "acct files are always CSV",
  "rotate-period": "use move-interval with move-to",
  "max-files": "use delete-after",
  "max-msg-per-hour": "deprecated: use max-msg-rate N/h",
};

/** Block names that are not PowerMTA (§1.5). */
export const DENIED_BLOCKS: Readonly<Record<string, string>> = {
  limits: "put limits in <domain> blocks",
  bind: "use smtp-source-host in <virtual-mta>",
  "accepted-connect": "use <source CIDR>",
  "http-mgmt-listener": "use http-mgmt-port and http-access",
};

/** Global directives that exist only in narrower scopes (§1.5: `max-msg-size` / `max-rcpt-per-msg`). */
export const DENIED_GLOBAL: Readonly<Record<string, string>> = {
  "max-msg-size": "use max-message-size in <source>",
  "max-rcpt-per-msg": "use max-rcpt-per-message in <source> or <domain>",
};
