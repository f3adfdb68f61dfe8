// The one way the monitors talk to DNS: a node:dns Resolver pointed at servers from the inventory or
// the command line (never a built-in public resolver: blocklists refuse those, and a check must ask the
// resolver the operators chose). Answers come back as tagged outcomes, so "no such name" and "could
// not ask" can never be confused by a caller.
import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { ConfigError } from "../errors.ts";

export interface ResolverOptions {
  /** HOST:PORT or [V6]:PORT or a bare address (port 53). */
  readonly servers: readonly string[];
  /** Per-try timeout in milliseconds. */
  readonly timeoutMs: number;
  readonly tries: number;
}

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_TRIES = 2;

export type RecordType = "A" | "AAAA" | "MX" | "TXT" | "PTR";

export interface MxAnswer {
  readonly exchange: string;
  readonly priority: number;
}

interface Answers {
  A: string[];
  AAAA: string[];
  MX: MxAnswer[];
  TXT: string[][];
  PTR: string[];
}

/**
 * ok: records (maybe empty list never happens: an empty answer is nodata);
 * nxdomain: the name does not exist; nodata: it exists without records of this type;
 * error: could not get an answer (timeout, SERVFAIL, refused…): `code` is the c-ares code.
 */
export type Outcome<T> =
  | { readonly kind: "ok"; readonly records: T }
  | { readonly kind: "nxdomain" }
  | { readonly kind: "nodata" }
  | { readonly kind: "error"; readonly code: string };

export interface DnsClient {
  query<K extends RecordType>(name: string, type: K): Promise<Outcome<Answers[K]>>;
  /** Node-style resolve(name, type) that throws ENOTFOUND/ENODATA/ETIMEOUT…, for mailauth. */
  resolveRaw(name: string, type: string): Promise<unknown>;
  /** The servers asked, for reports. */
  readonly servers: readonly string[];
}

/** Validates HOST:PORT (IPv4), [IPv6]:PORT or a bare IP. Names are refused: no resolver to resolve them. */
export function parseServer(text: string): string {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(text);
  const v4 = /^([0-9.]+)(?::(\d{1,5}))?$/.exec(text);
  const bare = isIP(text) === 6 ? [text, text, undefined] : undefined;
  const match = v6 ?? v4 ?? bare;
  const host = match?.[1];
  const port = match?.[2] === undefined ? 53 : Number(match[2]);
  if (host === undefined || isIP(host) === 0 || !(port >= 1 && port <= 65535)) {
    throw new ConfigError(
      `invalid resolver ${JSON.stringify(text)}: use an IP address with an optional port, e.g. 127.0.0.1:53 or [::1]:5353`,
    );
  }
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

const NOT_FOUND = new Set(["ENOTFOUND"]);
const NO_DATA = new Set(["ENODATA"]);

export function createDnsClient(options: ResolverOptions): DnsClient {
  if (options.servers.length === 0) {
    throw new ConfigError(
      "no DNS resolver configured: give --resolver HOST:PORT or set monitoring.resolvers in the inventory",
    );
  }
  const servers = options.servers.map(parseServer);
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: options.tries });
  resolver.setServers([...servers]);
  // c-ares backs off between tries; this outer deadline keeps "within the timeout" true whatever it does.
  const deadlineMs = options.timeoutMs * options.tries * 2 + 100;

  const raw = async (name: string, type: string): Promise<unknown> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`DNS ${type} timed out`), { code: "ETIMEOUT" })),
        deadlineMs,
      );
    });
    try {
      return await Promise.race([resolveOne(resolver, name, type), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    servers,
    resolveRaw: raw,
    async query<K extends RecordType>(name: string, type: K): Promise<Outcome<Answers[K]>> {
      try {
        const records = (await raw(name, type)) as Answers[K];
        return records.length === 0 ? { kind: "nodata" } : { kind: "ok", records };
      } catch (error) {
        const code = errorCode(error);
        if (NOT_FOUND.has(code)) return { kind: "nxdomain" };
        if (NO_DATA.has(code)) return { kind: "nodata" };
        return { kind: "error", code };
      }
    },
  };
}

function resolveOne(resolver: Resolver, name: string, type: string): Promise<unknown> {
  switch (type) {
    case "A":
      return resolver.resolve4(name);
    case "AAAA":
      return resolver.resolve6(name);
    case "MX":
      return resolver.resolveMx(name);
    case "TXT":
      return resolver.resolveTxt(name);
    case "PTR":
      return resolver.resolvePtr(name);
    default:
      return Promise.reject(Object.assign(new Error(`unsupported type ${type}`), { code: "ENOTIMP" }));
  }
}

/** The c-ares code only: messages carry the queried name, which may hold a DQS key. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "EUNKNOWN";
}

/** Lower case, without the trailing dot. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** The in-addr.arpa / ip6.arpa labels of an address, without the suffix (RFC 5782 §2.1, §2.4). */
export function reversedLabels(address: string): string {
  if (isIP(address) === 4) return address.split(".").reverse().join(".");
  if (isIP(address) === 6) return expandIpv6(address).replace(/:/g, "").split("").reverse().join(".");
  throw new ConfigError(`not an IP address: ${JSON.stringify(address)}`);
}

export function reverseName(address: string): string {
  return `${reversedLabels(address)}.${isIP(address) === 4 ? "in-addr.arpa" : "ip6.arpa"}`;
}

function expandIpv6(address: string): string {
  return ipaddr.IPv6.parse(address)
    .parts.map((g) => g.toString(16).padStart(4, "0"))
    .join(":");
}
