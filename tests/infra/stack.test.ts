// The Pulumi program under pulumi.runtime.setMocks: no CLI, no cloud. defineStack is called after the
// mocks are installed, so nothing registers as an import side effect.
import { describe, expect, it } from "vitest";
import { defineStack } from "../../infra/stack.ts";
import type { Recorded } from "./mocks.ts";
import { clearInputs, installMocks, promiseOf, settled, unwrap } from "./mocks.ts";
import { dkimKeys, HOST_PRIVATE_KEY, infraConfig, loadInventory, SSH_PRIVATE_KEY } from "./fixtures.ts";
import type { Edit } from "../helpers/inventory.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";

async function run(edits: readonly Edit[] = [], bits = 2048) {
  const recorded = installMocks();
  const inventory = await loadInventory(edits);
  const dkim = dkimKeys(bits);
  const outputs = defineStack(inventory, dkim, infraConfig());
  await settled(outputs.declared);
  const sendingIps = await promiseOf(outputs.sendingIps);
  return { recorded, sendingIps, dkim };
}

const of = (recorded: readonly Recorded[], type: string) => recorded.filter((r) => r.type === `${type}`);
const byName = (recorded: readonly Recorded[], type: string) =>
  Object.fromEntries(of(recorded, type).map((r) => [r.name, unwrap(r.inputs) as Record<string, unknown>]));

const SIXTH_IP: Edit = {
  file: "late-ips.yaml",
  content:
    "ips:\n  - slot: floating-6\n    hostname: mail2.sos-mail.com\n    domain: sos-mail.com\n    vmta: pmta-vmta5\n    server: pmta\n    warmup: { start: 2026-12-14 }\n",
};

