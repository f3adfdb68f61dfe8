// Rows of `{prefix}delivery_server` as mysql2 returns them, their mapping to the observed state, and
// the translation of mysql2's errors into the reconciler's error classes.
import type { RowDataPacket } from "mysql2/promise";
import { ConfigError, InternalError, TransientError } from "../../errors.ts";
import { headersOf, parseMetaData } from "./meta-data.ts";
import type { MetaData } from "./meta-data.ts";
import { decryptPassword } from "./password.ts";
import type { ObservedDeliveryServer } from "./types.ts";

/** The only columns the store reads. */
export const COLUMNS =
  "server_id, customer_id, type, name, hostname, port, protocol, username, password, from_email, from_name, hourly_quota, daily_quota, meta_data, status";

export interface ServerRow extends RowDataPacket {
  server_id: number;
  customer_id: number | null;
  type: string;
  name: string | null;
  hostname: string;
  port: number | null;
  protocol: string | null;
  username: string;
  password: string | null;
  from_email: string;
  from_name: string | null;
  hourly_quota: number;
  daily_quota: number;
  meta_data: Buffer | null;
  status: string;
}

export interface Loaded {
  readonly observed: ObservedDeliveryServer;
  readonly meta: MetaData | undefined;
}

export function toLoaded(row: ServerRow): Loaded {
  let meta: MetaData | undefined;
  try {
    meta = parseMetaData(row.meta_data);
  } catch {
    meta = undefined;
  }
  return {
    meta,
    observed: {
      serverId: Number(row.server_id),
      customerId: row.customer_id === null ? null : Number(row.customer_id),
      name: row.name ?? "",
      type: row.type.trim(),
      hostname: row.hostname,
      port: row.port === null ? 25 : Number(row.port),
      protocol: row.protocol ?? "",
      username: row.username,
      password: decryptPassword(row.password),
      fromEmail: row.from_email,
      fromName: row.from_name ?? "",
      quotas: { hourly: Number(row.hourly_quota), daily: Number(row.daily_quota) },
      headers: meta ? headersOf(meta) : [],
      status: row.status.trim(),
    },
  };
}

// mysql2's errors carry the SQL text and sometimes values; only the code and the server's message
// are kept, with every secret of the call cut out, and the original is not attached as a cause.
export function translateError(error: unknown, where: string, secrets: readonly string[]): Error {
  const e = error as { code?: string; sqlMessage?: string; message?: string };
  let text = `${e.code ?? "error"}: ${e.sqlMessage ?? e.message ?? String(error)}`;
  for (const secret of secrets) if (secret) text = text.split(secret).join("(sensitive)");
  const message = `${where}: ${text}`;
  switch (e.code ?? "") {
    case "ER_ACCESS_DENIED_ERROR":
    case "ER_DBACCESS_DENIED_ERROR":
    case "ER_TABLEACCESS_DENIED_ERROR":
    case "ER_BAD_DB_ERROR":
    case "ER_NO_SUCH_TABLE":
    case "ER_BAD_FIELD_ERROR":
      return new ConfigError(message);
    case "ECONNREFUSED":
    case "ECONNRESET":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "PROTOCOL_CONNECTION_LOST":
    case "PROTOCOL_SEQUENCE_TIMEOUT":
    case "ER_LOCK_WAIT_TIMEOUT":
    case "ER_LOCK_DEADLOCK":
    case "ER_CON_COUNT_ERROR":
      return new TransientError(message);
    default:
      return new InternalError(message);
  }
}
