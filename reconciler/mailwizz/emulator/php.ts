// The few PHP built-ins whose exact behaviour MailWizz's API depends on, written from the PHP manual's
// rules (reference/mailwizz-api.md §1.2, §2.2), independently of the client's encoder on purpose: the
// emulator must catch a client that encodes differently from PHP.

/** A decoded PHP request value: a string, or an array (kept as an insertion-ordered object). */
export type PhpValue = string | PhpArray;
export interface PhpArray {
  [key: string]: PhpValue;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    // PHP's urldecode leaves malformed escapes as they are instead of failing.
    return part.replace(/\+/g, " ");
  }
}

/**
 * PHP `parse_str` / `$_POST` decoding, with bracket keys (`a[b][c]=v`, `a[]=v`). `maxInputVars` is
 * php.ini's max_input_vars (default 1000): PHP counts every `name=value` pair, nested or not, and
 * silently drops the pairs past the limit (with only a warning in the server's log).
 */
export function parseStr(body: string, maxInputVars = Number.POSITIVE_INFINITY): PhpArray {
  const out: PhpArray = {};
  let count = 0;
  for (const pair of body.split("&")) {
    if (pair === "") continue;
    count += 1;
    if (count > maxInputVars) break;
    const eq = pair.indexOf("=");
    const rawKey = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decode(pair.slice(eq + 1));
    assign(out, rawKey, value);
  }
  return out;
}

function assign(target: PhpArray, rawKey: string, value: string): void {
  const open = rawKey.indexOf("[");
  let base = open === -1 ? rawKey : rawKey.slice(0, open);
  const path: string[] = [];
  if (open !== -1) {
    let rest = rawKey.slice(open);
    while (rest.startsWith("[")) {
      const close = rest.indexOf("]");
      if (close === -1) break;
      path.push(rest.slice(1, close));
      rest = rest.slice(close + 1);
    }
    // An unmatched "[" in the base name is kept and turned into "_" by PHP (below).
    if (path.length === 0) base = rawKey;
  }
  // PHP replaces " " and "." (and a lone "[") in the top-level variable name with "_".
  base = base.replace(/[ .[]/g, "_");
  if (base === "") return;
  let node: PhpArray = target;
  const keys = [base, ...path];
  for (let i = 0; i < keys.length; i += 1) {
    let key = keys[i]!;
    if (key === "") key = String(nextIndex(node));
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    const child = node[key];
    if (typeof child === "object") node = child;
    else {
      const fresh: PhpArray = {};
      node[key] = fresh;
      node = fresh;
    }
  }
}

function nextIndex(node: PhpArray): number {
  let max = -1;
  for (const k of Object.keys(node)) if (/^(0|[1-9]\d*)$/.test(k)) max = Math.max(max, Number(k));
  return max + 1;
}

/** PHP `urlencode`: everything but `[A-Za-z0-9_.-]` is %XX-escaped, space is `+`. */
export function urlencode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/** PHP `http_build_query($params, '', '&')` (RFC 1738) for the values a request can carry. */
export function httpBuildQuery(params: PhpArray): string {
  const parts: string[] = [];
  const walk = (prefix: string, value: PhpValue): void => {
    if (typeof value === "string") parts.push(`${urlencode(prefix)}=${urlencode(value)}`);
    else for (const [k, v] of Object.entries(value)) walk(`${prefix}[${k}]`, v);
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return parts.join("&");
}

/** PHP `ksort($a, SORT_STRING)`: top-level keys by bytes, so "X-MW-…" sorts before "email". */
export function ksortString(params: PhpArray): PhpArray {
  const keys = Object.keys(params).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const out: PhpArray = {};
  for (const k of keys) out[k] = params[k]!;
  return out;
}

/** MailWizz's IOFilter on every request value: trimmed, tags stripped (what HTML purification leaves). */
export function cleanValue(value: PhpValue): PhpValue {
  if (typeof value === "string") return value.replace(/<[^>]*>?/g, "").trim();
  const out: PhpArray = {};
  for (const [k, v] of Object.entries(value)) out[k] = cleanValue(v);
  return out;
}

/** A string field of a decoded request, or "" when it is missing or an array. */
export function str(source: PhpValue | undefined, key: string): string {
  if (source === undefined || typeof source === "string") return "";
  const v = source[key];
  return typeof v === "string" ? v : "";
}

/** An array field of a decoded request, or undefined when it is missing or a string. */
export function arr(source: PhpValue | undefined, key: string): PhpArray | undefined {
  if (source === undefined || typeof source === "string") return undefined;
  const v = source[key];
  return typeof v === "object" ? v : undefined;
}
