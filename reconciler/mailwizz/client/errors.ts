// Typed errors for MailWizz answers. MailWizz's `error` is polymorphic (reference §2.3, §6.4): a
// string, `{field: message}`, or `{block: {field: message}}`; all become a list of {field, message}.
// Messages name the request as "METHOD route" without the query string (it can carry an email) and
// never include headers, so no API key can leak through an error.
import { ConfigError, TransientError } from "../../errors.ts";

export interface FieldError {
  /** Dotted path of the field ("general.name", "EMAIL"); "" when MailWizz sent a plain message. */
  readonly field: string;
  readonly message: string;
}

/** Flattens every error shape MailWizz sends into field/message pairs. */
export function flattenErrors(error: unknown, prefix = ""): FieldError[] {
  if (error === null || error === undefined) return prefix === "" ? [] : [{ field: prefix, message: "" }];
  if (typeof error === "string" || typeof error === "number" || typeof error === "boolean")
    return [{ field: prefix, message: String(error) }];
  if (Array.isArray(error)) return error.flatMap((e: unknown) => flattenErrors(e, prefix));
  return Object.entries(error as Record<string, unknown>).flatMap(([k, v]) =>
    flattenErrors(v, prefix === "" ? k : `${prefix}.${k}`),
  );
}

function describe(errors: readonly FieldError[]): string {
  if (errors.length === 0) return "no error message";
  return errors.map((e) => (e.field === "" ? e.message : `${e.field}: ${e.message}`)).join("; ");
}

/** MailWizz refused the request (4xx other than the cases below): fix the input or the config. */
export class MailwizzApiError extends ConfigError {
  /** Which MailWizz error this is (`name` stays the base class's, which the CLI boundary uses). */
  readonly kind: string = "api";
  constructor(
    readonly status: number,
    readonly method: string,
    readonly route: string,
    readonly errors: readonly FieldError[],
  ) {
    super(
      `MailWizz ${method} ${route} answered ${status}: ${describe(errors)}`,
      errors.map((e) => (e.field === "" ? e.message : `${e.field}: ${e.message}`)),
    );
  }

  /** The message for one field, if MailWizz named it. */
  messageFor(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

/** 404: the list, subscriber, campaign, … does not exist (or the route does not). */
export class MailwizzNotFoundError extends MailwizzApiError {
  override readonly kind = "not-found";
}

/** 400 from RequestAccessFilter: a missing/unknown key, bad signature, expired request, account state. */
export class MailwizzAuthError extends MailwizzApiError {
  override readonly kind = "auth";
}

/** The field errors of a 422 (validation). */
export class MailwizzValidationError extends MailwizzApiError {
  override readonly kind = "validation";
}

/** Network failure, timeout or 5xx that survived the retries; or MailWizz's 409 mutex answer. */
export class MailwizzUnavailableError extends TransientError {
  readonly kind = "unavailable";
  constructor(
    message: string,
    readonly method: string,
    readonly route: string,
    /** HTTP status, when there was an answer. */
    readonly status?: number,
    /** Node/got error code (ECONNREFUSED, ETIMEDOUT, …), when there was none. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The server answered, but not like MailWizz (non-JSON, too large, missing fields): check the base URL. */
export class MailwizzProtocolError extends ConfigError {
  readonly kind = "protocol";
}

/** The client refused to send the request (e.g. campaign content without the required tags). */
export class MailwizzRefusedError extends ConfigError {
  readonly kind = "refused";
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const AUTH_MESSAGES = [
  "Invalid API request params.",
  "Invalid API key.",
  "Invalid API request signature.",
  "Your request expired.",
  "Your IP address is not allowed",
  "Your account must be active",
  "Your account is not allowed to use the API.",
];

/** Turns an error answer into the most specific class. */
export function apiError(status: number, method: string, route: string, error: unknown): Error {
  const errors = flattenErrors(error);
  const text = errors.map((e) => e.message).join(" ");
  if (status === 409 && text.includes("mutex"))
    return new MailwizzUnavailableError(
      `MailWizz ${method} ${route} answered 409: ${text}`,
      method,
      route,
      409,
    );
  if (status === 400 && typeof error === "string" && AUTH_MESSAGES.some((m) => error.startsWith(m)))
    return new MailwizzAuthError(status, method, route, errors);
  if (status === 404) return new MailwizzNotFoundError(status, method, route, errors);
  if (status === 422) return new MailwizzValidationError(status, method, route, errors);
  if (status >= 500)
    return new MailwizzUnavailableError(
      `MailWizz ${method} ${route} answered ${status}: ${describe(errors)}`,
      method,
      route,
      status,
    );
  return new MailwizzApiError(status, method, route, errors);
}
