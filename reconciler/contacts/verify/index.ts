// The contact validator: createValidator(options) → { validate(address, {deep}), close() }.
//
// Levels, each cheap level first (deliverability.md §6.3):
//   normalize.ts  trim, NFC, domain lower-case A-labels, local part as given
//   syntax.ts     RFC 5321 limits and grammar (smtp-address-parser); quoted, UTF-8 local parts refused
//   lists.ts      disposable (mailchecker) → invalid; role → risky; free-mail → details.freeMail
//   typo.ts       a typo of a big provider → risky "typo" with details.suggestion, never corrected
//   domain.ts     MX / implicit A-AAAA / null MX / NXDOMAIN, cached per domain with in-flight coalescing
//   deep.ts       ({deep: true}) SMTP probe without DATA, catch-all, greylisting, limits
//
// Options (all optional but `probe` for deep mode):
//   resolvers     DNS servers as HOST:PORT; default: the system's resolvers (node:dns getServers())
//   dnsTimeoutMs, dnsTries   per-try timeout and tries (defaults 2000 ms, 2)
//   cache         TTLs in seconds for positive, negative and failed lookups; maxDomains
//   probe         heloName, mailFrom, port, concurrency, perMxPerMinute, timeouts, allowPrivate
//   now           the clock for retryAt (default new Date())
// validatorOptionsFrom(inventory, flags) builds them from contacts.verification, monitoring and flags.
//
// Callers validating many addresses call validate() concurrently (a few hundred in flight is fine at
// the domain level: lookups of one domain are shared); deep probes are limited inside.
import { getServers } from "node:dns";
import { createDnsClient, DEFAULT_TIMEOUT_MS, DEFAULT_TRIES } from "../../dns/resolver.ts";
import { ConfigError } from "../../errors.ts";
import type { DomainCacheOptions } from "./domain.ts";
import { DomainChecker } from "./domain.ts";
import type { ProbeOptions } from "./deep.ts";
import { MailboxProber } from "./deep.ts";
import { isDisposable, isFreeMail, isRole } from "./lists.ts";
import { normalize } from "./normalize.ts";
import type { Clock } from "./rate.ts";
import { systemClock } from "./rate.ts";
import { checkSyntax } from "./syntax.ts";
import { typoSuggestion } from "./typo.ts";
import type { Validator, ValidateOptions, Verdict, VerdictDetails } from "./types.ts";
import { RETRY_SECONDS, retryAt, verdict } from "./verdict.ts";

export type { ProbeOptions } from "./deep.ts";
export type { DomainCacheOptions } from "./domain.ts";
export type { Clock } from "./rate.ts";
export { validatorOptionsFrom } from "./options.ts";
export type { ValidatorFlags } from "./options.ts";
export type * from "./types.ts";

export interface ValidatorOptions {
  readonly resolvers?: readonly string[];
  readonly dnsTimeoutMs?: number;
  readonly dnsTries?: number;
  readonly cache?: DomainCacheOptions;
  readonly probe?: ProbeOptions;
  readonly now?: () => Date;
  /** Tests: the clock of the caches and the per-MX rate (default: real time). */
  readonly clock?: Clock;
}

interface DomainFacts {
  readonly disposable: boolean;
  readonly freeMail: boolean;
  readonly suggestion: string | undefined;
}

const FACTS_MAX = 100_000;

export function createValidator(options: ValidatorOptions = {}): Validator {
  const clock = options.clock ?? systemClock;
  const now = options.now ?? (() => new Date(clock.now()));
  const dns = createDnsClient({
    servers: options.resolvers && options.resolvers.length > 0 ? options.resolvers : getServers(),
    timeoutMs: options.dnsTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    tries: options.dnsTries ?? DEFAULT_TRIES,
  });
  const domains = new DomainChecker(dns, () => clock.now(), options.cache);
  const prober = options.probe ? new MailboxProber(options.probe, domains, clock, now) : undefined;
  const facts = new Map<string, DomainFacts>();

  const factsOf = (domain: string): DomainFacts => {
    const hit = facts.get(domain);
    if (hit) return hit;
    const value = {
      disposable: isDisposable(domain),
      freeMail: isFreeMail(domain),
      suggestion: typoSuggestion(domain),
    };
    if (facts.size >= FACTS_MAX) facts.clear();
    facts.set(domain, value);
    return value;
  };

  return {
    async validate(input: string, validateOptions: ValidateOptions = {}): Promise<Verdict> {
      if (validateOptions.deep && prober === undefined) {
        throw new ConfigError(
          "deep validation needs a verification identity: set contacts.verification (heloName, mailFrom) in the inventory, or give --helo-name and --mail-from",
        );
      }
      const normalized = normalize(input);
      if ("reason" in normalized) {
        return verdict(input, "", "invalid", normalized.reason, 1, { message: normalized.message });
      }
      const { local, domain, email } = normalized;
      const bad = checkSyntax(local, domain);
      if (bad) return verdict(input, "", "invalid", bad.reason, 1, { domain, message: bad.message });

      const f = factsOf(domain);
      const role = isRole(local);
      const flags: VerdictDetails = {
        domain,
        ...(f.freeMail ? { freeMail: true } : {}),
        ...(role ? { role: true } : {}),
        ...(f.disposable ? { disposable: true } : {}),
        ...(f.suggestion ? { suggestion: `${local}@${f.suggestion}` } : {}),
      };
      // A typo domain is often on the disposable list too (squatters register them); the suggestion is
      // then the more useful answer, so it goes on to DNS and ends as "typo" unless the domain is dead.
      if (f.disposable && !f.suggestion) {
        return verdict(input, email, "invalid", "disposable", 0.95, {
          ...flags,
          message: "disposable mail domain",
        });
      }
      const answer = await domains.check(domain);
      switch (answer.kind) {
        case "nxdomain":
          return verdict(input, email, "invalid", "nxdomain", 0.95, {
            ...flags,
            message: "the domain does not exist",
          });
        case "null_mx":
          return verdict(input, email, "invalid", "null_mx", 1, {
            ...flags,
            message: "the domain publishes a null MX: it accepts no mail",
          });
        case "no_mail":
          return verdict(input, email, "invalid", "no_mx", 0.9, {
            ...flags,
            message: "the domain has no MX and no address record",
          });
        case "error":
          return verdict(input, email, "unknown", "dns_error", 0, {
            ...flags,
            retryAt: retryAt(now(), RETRY_SECONDS.dns),
            message: `DNS lookup failed (${answer.code})`,
          });
        case "mail":
          break;
        default: {
          const never: never = answer;
          throw new Error(`unknown domain answer ${JSON.stringify(never)}`);
        }
      }
      const found: VerdictDetails = { ...flags, mx: answer.hosts };
      if (f.suggestion) {
        return verdict(input, email, "risky", "typo", 0.6, {
          ...found,
          message: `likely a typo of ${f.suggestion}: review, never corrected automatically`,
        });
      }
      if (validateOptions.deep && prober) {
        const outcome = await prober.check(email, domain, answer.hosts, role);
        return verdict(input, email, outcome.status, outcome.reason, outcome.confidence, {
          ...found,
          ...outcome.details,
        });
      }
      if (role) return verdict(input, email, "risky", "role", 0.7, { ...found, message: "a role account" });
      return verdict(input, email, "safe", "ok", 0.7, found);
    },
    close(): Promise<void> {
      facts.clear();
      return Promise.resolve();
    },
  };
}
