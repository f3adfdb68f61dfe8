// The delivery-server store over MailWizz's own MySQL/MariaDB tables (reference/mailwizz-api.md §4.2).
// It reads and writes `{prefix}delivery_server` only, only the rows of its owner, only the columns
// listed in COLUMNS, with prepared statements (values never enter the SQL text), inside one
// transaction per call. The SQL text is built from constant column names and the validated prefix.
import { createPool } from "mysql2/promise";
import type { Pool, PoolConnection, ResultSetHeader } from "mysql2/promise";
import { ConfigError, InternalError, TransientError } from "../../errors.ts";
import { withHeaders } from "./meta-data.ts";
import { COLUMNS, toLoaded, translateError } from "./mysql-rows.ts";
import type { Loaded, ServerRow } from "./mysql-rows.ts";
import { encryptPassword } from "./password.ts";
import { openTunnel } from "./tunnel.ts";
import type { Tunnel, TunnelOptions } from "./tunnel.ts";
import type {
  DeliveryServerStore,
  DesiredDeliveryServer,
  ObservedDeliveryServer,
  OpResult,
  ServerQuotas,
  StoreOp,
  WritableStatus,
} from "./types.ts";
import { CREATED_FIELDS, checkOp, columnChanges, effectiveStatus } from "./validate.ts";

export interface MysqlStoreOptions {
  readonly host: string;
  readonly port?: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** MailWizz's table prefix; the installer's default is `mw_`. */
  readonly tablePrefix?: string;
  /** The owner of the servers this store sees and creates: a customer id, or null for system servers. */
  readonly customerId?: number | null;
  readonly connectTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
  /** Reach the database through an SSH local forward (host/port above are then seen from the SSH server). */
  readonly tunnel?: TunnelOptions;
}

/** `{prefix}delivery_server`, quoted; the prefix is checked because it goes into SQL text. */
export function serverTableName(tablePrefix: string | undefined): string {
  const prefix = tablePrefix ?? "mw_";
  if (!/^[A-Za-z0-9_]{0,32}$/.test(prefix))
    throw new ConfigError(
      `MailWizz table prefix ${JSON.stringify(prefix)} may hold only letters, digits and _`,
    );
  return `\`${prefix}delivery_server\``;
}

export async function openMysqlStore(options: MysqlStoreOptions): Promise<DeliveryServerStore> {
  const table = serverTableName(options.tablePrefix);
  const tunnel: Tunnel | undefined = options.tunnel
    ? await openTunnel(options.tunnel, { host: options.host, port: options.port ?? 3306 })
    : undefined;
  const pool = createPool({
    host: tunnel?.host ?? options.host,
    port: tunnel?.port ?? options.port ?? 3306,
    user: options.user,
    password: options.password,
    database: options.database,
    charset: "utf8mb4",
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    connectionLimit: 2,
    maxIdle: 1,
    idleTimeout: 30_000,
    // The server's own time zone for NOW(); dates are not read back.
    dateStrings: true,
  });
  return new MysqlStore(pool, options, table, tunnel);
}

class MysqlStore implements DeliveryServerStore {
  readonly #customerId: number | null;
  readonly #timeout: number;
  readonly #where: string;

  constructor(
    private readonly pool: Pool,
    private readonly options: MysqlStoreOptions,
    private readonly table: string,
    private readonly tunnel: Tunnel | undefined,
  ) {
    this.#customerId = options.customerId ?? null;
    this.#timeout = options.queryTimeoutMs ?? 15_000;
    this.#where = `MailWizz database ${options.host}:${options.port ?? 3306}/${options.database}`;
  }

