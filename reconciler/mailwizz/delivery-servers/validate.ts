// Checks shared by every store, so the SQL store and the in-memory store refuse the same things with
// the same messages. Messages name the server and the field, never a password.
import { ConfigError } from "../../errors.ts";
import type {
  DesiredDeliveryServer,
  ObservedDeliveryServer,
  ServerQuotas,
  StoreOp,
  WritableStatus,
} from "./types.ts";
import { SERVER_PROTOCOLS } from "./types.ts";

// int(11) signed in MailWizz's schema.
const MAX_INT = 2_147_483_647;
// The password column is varchar(255) holding base64(AES-128-CBC(password)): 175 bytes fill 176 bytes of
// cipher text, which base64 turns into 236 characters; 176 bytes would need 192 + 64 = 256.
export const MAX_PASSWORD_BYTES = 175;

// MailWizz refuses these as additional headers (DeliveryServer::getNeverAllowedHeaders, §4.2).
const NEVER_ALLOWED_HEADERS = new Set(
  [
    "From",
    "To",
    "Subject",
    "Date",
    "Return-Path",
    "Sender",
    "Reply-To",
    "Message-Id",
    "List-Unsubscribe",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Length",
    "MIME-Version",
    "X-Sender",
    "X-Receiver",
    "X-Report-Abuse",
    "List-Id",
  ].map((h) => h.toLowerCase()),
);

export function checkQuotas(name: string, quotas: ServerQuotas): void {
  for (const [field, value] of [
    ["hourly quota", quotas.hourly],
    ["daily quota", quotas.daily],
  ] as const) {
    if (!Number.isInteger(value)) {
      throw new ConfigError(
        `delivery server ${name}: ${field} ${String(value)} is not a whole number of messages`,
      );
    }
    if (value < 0) {
      throw new ConfigError(
        `delivery server ${name}: ${field} ${value} is below 0; a quota is a number of messages, 0 or more (0 means unlimited in MailWizz)`,
      );
    }
    if (value > MAX_INT)
      throw new ConfigError(`delivery server ${name}: ${field} ${value} is above ${MAX_INT}`);
  }
}

export function checkStatus(name: string, status: string): asserts status is WritableStatus {
  if (status !== "active" && status !== "inactive") {
    throw new ConfigError(
      `delivery server ${name}: status ${JSON.stringify(status)} is not one of active, inactive`,
    );
  }
}

export function checkName(name: string): void {
  if (name.trim() === "" || name !== name.trim()) {
    throw new ConfigError(`delivery server name ${JSON.stringify(name)} is empty or has spaces around it`);
  }
  checkText("(name)", "name", name);
}

// MailWizz's tables are utf8 (3 bytes at most per character in MySQL/MariaDB): a 4-byte character
// (emoji, rare CJK) would be refused or mangled by the database, so it is refused here first.
function checkText(server: string, field: string, value: string, max = 255): void {
  if ([...value].length > max)
    throw new ConfigError(`delivery server ${server}: ${field} is longer than ${max} characters`);
  if (/[\u{10000}-\u{10FFFF}]/u.test(value)) {
    throw new ConfigError(
      `delivery server ${server}: ${field} has a character outside the Basic Multilingual Plane, which MailWizz's utf8 tables cannot store`,
    );
  }
  if (/[\r\n\0]/.test(value))
    throw new ConfigError(`delivery server ${server}: ${field} contains a line break or NUL`);
}

