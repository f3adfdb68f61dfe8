// The resolver wrapper: server syntax, reverse names, and the four outcomes from a real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDnsClient, parseServer, reverseName } from "../../reconciler/dns/resolver.ts";
import { ConfigError } from "../../reconciler/errors.ts";
import { TestDnsServer } from "../peers/dns-server.ts";

let server: TestDnsServer;
beforeAll(async () => {
  server = await TestDnsServer.start();
});
afterAll(async () => {
  await server.close();
});

describe("resolver", () => {
  it.each([
    ["127.0.0.1:5353", "127.0.0.1:5353"],
    ["10.0.0.53", "10.0.0.53:53"],
    ["[::1]:5353", "[::1]:5353"],
    ["::1", "[::1]:53"],
  ])("parseServer(%s) = %s", (text, expected) => {
    expect(parseServer(text)).toBe(expected);
  });

  it.each(["dns.google", "8.8.8:53", "127.0.0.1:70000", ""])("parseServer(%j) is a config error", (text) => {
    expect(() => parseServer(text)).toThrow(ConfigError);
  });

  it.each([
    ["192.0.2.99", "99.2.0.192.in-addr.arpa"],
    ["2001:db8::1", `1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa`],
  ])("reverseName(%s)", (address, name) => {
    expect(reverseName(address)).toBe(name);
  });

  it("tells ok, nodata, nxdomain and error apart", async () => {
    server.set("host.example.test", "A", ["192.0.2.1"]).set("txt.example.test", "TXT", [["a", "b"], ["c"]]);
    server.hang("hung.example.test");
    const dns = createDnsClient({ servers: [server.address], timeoutMs: 200, tries: 1 });
    expect(await dns.query("host.example.test", "A")).toEqual({ kind: "ok", records: ["192.0.2.1"] });
    expect(await dns.query("txt.example.test", "TXT")).toEqual({ kind: "ok", records: [["a", "b"], ["c"]] });
    expect(await dns.query("host.example.test", "MX")).toEqual({ kind: "nodata" });
    expect(await dns.query("example.test", "A")).toEqual({ kind: "nodata" });
    expect(await dns.query("nothing.example.test", "A")).toEqual({ kind: "nxdomain" });
    const started = Date.now();
    expect(await dns.query("x.hung.example.test", "A")).toEqual({ kind: "error", code: "ETIMEOUT" });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
