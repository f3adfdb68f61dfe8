// Bootstrap over SSH (@pulumi/command 1.2.x, host keys pinned): the MailWizz host's stack, the PowerMTA
// host's floating IPs, package and license, and the DKIM private keys. These run once per change of
// their inputs; continuous convergence of PowerMTA and MailWizz is the reconciler's job, not Pulumi's.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import { entries } from "../../reconciler/inventory/model.ts";
import {
  renderDkimInstall,
  renderMailwizzBootstrap,
  renderPmtaBootstrap,
} from "../../templates/hosts/bootstrap.ts";
import { NETPLAN_PATH, renderFloatingIpNetplan } from "../../templates/hosts/netplan.ts";
import type { DkimKeyInfo, InfraConfig } from "../types.ts";
import type { SendingIpHandle } from "./sending-ips.ts";
import type { ServerHandle } from "./servers.ts";

const PACKAGE_PATH = "/root/email-engine/pmta-package";
const LICENSE_PATH = "/root/email-engine/pmta-license";

export class Bootstrap extends pulumi.ComponentResource {
  /** Every resource this component declared, in order (tests await their registration). */
  readonly declared: pulumi.Resource[] = [];
  constructor(
    name: string,
    args: {
      inventory: Inventory;
      config: InfraConfig;
      servers: Readonly<Record<string, ServerHandle>>;
      sendingIps: readonly SendingIpHandle[];
      dkim: readonly DkimKeyInfo[];
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("email-engine:infra:Bootstrap", name, {}, opts);
    const { inventory, config } = args;
    const parent = { parent: this };
    for (const [serverName, spec] of entries(inventory.servers)) {
      const server = args.servers[serverName];
      const hostKey = config.hostKeys[serverName];
      // Without a pinned host key we do not connect at all: no trust on first use.
      if (!server || !hostKey || spec.adopt) continue;
      const connection = {
        host: server.ipv4,
        user: "root",
        privateKey: config.sshPrivateKey,
        hostKey: hostKey.publicKey,
        dialErrorLimit: 20,
        perDialTimeout: 15,
      };
      if (spec.role === "mailwizz" && spec.hostname) {
        const script = renderMailwizzBootstrap({
          hostname: spec.hostname,
          certbotEmail: config.certbotEmail,
        });
        this.keep(
          new command.remote.Command(
            `${serverName}-stack`,
            { connection, stdin: script, create: "sh -s", triggers: [script] },
            parent,
          ),
        );
      }
      if (spec.role === "pmta") {
        const addresses = args.sendingIps.filter((ip) => ip.server === serverName).map((ip) => ip.address);
        const netplan = pulumi
          .all(addresses)
          .apply((list) => renderFloatingIpNetplan({ interfaceName: "eth0", addresses: list }));
        const ipConfig = this.keep(
          new command.remote.Command(
            `${serverName}-floating-ips`,
            {
              connection,
              stdin: netplan,
              create: `umask 077 && cat > ${NETPLAN_PATH} && netplan apply`,
              triggers: [netplan],
            },
            parent,
          ),
        );
        const dependsOn: pulumi.Resource[] = [ipConfig];
        if (config.pmtaPackagePath && config.pmtaLicensePath) {
          const pkg = this.keep(
            new command.remote.CopyToRemote(
              `${serverName}-pmta-package`,
              {
                connection,
                source: new pulumi.asset.FileAsset(config.pmtaPackagePath),
                remotePath: PACKAGE_PATH + packageSuffix(config.pmtaPackagePath),
              },
              parent,
            ),
          );
          const license = this.keep(
            new command.remote.CopyToRemote(
              `${serverName}-pmta-license`,
              {
                connection,
                source: new pulumi.asset.FileAsset(config.pmtaLicensePath),
                remotePath: LICENSE_PATH,
              },
              parent,
            ),
          );
          const script = renderPmtaBootstrap({
            packagePath: PACKAGE_PATH + packageSuffix(config.pmtaPackagePath),
            licensePath: LICENSE_PATH,
          });
          dependsOn.push(
            this.keep(
              new command.remote.Command(
                `${serverName}-pmta-install`,
                { connection, stdin: script, create: "sh -s", triggers: [script, config.pmtaPackagePath] },
                { ...parent, dependsOn: [pkg, license, ipConfig] },
              ),
            ),
          );
        }
        for (const key of args.dkim) {
          if (!key.privateKeyPem) continue;
          const signsHere = inventory.ips.some((ip) => ip.server === serverName && ip.domain === key.domain);
          if (!signsHere) continue;
          const path = `/etc/pmta/dkim/${key.domain}.${key.selector}.pem`;
          // The key travels on stdin; the resource's stdin input is secret, so Pulumi encrypts it in state.
          this.keep(
            new command.remote.Command(
              `${serverName}-dkim-${key.domain}-${key.selector}`,
              {
                connection,
                stdin: pulumi.secret(key.privateKeyPem),
                create: renderDkimInstall(path),
                logging: "none",
              },
              { ...parent, dependsOn },
            ),
          );
        }
      }
    }
    this.registerOutputs({});
  }

  private keep<R extends pulumi.Resource>(resource: R): R {
    this.declared.push(resource);
    return resource;
  }
}

function packageSuffix(path: string): string {
  return path.endsWith(".rpm") ? ".rpm" : ".deb";
}
