// The delivery-server store kept in memory: the embedded default and the MailWizz emulator use it in
// place of MailWizz's database. It behaves like mysql.ts: same checks, same key (the exact name within
// one owner), "a quota-only change keeps the status", all-or-nothing batches. Its rows have the
// columns of `mw_delivery_server`, so it can run over the emulator's own table (anything with the
// ServerTable methods) or over MemoryServerTable.
import { ConfigError, InternalError } from "../../errors.ts";
import type { MetaData } from "./meta-data.ts";
import { headersOf, parseMetaData, withHeaders } from "./meta-data.ts";
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

/** The columns of a `mw_delivery_server` row that the stores read and write. */
export interface ServerRow {
  readonly server_id: number;
  readonly customer_id: number | null;
  readonly type: string;
  readonly name: string;
  readonly hostname: string;
  readonly username: string;
  /** Plain text here: the in-memory table has no MailWizz reading it, so nothing to encrypt for. */
  readonly password: string;
  readonly port: number;
  readonly protocol: string;
  readonly from_email: string;
  readonly from_name: string;
  readonly hourly_quota: number;
  readonly daily_quota: number;
  readonly monthly_quota: number;
  /** PHP-serialized array, as MailWizz stores it, or null. */
  readonly meta_data: string | null;
  readonly status: string;
}

export type NewServerRow = Omit<ServerRow, "server_id">;
export type ServerRowPatch = Partial<Omit<ServerRow, "server_id">>;

/** The table the in-memory store works on. The emulator's store has the same three members. */
export interface ServerTable {
  readonly deliveryServers: readonly ServerRow[];
  insertDeliveryServer(row: NewServerRow): number;
  updateDeliveryServer(serverId: number, patch: ServerRowPatch): boolean;
}

/** A standalone table (embedded default, tests). */
export class MemoryServerTable implements ServerTable {
  readonly deliveryServers: ServerRow[];
  #nextId: number;

  constructor(rows: readonly ServerRow[] = []) {
    this.deliveryServers = rows.map((r) => ({ ...r }));
    this.#nextId = rows.reduce((m, r) => Math.max(m, r.server_id), 0) + 1;
  }

  insertDeliveryServer(row: NewServerRow): number {
    const server_id = this.#nextId++;
    this.deliveryServers.push({ ...row, server_id });
    return server_id;
  }

  updateDeliveryServer(serverId: number, patch: ServerRowPatch): boolean {
    const index = this.deliveryServers.findIndex((r) => r.server_id === serverId);
    const row = this.deliveryServers[index];
    if (!row) return false;
    this.deliveryServers[index] = { ...row, ...patch };
    return true;
  }
}

export class MemoryDeliveryServerStore implements DeliveryServerStore {
  readonly #customerId: number | null;

  constructor(
    readonly table: ServerTable = new MemoryServerTable(),
    options: { readonly customerId?: number | null } = {},
  ) {
    this.#customerId = options.customerId ?? null;
  }

