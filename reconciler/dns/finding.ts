// One result of one DNS check: what was seen, what the inventory expects, and how to fix it. The gates
// read `status` and `severity`; operators read the rest.

export type FindingStatus = "ok" | "warn" | "fail" | "error";

/**
 * critical: failing it stops sending (the domain, or the IP, would fail authentication at receivers);
 * warning: wrong and worth fixing, sending continues; info: advice.
 */
export type Severity = "critical" | "warning" | "info";

export interface Finding {
  /** The domain or IP address checked. */
  readonly subject: string;
  /** Dotted check name, e.g. `spf.record`, `dkim.key`, `ptr.fcrdns`. */
  readonly check: string;
  readonly status: FindingStatus;
  readonly severity: Severity;
  /** The record(s) seen, as published ("" when none). */
  readonly seen: string;
  readonly expected: string;
  /** What to change ("" when ok). */
  readonly fix: string;
  readonly detail: string;
  /** The sending domain this finding counts against (for the gates). */
  readonly domain: string;
}

export type FindingInput = Omit<Finding, "fix" | "seen" | "expected"> &
  Partial<Pick<Finding, "fix" | "seen" | "expected">>;

export function finding(input: FindingInput): Finding {
  return {
    subject: input.subject,
    check: input.check,
    status: input.status,
    severity: input.severity,
    seen: input.seen ?? "",
    expected: input.expected ?? "",
    fix: input.status === "ok" ? "" : (input.fix ?? ""),
    detail: input.detail,
    domain: input.domain,
  };
}

/** "could not check": the answer did not come (timeout, SERVFAIL…). Never a pass, never a fail. */
export function lookupError(
  base: Pick<Finding, "subject" | "check" | "severity" | "domain">,
  what: string,
  code: string,
): Finding {
  return finding({
    ...base,
    status: "error",
    detail: `could not check: ${what} lookup failed (${code})`,
    fix: "check that the resolver answers, then run the check again",
  });
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) => `${f.domain}\u0000${f.subject}\u0000${f.check}`;
  return [...findings].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** TXT records at a name as joined strings (RFC 7208 §3.3 / RFC 6376 §3.6.2.2: concatenated, no spaces). */
export function joinTxt(records: readonly (readonly string[])[]): string[] {
  return records.map((chunks) => chunks.join(""));
}
