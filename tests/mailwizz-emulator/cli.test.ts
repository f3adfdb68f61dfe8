// `email-engine emulate mailwizz` (integration): prints a base URL that answers like MailWizz, and
// takes fault orders over HTTP.
import { describe, expect, it } from "vitest";
import { emulateMailwizzCommand } from "../../reconciler/cli/emulate.ts";
import { raw } from "./raw.ts";

describe("emulateMailwizzCommand", () => {
  it("serves on 127.0.0.1 with the given key until stopped", async () => {
    const lines: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    let announced!: (url: string) => void;
    const url = new Promise<string>((resolve) => (announced = resolve));
    const output = {
      out: (text: string) => {
        lines.push(text);
        const m = /listening on (\S+)/.exec(text);
        if (m) announced(m[1]!);
      },
      err: (text: string) => lines.push(text),
    };
    const run = emulateMailwizzCommand({ port: 0, apiKey: "cli-key" }, output, stopped);
    const base = await url;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/index\.php$/);
    expect((await raw(`${base}/lists`, { headers: { "X-Api-Key": "cli-key" } })).status).toBe(200);
    expect((await raw(`${base}/lists`, { headers: { "X-Api-Key": "other" } })).status).toBe(400);
    const origin = new URL(base).origin;
    const order = await raw(`${origin}/__emulator/fail?count=1&status=503`, {
      method: "POST",
      headers: { "X-Api-Key": "cli-key" },
    });
    expect(order.status).toBe(200);
    expect((await raw(`${base}/lists`, { headers: { "X-Api-Key": "cli-key" } })).status).toBe(503);
    expect((await raw(`${base}/lists`, { headers: { "X-Api-Key": "cli-key" } })).status).toBe(200);
    stop();
    expect(await run).toBe(0);
    expect(lines.join("\n")).not.toContain("cli-key");
    expect(lines.at(-1)).toBe("MailWizz emulator stopped");
  });

  it("refuses a bad port", async () => {
    await expect(emulateMailwizzCommand({ port: 70_000 }, { out: () => {}, err: () => {} })).rejects.toThrow(
      "--port must be an integer from 0 to 65535, got 70000",
    );
  });
});
