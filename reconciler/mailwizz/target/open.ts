// The target of a real MailWizz install, from the validated inventory and the secrets: one API client
// per tenant of the install (servers.<s>.mailwizz.apiUrl/version, tenants.<t>.mailwizz.apiKey) and the
// delivery-server store over MailWizz's database (servers.<s>.mailwizz.database), reached through an
// SSH tunnel to the server (servers.<s>.ssh, pinned host key) unless `tunnel: false`.
import { readSecret } from "../../inventory/secrets.ts";
import type { Secrets } from "../../inventory/secrets.ts";
import { ConfigError } from "../../errors.ts";
import { entries } from "../../inventory/model.ts";
import type { Inventory, MailwizzInstall, Server } from "../../inventory/types.gen.ts";
import { pinnedFingerprint } from "../../pmta/host/ssh.ts";
import { MailwizzClient } from "../client/index.ts";
import { openMysqlStore } from "../delivery-servers/index.ts";
import type { TunnelOptions } from "../delivery-servers/index.ts";
import type { ClientTuning, MailwizzTarget, TenantTarget } from "./types.ts";
import { redactor } from "./types.ts";

export interface OpenTargetOptions {
  readonly client?: ClientTuning;
  readonly connectTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
}

type Database = NonNullable<MailwizzInstall["database"]>;

/** The server entry, checked to be a MailWizz server; errors name the inventory path and the fix. */
export function mailwizzServer(inventory: Inventory, name: string): Server {
  const server = inventory.servers[name];
  if (!server)
    throw new ConfigError(
      `servers.${name}: no such server; name a server with role mailwizz (${mailwizzServerNames(inventory).join(", ") || "none in the inventory"})`,
    );
  if (server.role !== "mailwizz")
    throw new ConfigError(`servers.${name}: role is ${server.role}, not mailwizz; name a MailWizz server`);
  return server;
}

export function mailwizzServerNames(inventory: Inventory): string[] {
  return entries(inventory.servers)
    .filter(([, s]) => s.role === "mailwizz")
    .map(([n]) => n)
    .sort();
}

/** Tenants whose MailWizz is `server`, sorted by name. */
export function tenantsOf(
  inventory: Inventory,
  server: string,
): [string, Inventory["tenants"][string] & {}][] {
  return entries(inventory.tenants)
    .filter(([, t]) => t.mailwizz.server === server)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function openMailwizzTarget(
  inventory: Inventory,
  serverName: string,
  secrets: Secrets,
  options: OpenTargetOptions = {},
): Promise<MailwizzTarget> {
  const server = mailwizzServer(inventory, serverName);
  const at = `servers.${serverName}.mailwizz`;
  const install = server.mailwizz;
  if (install === undefined)
    throw new ConfigError(`${at}: missing; add the install's apiUrl and database (name, user, password)`);
  if (install.apiUrl === undefined)
    throw new ConfigError(`${at}.apiUrl: missing; give the API base URL, e.g. https://mw.example.com/api`);
  if ((install.version ?? 2) !== 2)
    throw new ConfigError(
      `${at}.version: MailWizz 1.x signs requests with a public and a private key, and the inventory holds one apiKey per tenant; use version 2 (the 1.x client exists, the inventory has no field for the private key yet)`,
    );
  const database = install.database;
  if (database === undefined)
    throw new ConfigError(
      `${at}.database: missing; give name, user and password (the API cannot write delivery servers)`,
    );

  // Every secret is read before anything is opened, so a missing one fails fast and leaves nothing open.
  const secretValues: string[] = [];
  const tenantKeys: [string, TenantTarget["company"], string][] = [];
  for (const [name, tenant] of tenantsOf(inventory, serverName)) {
    const key = await readSecret(tenant.mailwizz.apiKey, secrets, `tenants.${name}.mailwizz.apiKey`);
    secretValues.push(key);
    tenantKeys.push([name, tenant.company, key]);
  }
  const password = await readSecret(database.password, secrets, `${at}.database.password`);
  secretValues.push(password);
  const tunnel = database.tunnel === false ? undefined : await tunnelOptions(serverName, server, secrets);
  if (tunnel?.privateKey !== undefined) secretValues.push(String(tunnel.privateKey));

  const tenants = new Map<string, TenantTarget>(
    tenantKeys.map(([tenant, company, apiKey]) => [
      tenant,
      {
        tenant,
        company,
        client: new MailwizzClient({
          ...options.client,
          baseUrl: install.apiUrl!,
          auth: { version: "2.x", apiKey },
        }),
      },
    ]),
  );
  const store = await openStore(database, password, tunnel, options);
  return {
    server: serverName,
    tenants,
    deliveryServers: store,
    redact: redactor(secretValues),
    close: () => store.close(),
  };
}

function openStore(
  database: Database,
  password: string,
  tunnel: TunnelOptions | undefined,
  options: OpenTargetOptions,
): ReturnType<typeof openMysqlStore> {
  return openMysqlStore({
    // Through the tunnel, host and port are seen from the MailWizz server: its own loopback by default.
    host: database.host ?? "127.0.0.1",
    port: database.port ?? 3306,
    user: database.user,
    password,
    database: database.name,
    tablePrefix: database.tablePrefix ?? "mw_",
    // The engine's servers are system servers (customer_id NULL): one set per install, every tenant's
    // campaigns may use them.
    customerId: null,
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    ...(options.queryTimeoutMs === undefined ? {} : { queryTimeoutMs: options.queryTimeoutMs }),
    ...(tunnel === undefined ? {} : { tunnel }),
  });
}

async function tunnelOptions(name: string, server: Server, secrets: Secrets): Promise<TunnelOptions> {
  const ssh = server.ssh;
  if (ssh === undefined)
    throw new ConfigError(
      `servers.${name}.ssh: missing; the database is reached through an SSH tunnel: give ssh.hostKey and ssh.privateKey, or set servers.${name}.mailwizz.database.tunnel: false`,
    );
  const host = server.address ?? server.hostname;
  if (host === undefined)
    throw new ConfigError(`servers.${name}: no address or hostname to open the SSH tunnel to; add one`);
  const privateKey = await readSecret(ssh.privateKey, secrets, `servers.${name}.ssh.privateKey`);
  let hostKeySha256: string;
  try {
    hostKeySha256 = pinnedFingerprint(ssh.hostKey);
  } catch {
    throw new ConfigError(
      `servers.${name}.ssh.hostKey: neither "SHA256:…" nor "<type> <base64 key>"; paste the server's host key line or its SHA256 fingerprint`,
    );
  }
  return {
    host,
    port: ssh.port ?? 22,
    username: ssh.user ?? "root",
    // readSecret trims; an OpenSSH key file ends with a newline.
    privateKey: `${privateKey}\n`,
    hostKeySha256,
  };
}
