// POST /api/v1/validation/emails: the old engine's list check, answered by the contact validator at
// domain level (no mailbox probe: a request of 10,000 addresses must answer in seconds). The old
// reason words are kept where the checks match; other findings keep the validator's own word.
import type { Verdict, Validator } from "../../contacts/verify/types.ts";
import { HttpProblem } from "../../http/module.ts";

export const MAX_EMAILS = 10_000;
/** 10,000 addresses of up to 320 characters, quoted and separated. */
export const VALIDATION_BODY_LIMIT = 4 * 1024 * 1024;
const CONCURRENCY = 16;

export interface ValidationResult {
  email: string;
  valid: boolean;
  reason: string | null;
}

const OLD_REASONS: Readonly<Record<string, string>> = {
  syntax: "invalid_syntax",
  too_long: "invalid_syntax",
  ip_literal: "invalid_syntax",
  quoted_local_part: "invalid_syntax",
  role: "blacklisted_prefix",
  disposable: "disposable_domain",
  nxdomain: "no_mx_records",
  null_mx: "no_mx_records",
  no_mx: "no_mx_records",
};

/** Role and disposable addresses were refused by the old check: they stay invalid here. */
const REFUSED_RISKS = new Set(["role", "disposable"]);

export function resultOf(input: string, verdict: Verdict | undefined): ValidationResult {
  const email = input.trim().toLowerCase();
  if (email === "" || verdict === undefined) return { email, valid: false, reason: "empty" };
  const valid = verdict.status !== "invalid" && !REFUSED_RISKS.has(verdict.reason);
  return { email, valid, reason: valid ? null : (OLD_REASONS[verdict.reason] ?? verdict.reason) };
}

export function parseEmails(body: unknown): string[] {
  const emails = (body as { emails?: unknown } | null)?.emails;
  if (!Array.isArray(emails) || emails.length < 1 || emails.length > MAX_EMAILS) {
    throw new HttpProblem(422, "invalid_body", `emails must be an array of 1 to ${MAX_EMAILS} addresses`);
  }
  const index = emails.findIndex((e) => typeof e !== "string");
  if (index >= 0) throw new HttpProblem(422, "invalid_body", `emails[${index}] must be a string`);
  return emails as string[];
}

export async function validateEmails(
  validator: Validator,
  emails: readonly string[],
): Promise<{ total: number; valid: number; invalid: number; results: ValidationResult[] }> {
  const results: ValidationResult[] = new Array<ValidationResult>(emails.length);
  let next = 0;
  const worker = async () => {
    while (next < emails.length) {
      const i = next++;
      const input = emails[i]!;
      results[i] = resultOf(input, input.trim() === "" ? undefined : await validator.validate(input.trim()));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, emails.length) }, worker));
  const valid = results.filter((r) => r.valid).length;
  return { total: results.length, valid, invalid: results.length - valid, results };
}