describe("infra: the example inventory (pulumi mocks)", () => {
  it("declares exactly these resources", async () => {
    const { recorded } = await run();
    const names = recorded.map((r) => `${r.type} ${r.name}`).sort();
    const expected = [
      "email-engine:infra:Bootstrap bootstrap",
      "email-engine:infra:DnsRecords dns",
      "email-engine:infra:SendingIps sending-ips",
      "email-engine:infra:Servers servers",
      "hcloud:index/sshKey:SshKey operator-0",
      "hcloud:index/server:Server engine",
      "hcloud:index/server:Server mailwizz",
      "hcloud:index/server:Server pmta",
      "hcloud:index/primaryIp:PrimaryIp mailwizz-ipv4",
      "hcloud:index/primaryIp:PrimaryIp pmta-ipv4",
      "hcloud:index/rdns:Rdns mailwizz-ipv4-ptr",
      "hcloud:index/rdns:Rdns pmta-ipv4-ptr",
      ...["engine", "mailwizz", "pmta"].flatMap((s) => [
        `hcloud:index/firewall:Firewall ${s}-firewall`,
        `hcloud:index/firewallAttachment:FirewallAttachment ${s}-firewall`,
      ]),
      ...[0, 1, 2, 3, 4].flatMap((i) => [
        `hcloud:index/floatingIp:FloatingIp pmta-vmta${i}`,
        `hcloud:index/floatingIpAssignment:FloatingIpAssignment pmta-vmta${i}`,
        `hcloud:index/rdns:Rdns pmta-vmta${i}-ptr`,
      ]),
      "command:remote:Command mailwizz-stack",
      "command:remote:Command pmta-floating-ips",
      "command:remote:CopyToRemote pmta-pmta-package",
      "command:remote:CopyToRemote pmta-pmta-license",
      "command:remote:Command pmta-pmta-install",
      ...[
        "expat-connect.com",
        "expat-services.com",
        "global-expat.com",
        "sos-mail.com",
        "ulixai-mail.com",
      ].map((d) => `command:remote:Command pmta-dkim-${d}-ee1`),
      ...[
        "expat-connect.com",
        "expat-services.com",
        "global-expat.com",
        "sos-mail.com",
        "ulixai-mail.com",
      ].flatMap((d) => [
        `cloudflare:index/dnsRecord:DnsRecord ${d}/TXT/${d}`,
        `cloudflare:index/dnsRecord:DnsRecord ${d}/TXT/ee1._domainkey.${d}`,
        `cloudflare:index/dnsRecord:DnsRecord ${d}/TXT/_dmarc.${d}`,
        `cloudflare:index/dnsRecord:DnsRecord ${d}/MX/${d}/mx.${d}`,
        `cloudflare:index/dnsRecord:DnsRecord ${d}/A/mail1.${d}`,
      ]),
      "cloudflare:index/dnsRecord:DnsRecord sos-mail.com/A/engine.sos-mail.com",
      "cloudflare:index/dnsRecord:DnsRecord sos-mail.com/A/mw.sos-mail.com",
      "cloudflare:index/dnsRecord:DnsRecord sos-mail.com/A/pmta.sos-mail.com",
    ].sort();
    expect(names).toEqual(expected);
  });

  it("adopts the running engine server by id instead of creating it", async () => {
    const { recorded } = await run();
    const engine = of(recorded, "hcloud:index/server:Server").find((r) => r.name === "engine");
    expect(engine?.inputs).toEqual({});
    expect(of(recorded, "hcloud:index/primaryIp:PrimaryIp").map((r) => r.name)).not.toContain("engine-ipv4");
  });

  it("gives every floating IP a PTR equal to its inventory hostname, and each server's primary IP its hostname", async () => {
    const { recorded, sendingIps } = await run();
    const ptrs = byName(recorded, "hcloud:index/rdns:Rdns");
    expect(Object.fromEntries(Object.entries(ptrs).map(([n, r]) => [n, [r.dnsPtr, r.ipAddress]]))).toEqual({
      "mailwizz-ipv4-ptr": ["mw.sos-mail.com", "198.51.100.101"],
      "pmta-ipv4-ptr": ["pmta.sos-mail.com", "198.51.100.102"],
      "pmta-vmta0-ptr": ["mail1.sos-mail.com", "192.0.2.1"],
      "pmta-vmta1-ptr": ["mail1.ulixai-mail.com", "192.0.2.2"],
      "pmta-vmta2-ptr": ["mail1.expat-services.com", "192.0.2.3"],
      "pmta-vmta3-ptr": ["mail1.expat-connect.com", "192.0.2.4"],
      "pmta-vmta4-ptr": ["mail1.global-expat.com", "192.0.2.5"],
    });
    expect(sendingIps).toEqual([
      { vmta: "pmta-vmta0", address: "192.0.2.1", hostname: "mail1.sos-mail.com", ptr: "mail1.sos-mail.com" },
      {
        vmta: "pmta-vmta1",
        address: "192.0.2.2",
        hostname: "mail1.ulixai-mail.com",
        ptr: "mail1.ulixai-mail.com",
      },
      {
        vmta: "pmta-vmta2",
        address: "192.0.2.3",
        hostname: "mail1.expat-services.com",
        ptr: "mail1.expat-services.com",
      },
      {
        vmta: "pmta-vmta3",
        address: "192.0.2.4",
        hostname: "mail1.expat-connect.com",
        ptr: "mail1.expat-connect.com",
      },
      {
        vmta: "pmta-vmta4",
        address: "192.0.2.5",
        hostname: "mail1.global-expat.com",
        ptr: "mail1.global-expat.com",
      },
    ]);
  });

  it("assigns every floating IP to the PowerMTA server", async () => {
    const { recorded } = await run();
    const pmta = of(recorded, "hcloud:index/server:Server").find((r) => r.name === "pmta");
    expect(pmta).toBeDefined();
    const assignments = of(recorded, "hcloud:index/floatingIpAssignment:FloatingIpAssignment").map(
      (r) => unwrap(r.inputs) as { serverId: number },
    );
    expect(assignments).toHaveLength(5);
    expect(assignments.map((a) => a.serverId)).toEqual(Array(5).fill(Number(pmta!.id)));
    const floating = of(recorded, "hcloud:index/floatingIp:FloatingIp").map((r) => Number(r.id));
    expect(assignments.map((a) => (a as unknown as { floatingIpId: number }).floatingIpId).sort()).toEqual(
      floating.sort(),
    );
  });

  it("publishes one SPF per domain listing exactly its IPs, the DKIM public half, DMARC without pct, and MX", async () => {
    const { recorded, dkim } = await run();
    const records = byName(recorded, "cloudflare:index/dnsRecord:DnsRecord");
    expect(records["sos-mail.com/TXT/sos-mail.com"]).toMatchObject({
      name: "sos-mail.com",
      type: "TXT",
      content: "v=spf1 ip4:192.0.2.1 -all",
      ttl: 3600,
      proxied: false,
      zoneId: "zone-3",
    });
    expect(records["ulixai-mail.com/TXT/ulixai-mail.com"]?.content).toBe("v=spf1 ip4:192.0.2.2 -all");
    const key = dkim.find((k) => k.domain === "sos-mail.com")!;
    expect(records["sos-mail.com/TXT/ee1._domainkey.sos-mail.com"]?.content).toBe(
      `v=DKIM1; k=rsa; p=${key.publicKey}`,
    );
    expect(records["sos-mail.com/TXT/_dmarc.sos-mail.com"]?.content).toBe(
      "v=DMARC1; p=none; rua=mailto:dmarc@sos-mail.com; adkim=r; aspf=r",
    );
    expect(records["sos-mail.com/MX/sos-mail.com/mx.sos-mail.com"]).toMatchObject({
      type: "MX",
      content: "mx.sos-mail.com",
      priority: 10,
    });
    expect(records["sos-mail.com/A/mail1.sos-mail.com"]?.content).toBe("192.0.2.1");
    expect(records["sos-mail.com/A/mw.sos-mail.com"]?.content).toBe("198.51.100.101");
    expect(records["sos-mail.com/A/engine.sos-mail.com"]?.content).toBe("198.51.100.10");
  });

  it("publishes the DMARC report authorization when reports go to another managed domain", async () => {
    const { recorded } = await run([
      {
        file: "domains.yaml",
        replace: 'rua: "mailto:dmarc@ulixai-mail.com"',
        with: 'rua: "mailto:reports@sos-mail.com"',
      },
    ]);
    const records = byName(recorded, "cloudflare:index/dnsRecord:DnsRecord");
    expect(records["sos-mail.com/TXT/ulixai-mail.com._report._dmarc.sos-mail.com"]).toMatchObject({
      zoneId: "zone-3",
      name: "ulixai-mail.com._report._dmarc.sos-mail.com",
      content: "v=DMARC1",
    });
  });

  it("opens only what each role needs", async () => {
    const { recorded } = await run();
    const firewalls = byName(recorded, "hcloud:index/firewall:Firewall");
    const summary = (name: string) =>
      (firewalls[name]?.rules as { protocol: string; port?: string; sourceIps: string[] }[]).map(
        (r) => `${r.protocol}/${r.port ?? "-"} from ${r.sourceIps.join(",")}`,
      );
    expect(summary("pmta-firewall")).toEqual([
      "icmp/- from 0.0.0.0/0,::/0",
      "tcp/22 from 198.51.100.0/28,198.51.100.10/32",
      "tcp/587 from 198.51.100.101/32,198.51.100.10/32",
      "tcp/8080 from 198.51.100.10/32",
    ]);
    expect(summary("mailwizz-firewall")).toEqual([
      "icmp/- from 0.0.0.0/0,::/0",
      "tcp/22 from 198.51.100.0/28,198.51.100.10/32",
      "tcp/80 from 0.0.0.0/0,::/0",
      "tcp/443 from 0.0.0.0/0,::/0",
    ]);
    expect(summary("engine-firewall")).toEqual(["icmp/- from 0.0.0.0/0,::/0", "tcp/22 from 198.51.100.0/28"]);
  });

  it("keeps every secret out of inputs that are not marked secret", async () => {
    const { recorded, dkim } = await run();
    const clear = JSON.stringify(recorded.map((r) => clearInputs(r.inputs)));
    const secrets = [
      SSH_PRIVATE_KEY,
      HOST_PRIVATE_KEY,
      "operator-key-material",
      "host-key-material",
      "BEGIN RSA PRIVATE KEY",
    ];
    for (const secret of secrets) expect(clear).not.toContain(secret);
    // …and they are there, wrapped as secrets, where they are needed.
    const all = JSON.stringify(recorded.map((r) => unwrap(r.inputs)));
    expect(all).toContain("operator-key-material");
    expect(all).toContain("host-key-material");
    const pem = await promiseOf(dkim[0]!.privateKeyPem!);
    expect(all).toContain(JSON.stringify(pem).slice(1, 60));
  });

  it("sends DKIM keys and scripts on stdin, never in the command line", async () => {
    const { recorded } = await run();
    for (const cmd of of(recorded, "command:remote:Command")) {
      const create = unwrap(cmd.inputs.create) as string;
      expect(create).not.toMatch(/PRIVATE KEY|apt-get/);
    }
    const dkim = of(recorded, "command:remote:Command").find((r) => r.name === "pmta-dkim-sos-mail.com-ee1");
    expect(unwrap(dkim?.inputs.create)).toBe(
      "umask 077 && install -d -m 0750 -o pmta -g pmta /etc/pmta/dkim && cat > /etc/pmta/dkim/sos-mail.com.ee1.pem.tmp && chown pmta:pmta /etc/pmta/dkim/sos-mail.com.ee1.pem.tmp && chmod 0600 /etc/pmta/dkim/sos-mail.com.ee1.pem.tmp && mv -f /etc/pmta/dkim/sos-mail.com.ee1.pem.tmp /etc/pmta/dkim/sos-mail.com.ee1.pem",
    );
    const conn = unwrap(dkim?.inputs.connection) as { hostKey: string; host: string };
    expect(conn).toMatchObject({
      hostKey: "ssh-ed25519 AAAAhost-pmta",
      host: "198.51.100.102",
      user: "root",
    });
  });
});

