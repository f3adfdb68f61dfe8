// Validator options from the inventory (contacts.verification, monitoring.resolvers) and command-line
// flags, flags winning. The probe identity is checked here, once: it must be a name of its own, not a
// sending IP's hostname (a probe from a sending identity spends its reputation: deliverability.md §6.1).
import { parseServer } from "../../dns/resolver.ts";
import { ConfigError } from "../../errors.ts";
import type { Inventory } from "../../inventory/types.gen.ts";
import type { ValidatorOptions } from "./index.ts";
import { normalize } from "./normalize.ts";
import { checkSyntax } from "./syntax.ts";

export interface ValidatorFlags {
  /** HOST:PORT, repeatable. */
  readonly resolver?: string | readonly string[];
  readonly heloName?: string;
  readonly mailFrom?: string;
  readonly smtpPort?: string | number;
  readonly allowPrivate?: boolean;
  /** Deep mode asked: the probe identity must then exist. */
  readonly deep?: boolean;
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function validatorOptionsFrom(
  inventory: Inventory | undefined,
  flags: ValidatorFlags = {},
): ValidatorOptions {
  const fromFlags =
    flags.resolver === undefined
      ? []
      : typeof flags.resolver === "string"
        ? [flags.resolver]
        : flags.resolver;
  const resolvers = fromFlags.length > 0 ? fromFlags.map(parseServer) : inventory?.monitoring?.resolvers;
  const verification = inventory?.contacts?.verification;
  const heloName = flags.heloName ?? verification?.heloName;
  const mailFrom = flags.mailFrom ?? verification?.mailFrom;
  const base: ValidatorOptions = {
    ...(resolvers ? { resolvers } : {}),
    ...(inventory?.monitoring?.timeoutMs ? { dnsTimeoutMs: inventory.monitoring.timeoutMs } : {}),
    ...(inventory?.monitoring?.tries ? { dnsTries: inventory.monitoring.tries } : {}),
  };
  if (heloName === undefined || mailFrom === undefined) {
    if (flags.deep) {
      throw new ConfigError("deep validation needs the verification host's identity", [
        "set contacts.verification.heloName and .mailFrom in the inventory (see inventory/contacts.yaml),",
        "or give --helo-name NAME and --mail-from ADDRESS",
      ]);
    }
    return base;
  }
  const sender = checkIdentity(heloName, mailFrom, inventory);
  return {
    ...base,
    probe: {
      heloName,
      mailFrom: sender,
      port: port(flags.smtpPort) ?? verification?.port ?? 25,
      concurrency: verification?.concurrency ?? 10,
      perMxPerMinute: verification?.perMxPerMinute ?? 30,
      connectTimeoutMs: (verification?.connectTimeoutSeconds ?? 10) * 1000,
      commandTimeoutMs: (verification?.commandTimeoutSeconds ?? 15) * 1000,
      allowPrivate: flags.allowPrivate === true,
    },
  };
}

/** The normalized MAIL FROM, once the identity is known to be usable. */
function checkIdentity(heloName: string, mailFrom: string, inventory: Inventory | undefined): string {
  if (!HOST_NAME.test(heloName)) {
    throw new ConfigError(
      `HELO name ${JSON.stringify(heloName)} is not a lower-case host name: use the verification host's PTR name, e.g. verify.example.com`,
    );
  }
  const address = normalize(mailFrom);
  if ("reason" in address || checkSyntax(address.local, address.domain) !== undefined) {
    throw new ConfigError(
      `MAIL FROM ${JSON.stringify(mailFrom)} is not a plain address: e.g. verify@example.com`,
    );
  }
  const sending = (inventory?.ips ?? []).find((ip) => ip.hostname === heloName);
  if (sending) {
    throw new ConfigError(
      `HELO name ${heloName} is the hostname of sending IP ${sending.address ?? sending.vmta}: probe from a separate verification host`,
      ["receivers that dislike probes would blame the sending IP (deliverability.md §6.1)"],
    );
  }
  return address.email;
}

function port(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new ConfigError(`--smtp-port ${JSON.stringify(String(value))} is not a port: give 1-65535`);
  }
  return n;
}