  list(): Promise<ObservedDeliveryServer[]> {
    return Promise.resolve(this.#own(this.table).map(toObserved));
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

  apply(ops: readonly StoreOp[]): Promise<OpResult[]> {
    try {
      for (const op of ops) checkOp(op);
      // All or nothing: the batch first runs on a copy; only when it succeeds there does it run on
      // the table itself (same code on the same rows, so it succeeds again). Both runs are synchronous,
      // so nothing else sees the table in between.
      const scratch = new MemoryServerTable(this.table.deliveryServers);
      for (const op of ops) this.#applyOne(scratch, op);
      return Promise.resolve(ops.map((op) => this.#applyOne(this.table, op)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new InternalError(String(error)));
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  async #one(op: StoreOp): Promise<OpResult> {
    const [result] = await this.apply([op]);
    if (!result) throw new InternalError("a one-op batch returned no result");
    return result;
  }

  #own(table: ServerTable): ServerRow[] {
    return table.deliveryServers
      .filter((r) => r.customer_id === this.#customerId)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.server_id - b.server_id));
  }

  #applyOne(table: ServerTable, op: StoreOp): OpResult {
    const name = op.kind === "upsert" ? op.server.name : op.name;
    const found = this.#own(table).filter((r) => r.name === name);
    if (found.length > 1) {
      throw new ConfigError(
        `delivery server ${name}: ${found.length} servers of this owner have this name (ids ${found.map((f) => f.server_id).join(", ")}); rename all but one in MailWizz`,
      );
    }
    const current = found[0];
    if (op.kind === "upsert")
      return current ? this.#update(table, current, op.server) : this.#insert(table, op.server);
    if (!current) throw new ConfigError(`delivery server ${name}: no such server in MailWizz`);
    const patch: Record<string, string | number> = {};
    if (op.kind === "status") {
      if (effectiveStatus(current.status) !== op.status) patch["status"] = op.status;
    } else {
      if (current.hourly_quota !== op.quotas.hourly) patch["hourly_quota"] = op.quotas.hourly;
      if (current.daily_quota !== op.quotas.daily) patch["daily_quota"] = op.quotas.daily;
    }
    return write(table, current, patch);
  }

  #insert(table: ServerTable, s: DesiredDeliveryServer): OpResult {
    const serverId = table.insertDeliveryServer({
      customer_id: this.#customerId,
      type: s.type,
      name: s.name,
      hostname: s.hostname,
      port: s.port,
      protocol: s.protocol,
      username: s.username,
      password: s.password,
      from_email: s.fromEmail,
      from_name: s.fromName,
      hourly_quota: s.quotas.hourly,
      daily_quota: s.quotas.daily,
      monthly_quota: 0,
      meta_data: withHeaders({}, s.headers),
      status: s.status,
    });
    return {
      name: s.name,
      serverId,
      action: "created",
      fields: CREATED_FIELDS,
    };
  }

  #update(table: ServerTable, current: ServerRow, s: DesiredDeliveryServer): OpResult {
    const patch: Record<string, string | number> = {};
    for (const change of columnChanges(toObserved(current), s)) {
      if (change.column === "meta_data") {
        const meta = readMeta(current);
        if (!meta)
          throw new ConfigError(
            `delivery server ${s.name}: its meta_data is not a PHP-serialized array; fix it in MailWizz before email-engine changes its headers`,
          );
        patch["meta_data"] = withHeaders(meta, s.headers);
      } else {
        patch[change.column] = change.new;
      }
    }
    return write(table, current, patch);
  }
}

function write(table: ServerTable, current: ServerRow, patch: Record<string, string | number>): OpResult {
  const fields = Object.keys(patch);
  const base = { name: current.name, serverId: current.server_id };
  if (fields.length === 0) return { ...base, action: "unchanged", fields };
  // Keys are column names produced by columnChanges or the quota/status branches above.
  if (!table.updateDeliveryServer(current.server_id, patch)) {
    throw new InternalError(
      `delivery server ${current.name}: row ${current.server_id} vanished during the update`,
    );
  }
  return { ...base, action: "updated", fields };
}

function readMeta(row: ServerRow): MetaData | undefined {
  try {
    return parseMetaData(row.meta_data);
  } catch {
    return undefined;
  }
}

/** A row as the reconciler observes it (the emulator's read path uses the same mapping). */
export function toObserved(row: ServerRow): ObservedDeliveryServer {
  const meta = readMeta(row);
  return {
    serverId: row.server_id,
    customerId: row.customer_id,
    name: row.name,
    type: row.type,
    hostname: row.hostname,
    port: row.port,
    protocol: row.protocol,
    username: row.username,
    password: row.password,
    fromEmail: row.from_email,
    fromName: row.from_name,
    quotas: { hourly: row.hourly_quota, daily: row.daily_quota },
    headers: meta ? headersOf(meta) : [],
    status: row.status,
  };
}
