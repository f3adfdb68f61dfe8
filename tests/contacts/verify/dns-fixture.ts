// The loopback DNS zone the validator tests share: one name per situation of the address table.
import { TestDnsServer } from "../../peers/dns-server.ts";

export async function startContactDns(): Promise<TestDnsServer> {
  const dns = await TestDnsServer.start();
  const mx = (name: string, exchange = `mx.${name}`) => dns.set(name, "MX", [{ exchange, priority: 10 }]);
  for (const name of [
    "example.com",
    "acme.com",
    "gmail.com",
    "orange.fr",
    "gmial.com",
    "gmail.co",
    "yahooo.fr",
    "xn--bcher-kva.example",
    "a.b.c.example.com",
  ]) {
    mx(name);
  }
  dns.set("null-mx.example", "MX", [{ exchange: ".", priority: 0 }]);
  dns.set("a-only.example", "A", ["192.0.2.10"]);
  dns.set("aaaa-only.example", "AAAA", ["2001:db8::10"]);
  dns.set("no-mail.example", "TXT", [["v=spf1 -all"]]);
  dns.hang("servfail.example");
  return dns;
}
