// The validator's contract: one verdict per address, at the level asked for (syntax and domain, or
// deep with a mailbox probe). Shared by the CLI, the import pipeline and the old engine's
// POST /api/v1/validation/emails.

export type VerdictStatus = "safe" | "risky" | "invalid" | "unknown";

export interface Verdict {
  /** The address as given. */
  readonly input: string;
  /** Normalized: trimmed, NFC, domain lower-cased and in A-labels, local part as given; "" if unusable. */
  readonly email: string;
  readonly status: VerdictStatus;
  /** A stable machine word (syntax, null_mx, nxdomain, disposable, role, typo, mailbox_unknown,
   *  catch_all, greylisted, …; "ok" when nothing was found). */
  readonly reason: string;
  /** 0..1: how sure the verdict is. */
  readonly confidence: number;
  readonly details: VerdictDetails;
}

export interface VerdictDetails {
  readonly domain?: string;
  readonly mx?: readonly string[];
  readonly freeMail?: boolean;
  readonly role?: boolean;
  readonly disposable?: boolean;
  /** A likely intended address (typo of a big provider): a suggestion, never applied. */
  readonly suggestion?: string;
  /** Deep mode: the SMTP reply that decided, e.g. "550 5.1.1 user unknown". */
  readonly smtp?: string;
  readonly catchAll?: boolean;
  /** When an unknown (greylisted, 4xx, timeout) is worth asking again (ISO time). */
  readonly retryAt?: string;
  /** Free text for the operator. */
  readonly message?: string;
}

export interface ValidateOptions {
  /** Also probe the mailbox over SMTP (needs contacts.verification in the inventory or flags). */
  readonly deep?: boolean;
}

export interface Validator {
  validate(input: string, options?: ValidateOptions): Promise<Verdict>;
  /** Releases sockets and timers. */
  close(): Promise<void>;
}
