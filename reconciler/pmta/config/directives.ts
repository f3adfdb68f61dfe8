// What may appear where: the per-scope whitelist of reference/powermta.md §1.5 (from the v5.0 guide's
// headings) and the value format of the directives we check (the denylist is in denylist.ts). The
// linter reads these tables; nothing else should hard-code them.
import type { Scope } from "./scopes.ts";
import type { ValueKind } from "./values.ts";

export interface DirectiveSpec {
  readonly kind: ValueKind;
  /** May appear more than once in one block. */
  readonly repeatable?: boolean;
  /** Never echo the value in a message (passwords, API keys). */
  readonly secret?: boolean;
}

const any: DirectiveSpec = { kind: "any" };
const bool: DirectiveSpec = { kind: "bool" };
const int: DirectiveSpec = { kind: "int" };
const rate: DirectiveSpec = { kind: "rate" };
const time: DirectiveSpec = { kind: "time" };
const size: DirectiveSpec = { kind: "size" };
const name: DirectiveSpec = { kind: "name" };
const repeat = (spec: DirectiveSpec): DirectiveSpec => ({ ...spec, repeatable: true });

type Table = Readonly<Record<string, DirectiveSpec>>;

/** Names ending in `*` are prefixes (the guide's `http-tls-*` style). */
function lookup(table: Table, directive: string): DirectiveSpec | undefined {
  const exact = table[directive];
  if (exact) return exact;
  for (const [key, spec] of Object.entries(table)) {
    if (key.endsWith("*") && directive.startsWith(key.slice(0, -1))) return spec;
  }
  return undefined;
}

const GLOBAL: Table = {
  "total-max-smtp-out": int,
  "total-max-smtp-in": int,
  postmaster: repeat({ kind: "email" }),
  "spool*": any,
  "run-as-root": bool,
  "smtp-server-tls-*": any,
  "smtp-source-host": repeat({ kind: "source-host" }),
  "smtp-proxy-source-host": repeat(any),
  alias: repeat(any),
  "smtp-listener": repeat({ kind: "listener" }),
  "custom-dsn-from-header": any,
  "dsn-failed-*": any,
  "smtp-await-slot": any,
  "host-id": any,
  "domain-suffix": any,
  "host-name": repeat({ kind: "host" }),
  "name-server": repeat(any),
  "thread-*": any,
  "mailmerge-expands-undefined-variables": bool,
  "pmc-acct-min-free-space": size,
  "track-time-first-attempt": bool,
  "volume-audit-api-key": { kind: "any", secret: true },
  "edns-udp-length": int,
  include: repeat({ kind: "include" }),
  "always-allow-relaying": bool,
  "relay-domain": repeat(any),
  "relay-address": repeat(any),
  "relay-debug": bool,
  "domain-key": repeat({ kind: "domain-key" }),
  "invalid-virtual-mta-fallback": name,
  "include-headers-from": any,
  "domain-macro": repeat({ kind: "domain-macro" }),
  "pickup*": any,
  "dummy-smtp-*": any,
  "http-mgmt-port": int,
  "http-redirect-to-https": bool,
  "http-access": repeat({ kind: "cidr-level" }),
  "http-csrf-protection": bool,
  "http-api-key": { kind: "api-key", secret: true },
  "http-strict-transport-security-max-age": any,
  "http-tls-*": any,
  "http-log-*": any,
  "http-default-*": any,
  "log-auto-rotation": any,
  "log-file": { kind: "path" },
  "log-rotate": any,
  "log-file-world-readable": bool,
  "mx-connection-limit": repeat(any),
  "ip-connection-limit": repeat(any),
  "use-proxy": any,
  "max-memory-usage-percent": int,
};

const SOURCE_NAMES = [
  "add-date-header",
  "date-header-time",
  "bcc",
  "add-message-id-header",
  "add-received-header",
  "allow-auth",
  "require-auth",
  "allow-mailmerge",
  "allow-unencrypted-plain-auth",
  "allow-starttls",
  "require-starttls-before-auth",
  "broken-auth-clients",
  "verp-default",
  "check-dkim-inbound",
  "check-iprev-inbound",
  "suppress-local-dsn",
  "reject-invalid-virtual-mta",
  "disconnect-on-transient-error",
  "hide-message-source",
  "too-many-rcpts-fails-message",
  "process-x-envid",
  "process-x-dkim-options",
  "process-x-dkim-key",
  "retain-x-dkim-key",
  "process-x-job",
  "retain-x-job",
  "process-x-virtual-mta",
  "retain-x-virtual-mta",
  "add-x-virtual-mta-header",
  "process-x-schedule",
  "retain-x-schedule",
  "retain-x-dkim-options",
  "allow-chunking",
  "allow-smtputf8",
  "smtp-service",
  "log-connections",
  "log-commands",
  "log-data",
  "log-tls",
  "allow-empty-x-virtual-mta",
  "accept-invalid-recipients",
  "always-allow-api-submission",
  "always-allow-relaying",
];

const SOURCE: Table = {
  ...Object.fromEntries(SOURCE_NAMES.map((n) => [n, bool])),
  "check-spf-inbound*": any,
  "reject-*": any,
  "dsn-return-default": any,
  "default-virtual-mta": name,
  "smtp-max-auth-failure-rate": rate,
  "remove-header": repeat(any),
  "max-message-size": size,
  "max-message-hops": int,
  "max-rcpt-per-message": int,
  "suppression-lists": any,
  "pattern-list": name,
  "jobid-prefix": any,
  "jobid-header": any,
  "source-group": name,
  "smtp-data-timeout": time,
  "smtp-command-timeout": time,
  "auto-qualify-domain": any,
  include: repeat({ kind: "include" }),
};

