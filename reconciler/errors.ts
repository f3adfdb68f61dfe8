// The three error classes of the reconciler (STYLE.md §7). One boundary (the CLI entry point, later
// the daemon's tick) maps each class to an exit code or a status condition.

/** A problem in what the user gave us (inventory, flags, files). Terminal: retrying will not help. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    message: string,
    /** Lines printed after the message (one problem per line, already formatted). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A failure that may go away on its own (network, timeout, a peer restarting). Retried with backoff. */
export class TransientError extends Error {
  override readonly name = "TransientError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A bug in email-engine. Reported with context and a request to report it. */
export class InternalError extends Error {
  override readonly name = "InternalError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type ErrorClass = "config" | "transient" | "internal";

export function classify(error: unknown): ErrorClass {
  if (error instanceof ConfigError) return "config";
  if (error instanceof TransientError) return "transient";
  return "internal";
}
