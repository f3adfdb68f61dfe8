// The import pipeline's contract: rows from a CSV file, an HTTP upload or a sibling's webhook go
// through the same steps (dedupe, suppression, validation, storage with provenance, push to the
// MailWizz list) and end in one report.

/** One contact as the sources give it, before normalization. */
export interface ContactInput {
  readonly email: string;
  readonly fname?: string;
  readonly lname?: string;
  readonly country?: string;
  readonly company?: string;
  /** Custom fields by MailWizz tag (upper-case), e.g. { WEBSITE: "…" }. */
  readonly fields?: Readonly<Record<string, string>>;
}

/** Where a contact came from, kept with it (GDPR Art. 14 and CNIL: source, date, legal basis). */
export interface Provenance {
  /** "csv:<file name>", "scraper-pro", "backlinks-engine", "upload:<name>", … */
  readonly source: string;
  /** When the source collected the contact (ISO time). */
  readonly collectedAt: string;
  /** e.g. "legitimate-interest", "consent". */
  readonly legalBasis: string;
}

export interface ImportRequest {
  readonly tenant: string;
  /** The inventory key of the tenant's list (tenants.<t>.lists.<list>). */
  readonly list: string;
  /** Idempotency key: re-running the same import id resumes it and never duplicates. */
  readonly importId: string;
  readonly provenance: Provenance;
}

export interface ImportReport {
  readonly importId: string;
  readonly tenant: string;
  readonly list: string;
  readonly rows: number;
  readonly accepted: number;
  /** Invalid rows by validator reason. */
  readonly invalid: Readonly<Record<string, number>>;
  readonly duplicates: number;
  readonly suppressed: number;
  /** Rows that could not be read (bad CSV row, missing email). */
  readonly errors: number;
  /** Accepted contacts pushed to the MailWizz list (so far). */
  readonly pushed: number;
  readonly state: "running" | "done" | "failed";
}

/** One row of a source: a contact, or why the row could not be read (line: 1-based line or position). */
export type SourceRow =
  | { readonly line: number; readonly contact: ContactInput }
  | {
      readonly line: number;
      readonly error: { readonly reason: string; readonly detail: string; readonly email: string };
    };

/** Extra report fields (kept apart so the contract above stays as agreed). */
export interface ImportReportDetails {
  /** Stored contacts MailWizz refused (blacklisted there, …); retried by the next run. */
  readonly pushRefused: number;
  /** Why the import stopped (state failed), or "" */
  readonly message: string;
}
