// Servers: Hetzner SSH keys, one server per inventory server (or an adopted existing one, read and
// never recreated), a primary IPv4 that outlives the server, a PTR for it, and a firewall per role.
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import type { Inventory, Server } from "../../reconciler/inventory/types.gen.ts";
import { entries } from "../../reconciler/inventory/model.ts";
import { renderCloudInit } from "../../templates/hosts/cloud-init.ts";
import { firewallRules } from "../firewall-rules.ts";
import type { InfraConfig } from "../types.ts";

export interface ServerHandle {
  readonly name: string;
  readonly spec: Server;
  readonly id: pulumi.Output<number>;
  readonly ipv4: pulumi.Output<string>;
}

export class Servers extends pulumi.ComponentResource {
  /** Every resource this component declared, in order (tests await their registration). */
  readonly declared: pulumi.Resource[] = [];
  readonly servers: Record<string, ServerHandle> = {};

  constructor(
    name: string,
    args: { inventory: Inventory; config: InfraConfig },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("email-engine:infra:Servers", name, {}, opts);
    const { inventory, config } = args;
    const parent = { parent: this };
    const keys = config.sshPublicKeys.map((publicKey, i) =>
      this.keep(
        new hcloud.SshKey(`operator-${i}`, { name: `email-engine-operator-${i}`, publicKey }, parent),
      ),
    );
    for (const [serverName, spec] of entries(inventory.servers)) {
      const adoptId = spec.adopt ? config.adopt[serverName] : undefined;
      if (adoptId !== undefined) {
        // Adopted: read the running server; Pulumi will never replace or delete it.
        const existing = this.keep(hcloud.Server.get(serverName, adoptId, undefined, parent));
        this.servers[serverName] = {
          name: serverName,
          spec,
          id: existing.id.apply(Number),
          ipv4: existing.ipv4Address,
        };
        continue;
      }
      const primary = this.keep(
        new hcloud.PrimaryIp(
          `${serverName}-ipv4`,
          {
            name: `${serverName}-ipv4`,
            type: "ipv4",
            location: spec.location,
            assigneeType: "server",
            autoDelete: false,
          },
          // The address carries reputation and DNS: deleting it needs a deliberate unprotect.
          { ...parent, protect: true },
        ),
      );
      const hostKey = config.hostKeys[serverName];
      const userData =
        hostKey && spec.hostname
          ? pulumi.secret(
              hostKey.privateKey.apply((privateKey) =>
                renderCloudInit({
                  hostname: spec.hostname!,
                  hostPrivateKey: privateKey,
                  hostPublicKey: hostKey.publicKey,
                }),
              ),
            )
          : undefined;
      const server = this.keep(
        new hcloud.Server(
          serverName,
          {
            name: spec.hostname ?? serverName,
            serverType: spec.type,
            location: spec.location,
            image: config.image,
            sshKeys: keys.map((k) => k.id),
            publicNets: [{ ipv4Enabled: true, ipv4: primary.id.apply(Number), ipv6Enabled: false }],
            userData,
            labels: { "email-engine/role": spec.role },
          },
          // Hetzner replaces a server whose SSH keys or user data change: both are create-time only.
          { ...parent, ignoreChanges: ["sshKeys", "userData"] },
        ),
      );
      if (spec.hostname) {
        this.keep(
          new hcloud.Rdns(
            `${serverName}-ipv4-ptr`,
            { primaryIpId: primary.id.apply(Number), ipAddress: primary.ipAddress, dnsPtr: spec.hostname },
            parent,
          ),
        );
      }
      this.servers[serverName] = {
        name: serverName,
        spec,
        id: server.id.apply(Number),
        ipv4: primary.ipAddress,
      };
    }
    for (const [serverName, handle] of Object.entries(this.servers).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const rules = firewallRules(inventory, handle.spec.role, {
        pmtaSubmission: config.pmtaSubmissionPort,
        pmtaHttp: config.pmtaHttpPort,
      });
      const firewall = this.keep(
        new hcloud.Firewall(
          `${serverName}-firewall`,
          {
            name: `email-engine-${serverName}`,
            rules: rules.map((rule) => ({
              direction: "in",
              protocol: rule.protocol,
              port: rule.port,
              description: rule.description,
              sourceIps: pulumi.all(rule.sources.map((s) => this.resolveSource(s))),
            })),
          },
          parent,
        ),
      );
      this.keep(
        new hcloud.FirewallAttachment(
          `${serverName}-firewall`,
          { firewallId: firewall.id.apply(Number), serverIds: [handle.id] },
          parent,
        ),
      );
    }
    this.registerOutputs({});
  }

  private keep<R extends pulumi.Resource>(resource: R): R {
    this.declared.push(resource);
    return resource;
  }

  private resolveSource(source: string): pulumi.Input<string> {
    if (!source.startsWith("server:")) return source;
    const server = this.servers[source.slice("server:".length)];
    if (!server) throw new Error(`firewall source ${source} names no server`);
    return server.ipv4.apply((ip) => `${ip}/32`);
  }
}
