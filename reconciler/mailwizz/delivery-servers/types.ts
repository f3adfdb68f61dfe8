// The delivery servers of one MailWizz install, as email-engine sees and writes them. MailWizz's API
// cannot write delivery servers (reference/mailwizz-api.md §4.1), so the store talks to its database
// (mysql.ts) or, in the embedded default and the emulator, keeps them in memory (memory.ts).

/** Statuses MailWizz uses for a delivery server (`mw_delivery_server.status`, §4.2). */
export const SERVER_STATUSES = [
  "active",
  "in-use",
  "inactive",
  "disabled",
  "hidden",
  "pending-delete",
] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

/** The statuses email-engine writes: a server either sends (active) or does not (inactive). */
export type WritableStatus = "active" | "inactive";

/** `protocol` column: '' means plain SMTP without TLS. */
export const SERVER_PROTOCOLS = ["", "tls", "ssl", "starttls"] as const;
export type ServerProtocol = (typeof SERVER_PROTOCOLS)[number];

/** One entry of `meta_data['additional_headers']`. */
export interface AdditionalHeader {
  readonly name: string;
  readonly value: string;
}

export interface ServerQuotas {
  /** Messages per calendar hour; 0 means unlimited in MailWizz. */
  readonly hourly: number;
  /** Messages per calendar day; 0 means unlimited in MailWizz. */
  readonly daily: number;
}

/** What email-engine wants one delivery server to be. */
export interface DesiredDeliveryServer {
  /** The key: MailWizz does not make names unique, the store refuses duplicates of a name it writes. */
  readonly name: string;
  readonly type: "smtp-pmta";
  readonly hostname: string;
  readonly port: number;
  readonly protocol: ServerProtocol;
  readonly username: string;
  /** The secret itself. Never logged, never put in an error message. */
  readonly password: string;
  readonly fromEmail: string;
  readonly fromName: string;
  readonly quotas: ServerQuotas;
  readonly headers: readonly AdditionalHeader[];
  readonly status: WritableStatus;
}

/** A delivery server as read back from MailWizz. */
export interface ObservedDeliveryServer {
  readonly serverId: number;
  /** null for a system (admin) server. */
  readonly customerId: number | null;
  readonly name: string;
  readonly type: string;
  readonly hostname: string;
  readonly port: number;
  readonly protocol: string;
  readonly username: string;
  /** Decrypted the way MailWizz reads it (password.ts). */
  readonly password: string;
  readonly fromEmail: string;
  readonly fromName: string;
  readonly quotas: ServerQuotas;
  readonly headers: readonly AdditionalHeader[];
  readonly status: string;
}

/** One write; a batch of them runs in one transaction. */
export type StoreOp =
  | { readonly kind: "upsert"; readonly server: DesiredDeliveryServer }
  | { readonly kind: "status"; readonly name: string; readonly status: WritableStatus }
  | { readonly kind: "quotas"; readonly name: string; readonly quotas: ServerQuotas };

export interface OpResult {
  readonly name: string;
  readonly serverId: number;
  readonly action: "created" | "updated" | "unchanged";
  /** The columns written (never their values). */
  readonly fields: readonly string[];
}

/**
 * The delivery servers of one owner (customer id or system) in one MailWizz install. Every write is
 * one transaction: all of it or none of it.
 */
export interface DeliveryServerStore {
  /** The servers of this store's owner, sorted by name then id. */
  list(): Promise<ObservedDeliveryServer[]>;
  /** Create or update by name. A quota-only change keeps the server's status. */
  upsert(server: DesiredDeliveryServer): Promise<OpResult>;
  setStatus(name: string, status: WritableStatus): Promise<OpResult>;
  setQuotas(name: string, quotas: ServerQuotas): Promise<OpResult>;
  /** Several writes in one transaction, in order. */
  apply(ops: readonly StoreOp[]): Promise<OpResult[]>;
  close(): Promise<void>;
}
