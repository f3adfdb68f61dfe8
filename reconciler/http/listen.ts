// Where the HTTP server listens: loopback by default (the API has no authentication yet).
import { ConfigError } from "../errors.ts";

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_LISTEN: ListenAddress = { host: "127.0.0.1", port: 8080 };

/** Parses `--listen HOST:PORT` (`[::1]:8080` for IPv6; `:PORT` keeps the default host). */
export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]*)):([0-9]{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ConfigError(
      `--listen ${JSON.stringify(text)} is not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)`,
    );
  }
  const host = match[1] ?? (match[2] || DEFAULT_LISTEN.host);
  return { host, port };
}

/** The base URL of an address, for the start-up message. */
export function listenUrl(address: ListenAddress): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}`;
}
