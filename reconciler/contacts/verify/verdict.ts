// From findings to a Verdict: the one place that decides status, reason and confidence, so the CLI, the
// import and the v1 API agree. Order of strength: a definite "no" (syntax, DNS, 5.1.1) is invalid;
// what may reach a person but should not be mailed blindly (role, typo, catch-all, full) is risky;
// what we could not learn (DNS or SMTP trouble, greylisting) is unknown, with a time to ask again.
import type { SmtpReply, ProbeResult } from "./smtp.ts";
import type { Verdict, VerdictDetails, VerdictStatus } from "./types.ts";

/** Seconds until an unknown is worth asking again. Greylisting usually lifts within 5-15 minutes. */
export const RETRY_SECONDS = {
  dns: 15 * 60,
  greylisted: 15 * 60,
  temporary: 30 * 60,
  timeout: 60 * 60,
  refused: 24 * 60 * 60,
} as const;

export function verdict(
  input: string,
  email: string,
  status: VerdictStatus,
  reason: string,
  confidence: number,
  details: VerdictDetails,
): Verdict {
  return { input, email, status, reason, confidence, details };
}

export interface Outcome {
  readonly status: VerdictStatus;
  readonly reason: string;
  readonly confidence: number;
  readonly details: VerdictDetails;
}

export function retryAt(now: Date, seconds: number): string {
  return new Date(now.getTime() + seconds * 1000).toISOString();
}

const POLICY_TEXT = /block|spam|policy|blacklist|blocklist|listed|reputation|denied|not allowed/i;

/** What the probe's answer says about the mailbox. `role`: the local part is a role account. */
export function probeOutcome(result: ProbeResult, role: boolean, now: Date): Outcome {
  switch (result.kind) {
    case "rcpt":
      return rcptOutcome(result.reply, result.catchAll, role, now);
    case "refused": {
      const { reply, stage } = result;
      const message = `the server answered ${stage} with ${reply.code}: it refuses the prober, not the mailbox`;
      if (reply.code < 500) {
        return unknown("smtp_temporary", now, RETRY_SECONDS.temporary, { smtp: reply.text, message });
      }
      return unknown("smtp_refused", now, RETRY_SECONDS.refused, { smtp: reply.text, message });
    }
    case "timeout":
      return unknown("smtp_timeout", now, RETRY_SECONDS.timeout, {
        message: `no answer in time (${result.stage})`,
      });
    case "failed":
      return unknown(
        result.stage === "connect" ? "smtp_unreachable" : "smtp_protocol",
        now,
        RETRY_SECONDS.timeout,
        {
          message: `${result.stage}: ${result.message}`,
        },
      );
    default: {
      const never: never = result;
      throw new Error(`unknown probe result ${JSON.stringify(never)}`);
    }
  }
}

function rcptOutcome(reply: SmtpReply, catchAll: boolean | undefined, role: boolean, now: Date): Outcome {
  const smtp = reply.text;
  if (reply.code >= 200 && reply.code < 300) {
    if (catchAll === true) {
      return {
        status: "risky",
        reason: "catch_all",
        confidence: 0.5,
        details: {
          smtp,
          catchAll: true,
          message: "the server accepts any recipient: the mailbox cannot be proven",
        },
      };
    }
    const known = catchAll === false ? { catchAll: false } : {};
    if (role)
      return { status: "risky", reason: "role", confidence: 0.8, details: { smtp, role: true, ...known } };
    return {
      status: "safe",
      reason: "ok",
      confidence: catchAll === false ? 0.95 : 0.85,
      details: { smtp, ...known },
    };
  }
  const enhanced = reply.enhanced ?? "";
  if (reply.code >= 400 && reply.code < 500) {
    const grey = enhanced.startsWith("4.7.") || /gr[ae]y/i.test(reply.text);
    return grey
      ? unknown("greylisted", now, RETRY_SECONDS.greylisted, { smtp })
      : unknown("smtp_temporary", now, RETRY_SECONDS.temporary, { smtp });
  }
  if (enhanced === "5.2.2")
    return { status: "risky", reason: "mailbox_full", confidence: 0.6, details: { smtp } };
  if (enhanced === "5.2.1")
    return { status: "invalid", reason: "mailbox_disabled", confidence: 0.9, details: { smtp } };
  if (enhanced.startsWith("5.1.")) {
    return { status: "invalid", reason: "mailbox_unknown", confidence: 0.95, details: { smtp } };
  }
  // A policy rejection is about the prober's IP, not the address: ask again later, from elsewhere.
  if (enhanced.startsWith("5.7.") || POLICY_TEXT.test(reply.text)) {
    return unknown("smtp_policy", now, RETRY_SECONDS.refused, {
      smtp,
      message: "rejected by policy: the verification host may be blocked",
    });
  }
  if (enhanced === "" && [550, 551, 553].includes(reply.code)) {
    return { status: "invalid", reason: "mailbox_unknown", confidence: 0.8, details: { smtp } };
  }
  return unknown("smtp_rejected", now, RETRY_SECONDS.refused, { smtp });
}

function unknown(reason: string, now: Date, seconds: number, details: VerdictDetails): Outcome {
  return {
    status: "unknown",
    reason,
    confidence: 0,
    details: { ...details, retryAt: retryAt(now, seconds) },
  };
}