describe("infra: adding a sixth IP (pulumi mocks)", () => {
  it("adds one floating IP, one assignment, one PTR, one A record, and changes one SPF", async () => {
    const before = await run();
    const after = await run([SIXTH_IP]);
    const keys = (r: readonly Recorded[]) => new Set(r.map((x) => `${x.type} ${x.name}`));
    const added = [...keys(after.recorded)].filter((k) => !keys(before.recorded).has(k)).sort();
    expect(added).toEqual([
      "cloudflare:index/dnsRecord:DnsRecord sos-mail.com/A/mail2.sos-mail.com",
      "hcloud:index/floatingIp:FloatingIp pmta-vmta5",
      "hcloud:index/floatingIpAssignment:FloatingIpAssignment pmta-vmta5",
      "hcloud:index/rdns:Rdns pmta-vmta5-ptr",
    ]);
    const spf = (r: readonly Recorded[]) =>
      Object.fromEntries(
        of(r, "cloudflare:index/dnsRecord:DnsRecord")
          .filter((x) => (unwrap(x.inputs) as { content: string }).content.startsWith("v=spf1"))
          .map((x) => [x.name, (unwrap(x.inputs) as { content: string }).content]),
      );
    const changed = Object.keys(spf(after.recorded)).filter(
      (k) => spf(after.recorded)[k] !== spf(before.recorded)[k],
    );
    expect(changed).toEqual(["sos-mail.com/TXT/sos-mail.com"]);
    expect(spf(after.recorded)["sos-mail.com/TXT/sos-mail.com"]).toBe(
      "v=spf1 ip4:192.0.2.1 ip4:192.0.2.6 -all",
    );
  });
});

