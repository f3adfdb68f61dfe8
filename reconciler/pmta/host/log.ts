// Logging for host operations. The shape follows pino's `(fields, message)` order so a pino logger can
// be passed as is. Everything that reaches a logger, an error or a report detail goes through a Redactor
// first: remote tools may echo a line of a file back (e.g. "Error in line 12: <the line>").

export interface HostLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: HostLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Shorter fragments than this are not redacted on their own (they would match innocent text). */
const MIN_SECRET_FRAGMENT = 6;

export class Redactor {
  readonly #fragments: string[];

  /**
   * @param secrets whole secret values (file contents, passwords). Each is also split into lines, so a
   * tool echoing one line of a secrets file is caught too.
   */
  constructor(secrets: readonly string[]) {
    const set = new Set<string>();
    for (const secret of secrets) {
      if (secret.length >= MIN_SECRET_FRAGMENT) set.add(secret);
      for (const line of secret.split(/\r?\n/)) {
        const trimmed = line.trim();
        if (trimmed.length >= MIN_SECRET_FRAGMENT) set.add(trimmed);
      }
    }
    // Longest first, so a whole value is replaced before one of its lines.
    this.#fragments = [...set].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const fragment of this.#fragments) out = out.split(fragment).join("[REDACTED]");
    return out;
  }
}
