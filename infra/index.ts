// The Pulumi program: load the same inventory the reconciler uses, read the DKIM keys email-engine
// holds, and declare the infrastructure. Logic lives in stack.ts and its pure helpers.
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { formatProblem } from "../reconciler/inventory/problem.ts";
import { validateInventoryDir } from "../reconciler/validate/index.ts";
import { DkimVault, parseMasterKey } from "../reconciler/dkim/index.ts";
import { readInfraConfig } from "./config.ts";
import { defineStack } from "./stack.ts";
import type { DkimKeyInfo } from "./types.ts";

const cfg = new pulumi.Config();
const inventoryDir = resolve(cfg.get("inventory") ?? "inventory");
const validation = await validateInventoryDir(inventoryDir);
if (!validation.inventory) {
  throw new pulumi.RunError(
    `inventory ${inventoryDir} is invalid (run \`email-engine validate\`):\n${validation.errors.map(formatProblem).join("\n")}`,
  );
}

const vault = new DkimVault(resolve(cfg.get("dkimVault") ?? ".email-engine/dkim"));
const masterKey = cfg.getSecret("masterKey");
const dkim: DkimKeyInfo[] = (await vault.list())
  .filter((key) => key.status !== "retired")
  .map((key) => ({
    domain: key.domain,
    selector: key.selector,
    publicKey: key.publicKey,
    bits: key.bits,
    privateKeyPem: masterKey
      ? pulumi.secret(
          masterKey.apply((k) => vault.privateKey(key.domain, key.selector, parseMasterKey(k, "masterKey"))),
        )
      : undefined,
  }));

const outputs = defineStack(validation.inventory, dkim, readInfraConfig(cfg));
export const servers = outputs.servers;
export const sendingIps = outputs.sendingIps;
