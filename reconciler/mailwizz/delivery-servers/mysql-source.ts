// Every row of MailWizz's `{prefix}delivery_server` table, read-only and whatever its owner: what the
// MailWizz emulator serves on its delivery-server routes when it is given a MariaDB, so that a server
// the SQL store (mysql.ts) writes is what the API lists, as in a real install.
import { createPool } from "mysql2/promise";
import { ConfigError, InternalError, TransientError } from "../../errors.ts";
import { serverTableName } from "./mysql.ts";
import type { MysqlStoreOptions } from "./mysql.ts";
import { COLUMNS, toLoaded, translateError } from "./mysql-rows.ts";
import type { ServerRow } from "./mysql-rows.ts";
import type { ObservedDeliveryServer } from "./types.ts";

export interface MysqlServerSource {
  /** Every server row, by server_id. */
  all(): Promise<ObservedDeliveryServer[]>;
  close(): Promise<void>;
}

/** Direct connection only (the emulator runs next to its database); no tunnel, no owner filter. */
export function openMysqlServerSource(
  options: Omit<MysqlStoreOptions, "tunnel" | "customerId">,
): MysqlServerSource {
  const table = serverTableName(options.tablePrefix);
  const timeout = options.queryTimeoutMs ?? 15_000;
  const where = `MailWizz database ${options.host}:${options.port ?? 3306}/${options.database}`;
  const pool = createPool({
    host: options.host,
    port: options.port ?? 3306,
    user: options.user,
    password: options.password,
    database: options.database,
    charset: "utf8mb4",
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    connectionLimit: 2,
    maxIdle: 1,
    idleTimeout: 30_000,
    dateStrings: true,
  });
  return {
    async all() {
      try {
        const [rows] = await pool.execute<ServerRow[]>({
          sql: `SELECT ${COLUMNS} FROM ${table} ORDER BY server_id`,
          timeout,
        });
        return rows.map((r) => toLoaded(r).observed);
      } catch (error) {
        if (error instanceof ConfigError || error instanceof TransientError || error instanceof InternalError)
          throw error;
        throw translateError(error, where, [options.password]);
      }
    },
    close: () => pool.end(),
  };
}
