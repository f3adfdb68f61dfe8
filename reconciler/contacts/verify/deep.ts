// Deep mode around the SMTP dialogue: which host to ask (MX by priority, at most three, the next one
// only when a host cannot be reached), never a private, loopback or link-local address unless allowed
// (an MX pointing inside our network is either a trap or a misconfiguration, and probing it would turn
// the validator into a port scanner), a global limit of probes in flight and a rate per MX host.
import ipaddr from "ipaddr.js";
import { Semaphore } from "../../dns/limit.ts";
import type { DomainChecker } from "./domain.ts";
import type { Clock } from "./rate.ts";
import { PerHostRate } from "./rate.ts";
import { probe } from "./smtp.ts";
import type { ProbeResult } from "./smtp.ts";
import type { Outcome } from "./verdict.ts";
import { probeOutcome, RETRY_SECONDS, retryAt } from "./verdict.ts";

export interface ProbeOptions {
  /** EHLO name of the verification host (its PTR name; never a sending IP's hostname). */
  readonly heloName: string;
  /** MAIL FROM of the probes. */
  readonly mailFrom: string;
  /** Destination port (default 25; tests use their scripted server's port). */
  readonly port?: number;
  /** Probes in flight at once over all destinations (default 10). */
  readonly concurrency?: number;
  /** Connections per minute to one MX host (default 30). */
  readonly perMxPerMinute?: number;
  readonly connectTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
  /** Allow private, loopback and link-local targets (tests on 127.0.0.1 only). */
  readonly allowPrivate?: boolean;
}

const MAX_HOSTS = 3;

/** Public unicast only: ipaddr.js names every special range (private, loopback, linkLocal, uniqueLocal…). */
export function isPublicAddress(address: string): boolean {
  try {
    return ipaddr.process(address).range() === "unicast";
  } catch {
    return false;
  }
}

export class MailboxProber {
  private readonly slots: Semaphore;
  private readonly rate: PerHostRate;

  constructor(
    private readonly options: ProbeOptions,
    private readonly domains: DomainChecker,
    private readonly clock: Clock,
    private readonly now: () => Date,
  ) {
    this.slots = new Semaphore(options.concurrency ?? 10);
    this.rate = new PerHostRate(options.perMxPerMinute ?? 30, 60_000, clock);
  }

  async check(email: string, domain: string, hosts: readonly string[], role: boolean): Promise<Outcome> {
    let refusedPrivate = false;
    let last: Outcome | undefined;
    for (const host of hosts.slice(0, MAX_HOSTS)) {
      const found = await this.domains.addresses(host);
      if (found.kind !== "ok") {
        last = this.unknown("mx_unresolved", RETRY_SECONDS.dns, `MX host ${host} has no address`);
        continue;
      }
      const target = found.addresses.find((a) => this.options.allowPrivate === true || isPublicAddress(a));
      if (target === undefined) {
        refusedPrivate = true;
        continue;
      }
      const result = await this.throttled(host, () =>
        probe({
          host: target,
          port: this.options.port ?? 25,
          heloName: this.options.heloName,
          mailFrom: this.options.mailFrom,
          rcpt: email,
          domain,
          connectTimeoutMs: this.options.connectTimeoutMs ?? 10_000,
          commandTimeoutMs: this.options.commandTimeoutMs ?? 15_000,
        }),
      );
      const outcome = probeOutcome(result, role, this.now());
      if (result.kind !== "rcpt" && result.stage === "connect") {
        last = outcome;
        continue;
      }
      return outcome;
    }
    if (last === undefined && refusedPrivate) {
      return {
        status: "unknown",
        reason: "private_target",
        confidence: 0,
        details: { message: "the MX hosts resolve to private, loopback or link-local addresses: not probed" },
      };
    }
    return last ?? this.unknown("smtp_unreachable", RETRY_SECONDS.timeout, "no MX host could be probed");
  }

  private unknown(reason: string, seconds: number, message: string): Outcome {
    return {
      status: "unknown",
      reason,
      confidence: 0,
      details: { message, retryAt: retryAt(this.now(), seconds) },
    };
  }

  // The rate is asked inside a concurrency slot (so a granted start is used at once) and the slot is
  // given back while waiting (so one slow host does not hold the others).
  private async throttled(host: string, run: () => Promise<ProbeResult>): Promise<ProbeResult> {
    for (;;) {
      const step = await this.slots.run(async (): Promise<ProbeResult | number> => {
        const wait = this.rate.tryAcquire(host);
        return wait > 0 ? wait : run();
      });
      if (typeof step !== "number") return step;
      await this.clock.sleep(step);
    }
  }
}