  async list(): Promise<ObservedDeliveryServer[]> {
    const rows = await this.#guard([], () => this.#withConnection((conn) => this.#select(conn, null, false)));
    // Sorted here, not by the column's case-insensitive collation, so both stores list the same order.
    return rows
      .map((r) => r.observed)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.serverId - b.serverId));
  }

  upsert(server: DesiredDeliveryServer): Promise<OpResult> {
    return this.#one({ kind: "upsert", server });
  }

  setStatus(name: string, status: WritableStatus): Promise<OpResult> {
    return this.#one({ kind: "status", name, status });
  }

  setQuotas(name: string, quotas: ServerQuotas): Promise<OpResult> {
    return this.#one({ kind: "quotas", name, quotas });
  }

  async apply(ops: readonly StoreOp[]): Promise<OpResult[]> {
    for (const op of ops) checkOp(op);
    const secrets = ops.flatMap((op) =>
      op.kind === "upsert" ? [op.server.password, encryptPassword(op.server.password)] : [],
    );
    return this.#guard(secrets, () =>
      this.#withConnection(async (conn) => {
        await conn.query({ sql: "START TRANSACTION", timeout: this.#timeout });
        try {
          const results: OpResult[] = [];
          for (const op of ops) results.push(await this.#applyOne(conn, op));
          await conn.query({ sql: "COMMIT", timeout: this.#timeout });
          return results;
        } catch (error) {
          // After a timeout the connection is still busy with the abandoned statement; a ROLLBACK would
          // queue behind it. #withConnection drops such a connection, and the server rolls back the
          // transaction of a closed connection itself.
          if (!isBrokenConnection(error)) {
            await conn.query({ sql: "ROLLBACK", timeout: this.#timeout }).catch(() => undefined);
          }
          throw error;
        }
      }),
    );
  }

  /** Runs `work` on a pooled connection; a connection left busy or broken is destroyed, not reused. */
  async #withConnection<T>(work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await this.pool.getConnection();
    try {
      const result = await work(conn);
      conn.release();
      return result;
    } catch (error) {
      if (isBrokenConnection(error)) conn.destroy();
      else conn.release();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
    await this.tunnel?.close();
  }

  async #one(op: StoreOp): Promise<OpResult> {
    const [result] = await this.apply([op]);
    if (!result) throw new InternalError("a one-op batch returned no result");
    return result;
  }

  async #applyOne(conn: PoolConnection, op: StoreOp): Promise<OpResult> {
    const name = op.kind === "upsert" ? op.server.name : op.name;
    const found = await this.#select(conn, name, true);
    if (found.length > 1) {
      throw new ConfigError(
        `delivery server ${name}: ${found.length} servers of this owner have this name (ids ${found.map((f) => f.observed.serverId).join(", ")}); rename all but one in MailWizz`,
      );
    }
    const current = found[0];
    if (op.kind === "upsert")
      return current ? this.#update(conn, current, op.server) : this.#insert(conn, op.server);
    if (!current) throw new ConfigError(`delivery server ${name}: no such server in MailWizz`);
    const sets: [string, string | number][] =
      op.kind === "status"
        ? effectiveStatus(current.observed.status) === op.status
          ? []
          : [["status", op.status]]
        : [
            ...(current.observed.quotas.hourly === op.quotas.hourly
              ? []
              : [["hourly_quota", op.quotas.hourly] as [string, number]]),
            ...(current.observed.quotas.daily === op.quotas.daily
              ? []
              : [["daily_quota", op.quotas.daily] as [string, number]]),
          ];
    return this.#write(conn, current.observed, sets);
  }

  async #insert(conn: PoolConnection, server: DesiredDeliveryServer): Promise<OpResult> {
    const meta = withHeaders({}, server.headers);
    const [result] = await conn.execute<ResultSetHeader>(
      {
        sql: `INSERT INTO ${this.table} (customer_id, type, name, hostname, port, protocol, username, password, from_email, from_name, hourly_quota, daily_quota, meta_data, status, date_added, last_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(), NOW())`,
        timeout: this.#timeout,
      },
      [
        this.#customerId,
        server.type,
        server.name,
        server.hostname,
        server.port,
        server.protocol,
        server.username,
        encryptPassword(server.password),
        server.fromEmail,
        server.fromName,
        server.quotas.hourly,
        server.quotas.daily,
        Buffer.from(meta, "utf8"),
        server.status,
      ],
    );
    return {
      name: server.name,
      serverId: result.insertId,
      action: "created",
      fields: CREATED_FIELDS,
    };
  }

  async #update(conn: PoolConnection, current: Loaded, server: DesiredDeliveryServer): Promise<OpResult> {
    const sets: [string, string | number | Buffer][] = [];
    for (const change of columnChanges(current.observed, server)) {
      if (change.column === "password") sets.push(["password", encryptPassword(server.password)]);
      else if (change.column === "meta_data") {
        if (!current.meta)
          throw new ConfigError(
            `delivery server ${server.name}: its meta_data is not a PHP-serialized array; fix it in MailWizz before email-engine changes its headers`,
          );
        sets.push(["meta_data", Buffer.from(withHeaders(current.meta, server.headers), "utf8")]);
      } else sets.push([change.column, change.new]);
    }
    return this.#write(conn, current.observed, sets);
  }

  async #write(
    conn: PoolConnection,
    observed: ObservedDeliveryServer,
    sets: [string, string | number | Buffer][],
  ): Promise<OpResult> {
    const base = { name: observed.name, serverId: observed.serverId };
    if (sets.length === 0) return { ...base, action: "unchanged", fields: [] };
    // Column names come from columnChanges (constants), never from input.
    const assignments = [...sets.map(([column]) => `\`${column}\` = ?`), "last_updated = NOW()"].join(", ");
    await conn.execute(
      { sql: `UPDATE ${this.table} SET ${assignments} WHERE server_id = ?`, timeout: this.#timeout },
      [...sets.map(([, value]) => value), observed.serverId],
    );
    return { ...base, action: "updated", fields: sets.map(([column]) => column) };
  }

  async #select(conn: PoolConnection, name: string | null, lock: boolean): Promise<Loaded[]> {
    const byName = name === null ? "" : " AND name = ?";
    const [rows] = await conn.execute<ServerRow[]>(
      {
        sql: `SELECT ${COLUMNS} FROM ${this.table} WHERE customer_id <=> ?${byName} ORDER BY name, server_id${lock ? " FOR UPDATE" : ""}`,
        timeout: this.#timeout,
      },
      name === null ? [this.#customerId] : [this.#customerId, name],
    );
    // The column's collation ignores case and trailing spaces; the store's key is the exact name.
    return rows.filter((r) => name === null || r.name === name).map(toLoaded);
  }

  async #guard<T>(secrets: readonly string[], work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ConfigError || error instanceof TransientError || error instanceof InternalError)
        throw error;
      throw translateError(error, this.#where, [...secrets, this.options.password]);
    }
  }
}

// A statement that timed out or a connection that failed leaves the connection unusable.
function isBrokenConnection(error: unknown): boolean {
  const e = error as { code?: string; fatal?: boolean } | null;
  return e?.fatal === true || e?.code === "PROTOCOL_SEQUENCE_TIMEOUT";
}
