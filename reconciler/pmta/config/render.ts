// The two renderers the deployer calls: the main config (no secret in it) and the SMTP users file
// (the only file that holds the password; the deployer writes it with mode 0600, never to the repo).
import { ConfigError } from "../../errors.ts";
import type { RenderPmtaInput } from "./build.ts";
import { buildPmtaConfig, GENERATED_LINE } from "./build.ts";
import { block, comment, directive } from "./model.ts";
import { serializePmtaConfig } from "./serialize.ts";
import { DEFAULT_PMTA_SETTINGS } from "./settings.ts";

/** The host's /etc/pmta/config: pure and deterministic (same input, same bytes). */
export function renderPmtaConfig(input: RenderPmtaInput): string {
  return serializePmtaConfig(buildPmtaConfig(input).nodes);
}

/**
 * The file included by the main config with the <smtp-user>. The password is checked without ever
 * being echoed: PowerMTA has no quoting, so '#' would start a comment and blanks would split it.
 */
export function renderSmtpUsers(
  user: string,
  password: string,
  source: string = DEFAULT_PMTA_SETTINGS.authSource,
): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(user)) {
    throw new ConfigError(
      `SMTP user name ${JSON.stringify(user)} is not valid: letters, digits, '.', '_', '@', '-'`,
    );
  }
  if (password.length < 12)
    throw new ConfigError(`the SMTP password of ${user} is too short (12 characters at least)`);
  if (/[#\s]/.test(password) || /[^\x21-\x7e]/.test(password)) {
    throw new ConfigError(
      `the SMTP password of ${user} contains '#', a blank or a non-ASCII character, which PowerMTA cannot read`,
    );
  }
  return serializePmtaConfig([
    comment(GENERATED_LINE),
    comment("holds a password: mode 0600, owner pmta; never commit it"),
    block("smtp-user", user, [
      directive("password", password),
      directive("authentication-method", "password"),
      directive("source", source),
    ]),
  ]);
}
