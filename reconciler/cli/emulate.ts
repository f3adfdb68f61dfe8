// `email-engine emulate mailwizz`: the MailWizz 2.x contract emulator on 127.0.0.1, until SIGINT/SIGTERM,
// so that curl or another client can be pointed at it.
import { randomBytes } from "node:crypto";
import { ConfigError } from "../errors.ts";
import { startMailwizzEmulator } from "../mailwizz/emulator/index.ts";
import type { Output } from "./output.ts";

export interface EmulateMailwizzOptions {
  readonly port?: number;
  readonly apiKey?: string;
}

/** Runs until SIGINT/SIGTERM, or until `stop` settles (tests). */
export async function emulateMailwizzCommand(
  opts: EmulateMailwizzOptions,
  output: Output,
  stop?: Promise<unknown>,
): Promise<number> {
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new ConfigError(`--port must be an integer from 0 to 65535, got ${String(opts.port)}`);
  if (opts.apiKey !== undefined && opts.apiKey.trim() === "")
    throw new ConfigError("--api-key must not be empty");
  // A generated key is the emulator's own throwaway credential, so it is printed for the user's curl.
  const generated = opts.apiKey === undefined;
  const apiKey = opts.apiKey ?? randomBytes(20).toString("hex");
  const emulator = await startMailwizzEmulator({
    access: { version: "2.x", apiKey },
    port,
    recordRequests: false,
  });
  output.out(`MailWizz emulator listening on ${emulator.baseUrl}`);
  output.out(generated ? `API key: ${apiKey}` : "API key: the one given with --api-key");
  output.out(`Try: curl -H 'X-Api-Key: <key>' ${emulator.baseUrl}/lists`);
  output.out(
    `Faults: curl -X POST -H 'X-Api-Key: <key>' 'http://${new URL(emulator.baseUrl).host}/__emulator/fail?count=2&status=503'`,
  );
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
    stop?.then(done, done);
  });
  await emulator.close();
  output.out("MailWizz emulator stopped");
  return 0;
}
