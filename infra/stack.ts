// The whole infrastructure for one inventory: checks first (nothing is declared when they fail), then
// servers, sending IPs with PTRs, DNS records and bootstrap. Called by index.ts and by the tests after
// pulumi.runtime.setMocks, so no resource is created as an import side effect.
import * as pulumi from "@pulumi/pulumi";
import type { Inventory } from "../reconciler/inventory/types.gen.ts";
import { infraProblems } from "./checks.ts";
import { Bootstrap } from "./components/bootstrap.ts";
import { DnsRecords } from "./components/dns.ts";
import { SendingIps } from "./components/sending-ips.ts";
import { Servers } from "./components/servers.ts";
import type { AddressBook } from "./records.ts";
import { dnsRecords } from "./records.ts";
import type { DkimKeyInfo, InfraConfig } from "./types.ts";

export interface StackOutputs {
  /** Every resource declared, for tests that await registration. */
  readonly declared: readonly pulumi.Resource[];
  readonly servers: pulumi.Output<Record<string, { ipv4: string; hostname: string | undefined }>>;
  readonly sendingIps: pulumi.Output<{ vmta: string; address: string; hostname: string; ptr: string }[]>;
}

export function defineStack(
  inventory: Inventory,
  dkim: readonly DkimKeyInfo[],
  config: InfraConfig,
): StackOutputs {
  const problems = infraProblems(inventory, dkim, config);
  if (problems.length > 0) {
    // RunError prints the message without a stack trace: these are the operator's to fix.
    throw new pulumi.RunError(
      `the inventory cannot be deployed (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  const serverComponent = new Servers("servers", { inventory, config });
  const servers = serverComponent.servers;
  const ipComponent = new SendingIps("sending-ips", { inventory, servers });
  const ips = ipComponent.ips;
  const ipAddresses: Record<string, pulumi.Output<string>> = Object.fromEntries(
    ips.map((ip) => [ip.vmta, ip.address]),
  );
  const serverAddresses: Record<string, pulumi.Output<string>> = Object.fromEntries(
    Object.values(servers).map((s) => [s.name, s.ipv4]),
  );
  const addresses: pulumi.Output<AddressBook> = pulumi
    .all([pulumi.all(ipAddresses), pulumi.all(serverAddresses)])
    .apply(([ipBook, serverBook]): AddressBook => ({ ips: ipBook, servers: serverBook }));
  const zones = Object.keys(config.cloudflareZones);
  const dns = new DnsRecords("dns", {
    specs: dnsRecords(inventory, dkim, zones),
    zones: config.cloudflareZones,
    addresses,
  });
  const bootstrap = new Bootstrap("bootstrap", { inventory, config, servers, sendingIps: ips, dkim });
  return {
    declared: [serverComponent, ipComponent, dns, bootstrap].flatMap((c) => [c, ...c.declared]),
    servers: pulumi
      .all(Object.values(servers).map((s) => pulumi.all([s.name, s.ipv4, s.spec.hostname])))
      .apply((rows) => Object.fromEntries(rows.map(([name, ipv4, hostname]) => [name, { ipv4, hostname }]))),
    sendingIps: pulumi
      .all(ips.map((ip) => pulumi.all([ip.vmta, ip.address, ip.hostname, ip.ptr])))
      .apply((rows) => rows.map(([vmta, address, hostname, ptr]) => ({ vmta, address, hostname, ptr }))),
  };
}