export function checkDesired(server: DesiredDeliveryServer): void {
  const n = server.name;
  checkName(n);
  if (server.type !== "smtp-pmta")
    throw new ConfigError(`delivery server ${n}: type ${JSON.stringify(server.type)} is not smtp-pmta`);
  if (server.hostname === "") throw new ConfigError(`delivery server ${n}: hostname is empty`);
  checkText(n, "hostname", server.hostname);
  checkText(n, "username", server.username);
  checkText(n, "from email", server.fromEmail);
  checkText(n, "from name", server.fromName);
  if (!/^[^\s@]+@[^\s@]+$/.test(server.fromEmail))
    throw new ConfigError(
      `delivery server ${n}: from email ${JSON.stringify(server.fromEmail)} is not an address`,
    );
  if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65535) {
    throw new ConfigError(`delivery server ${n}: port ${String(server.port)} is not between 1 and 65535`);
  }
  if (!(SERVER_PROTOCOLS as readonly string[]).includes(server.protocol)) {
    throw new ConfigError(
      `delivery server ${n}: protocol ${JSON.stringify(server.protocol)} is not one of '', tls, ssl, starttls`,
    );
  }
  // The password is checked by size and control characters only; the message never quotes it.
  if (Buffer.byteLength(server.password, "utf8") > MAX_PASSWORD_BYTES) {
    throw new ConfigError(
      `delivery server ${n}: password is longer than ${MAX_PASSWORD_BYTES} bytes (MailWizz's column holds its encrypted form in 255 characters)`,
    );
  }
  if (/[\r\n\0]/.test(server.password))
    throw new ConfigError(`delivery server ${n}: password contains a line break or NUL`);
  checkQuotas(n, server.quotas);
  checkStatus(n, server.status);
  for (const header of server.headers) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(header.name))
      throw new ConfigError(
        `delivery server ${n}: header name ${JSON.stringify(header.name)} is not a header name`,
      );
    if (NEVER_ALLOWED_HEADERS.has(header.name.toLowerCase()))
      throw new ConfigError(
        `delivery server ${n}: MailWizz does not allow the header ${header.name} on a delivery server`,
      );
    checkText(n, `header ${header.name}`, header.value, 1000);
  }
}

/**
 * One column that differs between what MailWizz has and what email-engine wants. `sensitive` columns
 * (the password) must be shown masked: their values are here only so that the store can write them.
 */
export interface ColumnDiff {
  readonly column: string;
  readonly old: string | number;
  readonly new: string | number;
  readonly sensitive: boolean;
}

/**
 * The columns an upsert must write to turn `observed` into `desired`; the plans of reconcile/ use the
 * same function, so a plan's no-op is exactly the store's "unchanged". Status is written only when it
 * differs in meaning: `in-use` is MailWizz's "active and sending right now", so it counts as active and
 * is never overwritten by active (that would break a running send). A quota-only change writes only
 * the quota columns, so it never resets the server to inactive.
 */
export function columnChanges(
  observed: ObservedDeliveryServer,
  desired: DesiredDeliveryServer,
): ColumnDiff[] {
  const out: ColumnDiff[] = [];
  const add = (column: string, was: string | number, now: string | number, sensitive = false): void => {
    if (was !== now) out.push({ column, old: was, new: now, sensitive });
  };
  add("type", observed.type, desired.type);
  add("hostname", observed.hostname, desired.hostname);
  add("port", observed.port, desired.port);
  add("protocol", observed.protocol, desired.protocol);
  add("username", observed.username, desired.username);
  add("password", observed.password, desired.password, true);
  add("from_email", observed.fromEmail, desired.fromEmail);
  add("from_name", observed.fromName, desired.fromName);
  add("hourly_quota", observed.quotas.hourly, desired.quotas.hourly);
  add("daily_quota", observed.quotas.daily, desired.quotas.daily);
  if (!sameHeaders(observed.headers, desired.headers)) {
    out.push({
      column: "meta_data",
      old: headersText(observed.headers),
      new: headersText(desired.headers),
      sensitive: false,
    });
  }
  if (effectiveStatus(observed.status) !== desired.status) {
    out.push({ column: "status", old: observed.status, new: desired.status, sensitive: false });
  }
  return out;
}

/** The columns a create writes (besides owner, name and dates), in the order updates report them. */
export const CREATED_FIELDS: readonly string[] = [
  "type",
  "hostname",
  "port",
  "protocol",
  "username",
  "password",
  "from_email",
  "from_name",
  "hourly_quota",
  "daily_quota",
  "meta_data",
  "status",
];

/** Additional headers as one line for plans: `X-Virtual-MTA: pmta-vmta0; X-Job: [CAMPAIGN_UID]`. */
export function headersText(headers: readonly { name: string; value: string }[]): string {
  return headers.map((h) => `${h.name}: ${h.value}`).join("; ");
}

export function effectiveStatus(status: string): string {
  return status === "in-use" ? "active" : status;
}

export function sameHeaders(
  a: readonly { name: string; value: string }[],
  b: readonly { name: string; value: string }[],
): boolean {
  return a.length === b.length && a.every((h, i) => h.name === b[i]?.name && h.value === b[i]?.value);
}

/** Every op of a batch is checked before the transaction starts. */
export function checkOp(op: StoreOp): void {
  switch (op.kind) {
    case "upsert":
      checkDesired(op.server);
      return;
    case "status":
      checkName(op.name);
      checkStatus(op.name, op.status);
      return;
    case "quotas":
      checkName(op.name);
      checkQuotas(op.name, op.quotas);
      return;
  }
}