describe("infra: refusing an undeployable inventory before any resource (pulumi mocks)", () => {
  async function refusal(
    mutate: (inv: Inventory) => Inventory,
    bits = 2048,
    config = infraConfig(),
  ): Promise<string> {
    const recorded = installMocks();
    const inventory = mutate(structuredClone<Inventory>(await loadInventory()));
    let message = "";
    try {
      defineStack(inventory, dkimKeys(bits), config);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(recorded).toEqual([]);
    return message;
  }

  it("an SPF over 10 lookups", async () => {
    const includes = Array.from({ length: 11 }, (_, i) => `spf${i}.example.com`);
    const message = await refusal((inv) => {
      (inv.domains["sos-mail.com"]!.spf as { include?: string[] }).include = includes;
      return inv;
    });
    expect(message).toContain(
      'domains["sos-mail.com"].spf.include: 11 includes would take the SPF record over 10 DNS lookups (receivers answer permerror)',
    );
  });

  it("a PTR not under the IP's domain, and an IP without a PTR", async () => {
    const message = await refusal((inv) => {
      (inv.ips[1] as { hostname: string }).hostname = "mail1.example.net";
      (inv.ips[2] as { hostname: string }).hostname = "";
      return inv;
    });
    expect(message).toContain(
      "ips[1] (pmta-vmta1).hostname: the PTR mail1.example.net is not under the IP's domain ulixai-mail.com",
    );
    expect(message).toContain("ips[2] (pmta-vmta2): no hostname, so no PTR");
  });

  it("a DKIM key under 1024 bits, a missing key, a missing zone, an adoption without id — all at once", async () => {
    const config = infraConfig({ cloudflareZones: { "sos-mail.com": "zone-3" }, adopt: {} });
    const message = await refusal((inv) => inv, 512, config);
    expect(message).toMatch(/^the inventory cannot be deployed \(10 problems\):/);
    expect(message).toContain(
      'domains["sos-mail.com"].dkim: the key for selector ee1 has 512 bits; receivers require at least 1024',
    );
    expect(message).toContain(
      `domains["ulixai-mail.com"]: no Cloudflare zone id for ulixai-mail.com; set it with \`pulumi config set --path 'cloudflareZones["ulixai-mail.com"]' ZONE_ID\``,
    );
    expect(message).toContain("servers.engine: marked `adopt: true` but no server id to adopt");
  });
});
