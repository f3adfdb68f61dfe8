// Entry checks for the blocks whose body is not `directive value`: <smtp-pattern-list> (reply
// rules), <pattern-list> (VMTA selection) and <bounce-category-patterns> (reference §1.3, §1.5).
import type { PmtaDirective } from "./model.ts";
import type { LintProblem } from "./parse.ts";
import { checkValue } from "./values.ts";

type Report = (line: number, message: string, severity?: LintProblem["severity"]) => void;

/** The leading `/regex/` of a value and the rest, or undefined when it does not start with one. */
export function splitRegex(value: string): { regex: string; rest: string } | undefined {
  if (!value.startsWith("/")) return undefined;
  for (let i = 1; i < value.length; i++) {
    if (value[i] === "\\") i++;
    else if (value[i] === "/") return { regex: value.slice(1, i), rest: value.slice(i + 1).trim() };
  }
  return undefined;
}

/** `[GL01]`-style bracket expressions are character classes, not literal provider codes (§1.4 item 4). */
function literalCodeClass(regex: string): string | undefined {
  const m = /(?<!\\)\[([A-Z]{2,}[0-9]{2,})\]/.exec(regex);
  return m ? m[1] : undefined;
}

const TIMED_ACTIONS = ["backoff-to-normal-after", "reenable-after"];
const PLAIN_ACTIONS = [
  "mode=backoff",
  "mode=normal",
  "skip-mx",
  "bounce-queue",
  "bounce-rcpt",
  "disable-source-ip",
  "defer-queue",
];

export function lintReply(d: PmtaDirective, report: Report): void {
  if (d.name !== "reply") {
    return report(d.line, `${d.name}: only \`reply /REGEX/ ACTIONS\` is allowed in <smtp-pattern-list>`);
  }
  if (d.value.startsWith('"')) return report(d.line, "reply takes a /REGEX/, not a quoted string");
  const parts = splitRegex(d.value);
  if (!parts) return report(d.line, "reply: expected /REGEX/ ACTION[,ACTION…]");
  const code = literalCodeClass(parts.regex);
  if (code)
    report(d.line, `[${code}] is a character class, not the literal code: write \\[${code}\\]`, "warning");
  if (parts.rest === "") return report(d.line, "reply: no action after the regex");
  const actions = parts.rest.split(",").map((a) => a.trim());
  for (const action of actions) {
    const [key = "", value] = action.split("=", 2);
    if (key === "mode" && value !== "backoff" && value !== "normal") {
      report(
        d.line,
        `${action} is not a PowerMTA action (mode=backoff or mode=normal; defer-queue to retry later)`,
      );
    } else if (TIMED_ACTIONS.includes(key)) {
      if (checkValue("time", value ?? "") !== undefined)
        report(d.line, `${action}: expected a time interval, e.g. 10m`);
    } else if (!PLAIN_ACTIONS.includes(action)) {
      report(d.line, `unknown reply action ${action}`);
    }
  }
  if (actions.includes("mode=backoff") && actions.includes("mode=normal")) {
    report(d.line, "mode=backoff and mode=normal cannot be combined");
  }
  if (actions.includes("skip-mx") && actions.includes("bounce-queue")) {
    report(d.line, "skip-mx and bounce-queue cannot be combined");
  }
  const normalAfter = actions.findIndex((a) => a.startsWith("backoff-to-normal-after="));
  if (normalAfter >= 0 && actions.indexOf("mode=backoff") < 0) {
    report(d.line, "backoff-to-normal-after must follow mode=backoff in the same rule");
  }
}

/** Returns the VMTA / list names a <pattern-list> entry refers to. */
export function lintPatternEntry(d: PmtaDirective, report: Report): { vmta?: string; callTo?: string } {
  if (d.name === "reply") {
    report(d.line, "reply belongs in <smtp-pattern-list>, not <pattern-list>");
    return {};
  }
  let rest: string | undefined;
  if (d.name === "mail-from" || d.name === "rcpt-to") rest = splitRegex(d.value)?.rest;
  else if (d.name === "header") rest = splitRegex(d.value.replace(/^\S+\s+/, ""))?.rest;
  else if (d.name === "*") rest = d.value;
  else {
    report(d.line, `${d.name}: <pattern-list> entries are mail-from, rcpt-to, header or *`);
    return {};
  }
  if (rest === undefined || rest === "") {
    report(d.line, `${d.name}: expected /REGEX/ RESULT`);
    return {};
  }
  const vmta = /^virtual-mta=(\S+)$/.exec(rest)?.[1];
  if (vmta) return { vmta };
  const callTo = /^call-to:\s*(\S+)$/.exec(rest)?.[1];
  if (callTo) return { callTo };
  if (!/^recipient-priority=([0-9]|[1-9][0-9]|100)$/.test(rest)) {
    report(
      d.line,
      `${d.name}: unknown result ${rest} (virtual-mta=NAME, recipient-priority=0..100, call-to: LIST)`,
    );
  }
  return {};
}

export const BOUNCE_CATEGORIES = [
  "bad-configuration",
  "bad-connection",
  "bad-domain",
  "bad-mailbox",
  "content-related",
  "inactive-mailbox",
  "invalid-sender",
  "message-expired",
  "no-answer-from-host",
  "other",
  "policy-related",
  "protocol-errors",
  "quota-issues",
  "relaying-issues",
  "routing-errors",
  "spam-related",
  "virus-related",
];

export function lintBounceCategory(d: PmtaDirective, report: Report): void {
  if (!d.name.startsWith("/") || !d.name.endsWith("/")) {
    return report(d.line, "bounce category entries are `/REGEX/ category`");
  }
  if (!BOUNCE_CATEGORIES.includes(d.value)) {
    report(
      d.line,
      `unknown bounce category ${JSON.stringify(d.value)} (e.g. bad-mailbox, quota-issues, spam-related)`,
    );
  }
}
