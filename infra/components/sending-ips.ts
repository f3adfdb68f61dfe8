// Sending IPs: one floating IP per inventory IP, assigned to its PowerMTA server, with a PTR equal to
// the inventory hostname. Floating rather than primary: a warmed IP must survive its server and can
// move to another host.
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import type { ServerHandle } from "./servers.ts";

export interface SendingIpHandle {
  readonly vmta: string;
  readonly hostname: string;
  readonly server: string;
  readonly address: pulumi.Output<string>;
  readonly ptr: pulumi.Output<string>;
}

export class SendingIps extends pulumi.ComponentResource {
  /** Every resource this component declared, in order (tests await their registration). */
  readonly declared: pulumi.Resource[] = [];
  readonly ips: SendingIpHandle[] = [];

  constructor(
    name: string,
    args: { inventory: Inventory; servers: Readonly<Record<string, ServerHandle>> },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("email-engine:infra:SendingIps", name, {}, opts);
    const parent = { parent: this };
    const sorted = [...args.inventory.ips].sort((a, b) => (a.vmta < b.vmta ? -1 : 1));
    for (const ip of sorted) {
      const server = args.servers[ip.server];
      if (!server) throw new Error(`ips ${ip.vmta}: server ${ip.server} is not declared`);
      const type = ip.address?.includes(":") ? "ipv6" : "ipv4";
      const floating = this.keep(
        new hcloud.FloatingIp(
          ip.vmta,
          {
            name: ip.vmta,
            type,
            homeLocation: server.spec.location,
            description: `${ip.hostname} (${ip.domain})`,
            labels: { "email-engine/vmta": ip.vmta },
          },
          // A floating IP carries months of warm-up: never deleted by accident.
          { ...parent, protect: true },
        ),
      );
      this.keep(
        new hcloud.FloatingIpAssignment(
          ip.vmta,
          { floatingIpId: floating.id.apply(Number), serverId: server.id },
          parent,
        ),
      );
      const rdns = this.keep(
        new hcloud.Rdns(
          `${ip.vmta}-ptr`,
          { floatingIpId: floating.id.apply(Number), ipAddress: floating.ipAddress, dnsPtr: ip.hostname },
          parent,
        ),
      );
      this.ips.push({
        vmta: ip.vmta,
        hostname: ip.hostname,
        server: ip.server,
        address: floating.ipAddress,
        ptr: rdns.dnsPtr,
      });
    }
    this.registerOutputs({});
  }

  private keep<R extends pulumi.Resource>(resource: R): R {
    this.declared.push(resource);
    return resource;
  }
}
