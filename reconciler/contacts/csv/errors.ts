// A CSV file that cannot be imported as a whole (not CSV, wrong separator, no EMAIL column, an
// unterminated quote, a line over the limit): a user error naming the line, and nothing is imported.
import { ConfigError } from "../../errors.ts";

export class CsvFileError extends ConfigError {
  constructor(
    readonly file: string,
    /** 1-based line the problem was found at; undefined for the file as a whole. */
    readonly line: number | undefined,
    problem: string,
    fix: string,
  ) {
    super(`${file}${line === undefined ? "" : `, line ${line}`}: ${problem}; nothing was imported`, [
      `    fix: ${fix}`,
    ]);
  }
}
