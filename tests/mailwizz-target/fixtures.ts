// Shared pieces of the MailWizz target tests: the base inventory with a MailWizz install section, the
// desired state computed from it, and a throwaway MariaDB database with MailWizz's tables.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import type { Connection } from "mysql2/promise";
import type { Inventory, MailwizzInstall, Server } from "../../reconciler/inventory/types.gen.ts";
import {
  desiredDeliveryServers,
  desiredLists,
  desiredTemplates,
} from "../../reconciler/mailwizz/reconcile/index.ts";
import type { IpQuota, PmtaSubmission } from "../../reconciler/mailwizz/reconcile/index.ts";
import type { DesiredMailwizz } from "../../reconciler/mailwizz/target/index.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import { BASE_INVENTORY } from "../helpers/inventory.ts";

export const MARIADB = { host: "127.0.0.1", port: 3306, user: "root", password: "" } as const;
export const SCHEMA = new URL("../../reconciler/mailwizz/delivery-servers/schema.sql", import.meta.url);

export const SMTP: PmtaSubmission = {
  port: 2525,
  protocol: "",
  username: "mailwizz",
  password: `pmta-'sécret"-smtp`,
  fromLocalPart: "bounce",
};

export const DAY1: readonly IpQuota[] = [
  { vmta: "pmta-vmta0", quota: 50 },
  { vmta: "pmta-vmta1", quota: 50 },
  { vmta: "pmta-vmta2", quota: 50 },
  { vmta: "pmta-vmta3", quota: 0 },
  { vmta: "pmta-vmta4", quota: 0 },
];

export async function baseInventory(): Promise<Inventory> {
  const result = await validateInventoryDir(BASE_INVENTORY);
  if (result.errors.length > 0) throw new Error(`base inventory invalid: ${JSON.stringify(result.errors)}`);
  // A mutable copy: the loader hands out a frozen inventory.
  return structuredClone(result.inventory as Inventory);
}

/** A copy of the inventory whose `mailwizz` server has these sections. */
export function withInstall(
  inventory: Inventory,
  install: MailwizzInstall | undefined,
  extra: Partial<Server> = {},
): Inventory {
  const copy = structuredClone(inventory);
  const server = copy.servers["mailwizz"] as Server;
  copy.servers["mailwizz"] = {
    ...server,
    ...extra,
    ...(install === undefined ? {} : { mailwizz: install }),
  };
  return copy;
}

export async function desiredState(
  inventory: Inventory,
  quotas: readonly IpQuota[] = DAY1,
): Promise<DesiredMailwizz> {
  const files = Object.values(inventory.tenants).flatMap((t) =>
    Object.values(t?.templates ?? {}).map((x) => x!.file),
  );
  const contents = new Map<string, string>();
  for (const file of files) contents.set(file, await readFile(join(BASE_INVENTORY, file), "utf8"));
  const deliveryServers = desiredDeliveryServers(inventory, quotas, SMTP);
  return {
    deliveryServers,
    lists: desiredLists(inventory),
    templates: desiredTemplates(inventory, contents),
    ownedServers: new Set(deliveryServers.map((d) => d.name)),
  };
}

/** A database of its own with MailWizz's delivery-server tables; drop() removes it. */
export async function throwawayDatabase(): Promise<{
  readonly name: string;
  readonly admin: Connection;
  drop(): Promise<void>;
}> {
  const name = `ee_test_${randomBytes(6).toString("hex")}`;
  const admin = await createConnection({ ...MARIADB, multipleStatements: true, connectTimeout: 5000 });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8`);
  await admin.query(`USE \`${name}\``);
  await admin.query(await readFile(SCHEMA, "utf8"));
  return {
    name,
    admin,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

/** A file holding a secret (root's empty MariaDB password cannot come from an env variable). */
export async function secretFile(content: string): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "ee-secret-"));
  const path = join(dir, "secret");
  await writeFile(path, content, { mode: 0o600 });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
