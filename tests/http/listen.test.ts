import { describe, expect, it } from "vitest";
import { ConfigError } from "../../reconciler/errors.ts";
import { DEFAULT_LISTEN, listenUrl, parseListen } from "../../reconciler/http/index.ts";

describe("--listen HOST:PORT", () => {
  it.each([
    ["127.0.0.1:8080", { host: "127.0.0.1", port: 8080 }, "http://127.0.0.1:8080"],
    ["0.0.0.0:9100", { host: "0.0.0.0", port: 9100 }, "http://0.0.0.0:9100"],
    ["localhost:0", { host: "localhost", port: 0 }, "http://localhost:0"],
    ["[::1]:8080", { host: "::1", port: 8080 }, "http://[::1]:8080"],
    [":9000", { host: "127.0.0.1", port: 9000 }, "http://127.0.0.1:9000"],
  ])("parses %s", (text, address, url) => {
    expect(parseListen(text)).toEqual(address);
    expect(listenUrl(parseListen(text))).toBe(url);
  });

  it.each(["8080", "127.0.0.1", "127.0.0.1:70000", "::1:8080", "host:port", "a b:80", ""])(
    "refuses %j as a config error",
    (text) => {
      expect(() => parseListen(text)).toThrow(ConfigError);
    },
  );

  it("defaults to loopback on 8080", () => {
    expect(DEFAULT_LISTEN).toEqual({ host: "127.0.0.1", port: 8080 });
  });
});