const VIRTUAL_MTA: Table = {
  "smtp-source-host": repeat({ kind: "source-host" }),
  "host-name": { kind: "host" },
  "smtp-proxy-source-host": repeat(any),
  "use-proxy": any,
  "proxy-protocol": any,
  "domain-key": repeat({ kind: "domain-key" }),
  "include-headers-from": any,
  "rewrite-list": name,
  include: repeat({ kind: "include" }),
  "max-smtp-out": int,
  "max-smtp-msg-rate": rate,
  "max-smtp-data-volume-rate": any,
  "cold-virtual-mta": name,
};

const VIRTUAL_MTA_POOL: Table = {
  "virtual-mta": repeat(name),
  "domain-key": repeat({ kind: "domain-key" }),
  "max-smtp-out": int,
  "max-smtp-msg-rate": rate,
  "max-smtp-data-volume-rate": any,
  "cold-virtual-mta": name,
  "include-headers-from": any,
  "rewrite-list": name,
};

const DOMAIN: Table = {
  "max-smtp-out": int,
  "backoff-max-smtp-out": int,
  "source-ip-max-smtp-out": repeat(any),
  "max-msg-per-connection": int,
  "max-msg-rate": rate,
  "backoff-max-msg-rate": rate,
  "max-connect-rate": rate,
  "backoff-max-connect-rate": rate,
  "source-ip-max-msg-rate": repeat(any),
  "source-ip-max-connect-rate": repeat(any),
  "smtp-out-rampup-interval": time,
  "connection-idle-timeout": time,
  "max-rcpt-per-message": int,
  "max-rcpt-per-transaction": int,
  "max-data-volume-rate": any,
  "retry-after": { kind: "time-list" },
  "backoff-retry-after": time,
  "retry-recipients-after": time,
  "retry-after-dns-error": time,
  "bounce-after": time,
  "use-starttls": bool,
  "require-starttls": bool,
  "use-dane": bool,
  "use-mta-sts": bool,
  "smtp-tls-*": any,
  "smtp-pattern-list": name,
  "backoff-to-normal-after": { kind: "time-or-never" },
  "backoff-to-normal-after-delivery": bool,
  "backoff-notify": any,
  "backoff-upon-all-sources-disabled": bool,
  "reenable-source-ip-after": { kind: "time-or-never" },
  "disabled-source-ip-notify": any,
  "reroute-to-virtual-mta": name,
  "backoff-reroute-to-virtual-mta": name,
  "max-cold-virtual-mta-msg": { kind: "rate-list" },
  "queue-to": any,
  "smtp-hosts": any,
  "disable-mx-rollup": bool,
  type: any,
  "smtp-421-means-mx-unavailable": bool,
  "bounce-upon-no-mx": bool,
  "bounce-upon-5xx-greeting": bool,
  "dkim-sign": { kind: "dkim-sign" },
  "dkim-*": any,
  "log-commands": bool,
  "log-connections": bool,
  "log-resolution": bool,
  "log-transfer-failures": bool,
  "track-recipient-events": bool,
  "max-events-recorded": int,
  "queue-priority": int,
  "auth-username": any,
  "auth-password": { kind: "any", secret: true },
  "mx-connection-attempts": int,
  "remove-header": repeat(any),
  "smtp-multiple-line-response-timeout": time,
  include: repeat({ kind: "include" }),
};

const SMTP_USER: Table = {
  password: { kind: "any", secret: true },
  "authentication-method": any,
  "tls-certificate": { kind: "path" },
  source: name,
};

const ACCT_FILE: Table = {
  records: { kind: "records" },
  "record-fields": repeat({ kind: "record-fields" }),
  "move-interval": time,
  "move-to": { kind: "path" },
  "max-size": size,
  "delete-after": { kind: "time-or-never" },
  "iso-times": bool,
  "queue-filter": any,
  "map-header-to-field": repeat(any),
  "user-string": any,
  "world-readable": bool,
  sync: bool,
  "privacy-policy": any,
  "retry-interval": time,
  "write-timeout": time,
  "http-webhook-*": any,
};

const SPOOL: Table = {
  "deliver-only": bool,
  priority: int,
  "min-free-space": size,
  "delete-file-holders": bool,
};

const SMTP_LISTENER: Table = {
  "await-slot": any,
  "immediate-tls": bool,
  source: name,
  "tls-*": any,
};

const TABLES: Partial<Record<Scope, Table>> = {
  global: GLOBAL,
  source: SOURCE,
  "virtual-mta": VIRTUAL_MTA,
  "virtual-mta-pool": VIRTUAL_MTA_POOL,
  domain: DOMAIN,
  "smtp-user": SMTP_USER,
  "acct-file": ACCT_FILE,
  spool: SPOOL,
  "smtp-listener": SMTP_LISTENER,
};

/** The spec of `directive` in `scope`, or undefined when the guide does not list it there. */
export function directiveSpec(scope: Scope, directive: string): DirectiveSpec | undefined {
  const table = TABLES[scope];
  return table ? lookup(table, directive) : undefined;
}
