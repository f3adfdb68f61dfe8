// Cloudflare DNS records from the pure record specs, with allocated addresses filled in.
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { AddressBook, RecordSpec } from "../records.ts";

export class DnsRecords extends pulumi.ComponentResource {
  /** Every resource this component declared, in order (tests await their registration). */
  readonly declared: pulumi.Resource[] = [];
  readonly records: Record<string, cloudflare.DnsRecord> = {};

  constructor(
    name: string,
    args: {
      specs: readonly RecordSpec[];
      zones: Readonly<Record<string, string>>;
      addresses: pulumi.Output<AddressBook>;
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("email-engine:infra:DnsRecords", name, {}, opts);
    for (const spec of args.specs) {
      const zoneId = args.zones[spec.zone];
      if (!zoneId) throw new Error(`no Cloudflare zone id for ${spec.zone}`);
      this.records[spec.key] = new cloudflare.DnsRecord(
        spec.key,
        {
          zoneId,
          // FQDN without a trailing dot: what the API returns, so refreshes show no diff.
          name: spec.name,
          type: spec.type,
          ttl: spec.ttl,
          priority: spec.priority,
          content: args.addresses.apply((book) => spec.content(book)),
          // Mail hosts must resolve to the origin: never behind Cloudflare's proxy.
          proxied: false,
          comment: "managed by email-engine",
        },
        { parent: this },
      );
      this.declared.push(this.records[spec.key]!);
    }
    this.registerOutputs({});
  }
}
