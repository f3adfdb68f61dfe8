// The ONE way to build a shell command for a remote host. Every interpolated value is quoted for a POSIX
// shell (sh, dash, bash), so paths with spaces, quotes, `$()` or newlines reach the remote command as one
// literal argument. Commands are a branded type so a string joined by hand cannot be passed to exec().

declare const shellBrand: unique symbol;

/** A command line whose every interpolated value was quoted by `sh` or `quote`. */
export interface ShellCommand {
  readonly [shellBrand]: true;
  readonly text: string;
}

function brand(text: string): ShellCommand {
  return { text } as ShellCommand;
}

/** Values that need no quoting: conservative, like zx's set (no glob or expansion characters). */
const SAFE = /^[\w/.\-+@:=,%]+$/;

/**
 * Quote one argument for a POSIX shell. Single quotes keep everything literal (including newlines);
 * an embedded single quote is closed, escaped and reopened: it's → 'it'\''s'.
 */
export function quote(arg: string): string {
  if (arg.includes("\0")) throw new TypeError("A shell argument cannot contain a NUL byte");
  if (arg === "") return "''";
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export type ShellValue = string | number | ShellCommand | readonly (string | number)[];

function isShellCommand(value: unknown): value is ShellCommand {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "text" in value;
}

function render(value: ShellValue): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`Not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === "string") return quote(value);
  if (isShellCommand(value)) return value.text; // already built by sh: embed as is
  return value.map((v) => (typeof v === "number" ? render(v) : quote(v))).join(" ");
}

/**
 * Tagged template: the literal parts are trusted shell text written in our source, every `${value}` is
 * quoted (arrays become several quoted words; a nested `sh` command is embedded unchanged).
 *
 *   sh`mkdir -p -- ${dir} && mv -f -- ${tmp} ${target}`
 */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): ShellCommand {
  let text = strings[0] ?? "";
  values.forEach((value, i) => {
    text += render(value) + (strings[i + 1] ?? "");
  });
  return brand(text);
}

/** Join built commands with a shell operator (`&&`, `;`, `||`). */
export function joinCommands(operator: "&&" | ";" | "||", commands: readonly ShellCommand[]): ShellCommand {
  return brand(commands.map((c) => c.text).join(` ${operator} `));
}
