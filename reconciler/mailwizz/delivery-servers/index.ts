// Delivery servers of a MailWizz install: the store interface, its SQL and in-memory implementations,
// and the SSH tunnel the SQL store can go through.
export type {
  AdditionalHeader,
  DeliveryServerStore,
  DesiredDeliveryServer,
  ObservedDeliveryServer,
  OpResult,
  ServerProtocol,
  ServerQuotas,
  ServerStatus,
  StoreOp,
  WritableStatus,
} from "./types.ts";
export { SERVER_PROTOCOLS, SERVER_STATUSES } from "./types.ts";
export { openMysqlStore, serverTableName } from "./mysql.ts";
export { openMysqlServerSource } from "./mysql-source.ts";
export type { MysqlServerSource } from "./mysql-source.ts";
export type { MysqlStoreOptions } from "./mysql.ts";
export { MemoryDeliveryServerStore, MemoryServerTable, toObserved } from "./memory.ts";
export type { NewServerRow, ServerRow, ServerRowPatch, ServerTable } from "./memory.ts";
export { openTunnel, hostKeyFingerprint } from "./tunnel.ts";
export type { Tunnel, TunnelOptions, TunnelTarget } from "./tunnel.ts";
export { encryptPassword, decryptPassword } from "./password.ts";
export { headersOf, parseMetaData, withHeaders } from "./meta-data.ts";
export { checkDesired, checkQuotas, columnChanges, effectiveStatus, headersText } from "./validate.ts";
export type { ColumnDiff } from "./validate.ts";
