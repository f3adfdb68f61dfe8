// The emulator in 1.x mode checks the HMAC-SHA1 signature as RequestAccessFilter 1.9.4 does
// (reference §1.2). The signature strings here are written out by hand.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import type { MailwizzEmulator } from "../../reconciler/mailwizz/emulator/index.ts";
import { raw } from "./raw.ts";

const PUBLIC = "a".repeat(40);
const PRIVATE = "b".repeat(40);
const NOW = new Date("2026-11-24T20:00:00Z");
const TS = String(NOW.getTime() / 1000);

let emu: MailwizzEmulator;
let host: string;
const hmac = (text: string) => createHmac("sha1", PRIVATE).update(text).digest("hex");
const headers = (signature: string, ts = TS) => ({
  "X-MW-PUBLIC-KEY": PUBLIC,
  "X-MW-TIMESTAMP": ts,
  "X-MW-REMOTE-ADDR": "",
  "X-MW-SIGNATURE": signature,
});

beforeAll(async () => {
  emu = await startMailwizzEmulator({
    access: { version: "1.x", publicKey: PUBLIC, privateKey: PRIVATE },
    now: () => NOW,
  });
  host = `127.0.0.1:${emu.port}`;
});
afterAll(async () => emu.close());

describe("1.x signed requests", () => {
  it("accepts a GET signed over the sorted query and the X-MW params", async () => {
    const text = `GET http://${host}/api/index.php/lists?page=1&per_page=10&X-MW-PUBLIC-KEY=${PUBLIC}&X-MW-REMOTE-ADDR=&X-MW-TIMESTAMP=${TS}`;
    const res = await raw(`http://${host}/api/index.php/lists?per_page=10&page=1`, {
      headers: headers(hmac(text)),
    });
    expect(res.status).toBe(200);
  });

  it("accepts a GET without query (one '?' only)", async () => {
    const text = `GET http://${host}/api/index.php/lists?X-MW-PUBLIC-KEY=${PUBLIC}&X-MW-REMOTE-ADDR=&X-MW-TIMESTAMP=${TS}`;
    expect((await raw(`http://${host}/api/index.php/lists`, { headers: headers(hmac(text)) })).status).toBe(
      200,
    );
  });

  it("signs POST body params, byte-sorted (uppercase before lowercase), RFC 1738 encoded", async () => {
    const body =
      "general%5Bname%5D=Signed+list&general%5Bdescription%5D=d%27s+%2A&defaults%5Bfrom_name%5D=Ac&defaults%5Bfrom_email%5D=a%40b.example&defaults%5Breply_to%5D=a%40b.example&company%5Bname%5D=C&company%5Bcountry%5D=France&company%5Baddress_1%5D=1&company%5Bcity%5D=P&company%5Bzip_code%5D=75001&company%5Baddress_format%5D=x";
    const sorted =
      `X-MW-PUBLIC-KEY=${PUBLIC}&X-MW-REMOTE-ADDR=&X-MW-TIMESTAMP=${TS}&` +
      "company%5Bname%5D=C&company%5Bcountry%5D=France&company%5Baddress_1%5D=1&company%5Bcity%5D=P&company%5Bzip_code%5D=75001&company%5Baddress_format%5D=x&" +
      "defaults%5Bfrom_name%5D=Ac&defaults%5Bfrom_email%5D=a%40b.example&defaults%5Breply_to%5D=a%40b.example&" +
      "general%5Bname%5D=Signed+list&general%5Bdescription%5D=d%27s+%2A";
    const text = `POST http://${host}/api/index.php/lists?${sorted}`;
    const res = await raw(`http://${host}/api/index.php/lists`, {
      method: "POST",
      headers: { ...headers(hmac(text)), "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(res.status).toBe(201);
  });

  it.each([
    [
      "a wrong signature",
      headers("0".repeat(40)),
      "Invalid API request signature. Please refer to the documentation.",
    ],
    [
      "no signature",
      { "X-MW-PUBLIC-KEY": PUBLIC, "X-MW-TIMESTAMP": TS },
      "Invalid API request params. Please refer to the documentation.",
    ],
    [
      "an X-Api-Key (2.x only)",
      { "X-Api-Key": PUBLIC },
      "Invalid API request params. Please refer to the documentation.",
    ],
    [
      "an unknown public key",
      { ...headers("x"), "X-MW-PUBLIC-KEY": "c".repeat(40) },
      "Invalid API key. Please refer to the documentation.",
    ],
  ])("refuses %s with 400", async (_name, h, error) => {
    const res = await raw(`http://${host}/api/index.php/lists`, { headers: h });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ status: "error", error });
  });

  it("refuses a request older than 900 s but accepts one from the future", async () => {
    const sign = (ts: string) =>
      hmac(
        `GET http://${host}/api/index.php/lists?X-MW-PUBLIC-KEY=${PUBLIC}&X-MW-REMOTE-ADDR=&X-MW-TIMESTAMP=${ts}`,
      );
    const old = String(Number(TS) - 901);
    const expired = await raw(`http://${host}/api/index.php/lists`, { headers: headers(sign(old), old) });
    expect(expired.json).toEqual({
      status: "error",
      error: "Your request expired. Please refer to the documentation.",
    });
    const future = String(Number(TS) + 3600);
    expect(
      (await raw(`http://${host}/api/index.php/lists`, { headers: headers(sign(future), future) })).status,
    ).toBe(200);
  });

  it("refuses a signature over the clean URL when the server uses index.php", async () => {
    const text = `GET http://${host}/api/lists?X-MW-PUBLIC-KEY=${PUBLIC}&X-MW-REMOTE-ADDR=&X-MW-TIMESTAMP=${TS}`;
    const res = await raw(`http://${host}/api/lists`, { headers: headers(hmac(text)) });
    expect(res.status).toBe(400);
  });
});
