// Form encoding the way PHP decodes it and the way PHP's http_build_query() signs it (reference §1.2,
// §2.2): nested values become bracket keys with explicit indices (`subscribers[0][EMAIL]`), null and
// undefined are dropped, booleans are 1/0, and characters are escaped like PHP's urlencode (RFC 1738:
// space is "+", and `!'()*~` are escaped too, which encodeURIComponent leaves alone). Sending and
// signing go through this one function so that the bytes sent are the bytes signed.

export type FormScalar = string | number | boolean | null | undefined;
export type FormValue = FormScalar | readonly FormValue[] | FormParams;
export interface FormParams {
  readonly [key: string]: FormValue;
}

/** PHP urlencode(). */
export function phpUrlencode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

function scalar(value: FormScalar): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`cannot form-encode the number ${value}`);
    return String(value);
  }
  return value;
}

/** The `key=value` pairs (already escaped) in order, for a body, a query string or a signature. */
export function formPairs(params: FormParams): string[] {
  const out: string[] = [];
  const walk = (key: string, value: FormValue): void => {
    if (Array.isArray(value)) {
      (value as readonly FormValue[]).forEach((v, i) => walk(`${key}[${i}]`, v));
    } else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value as FormParams)) walk(`${key}[${k}]`, v);
    } else {
      const text = scalar(value);
      if (text !== undefined) out.push(`${phpUrlencode(key)}=${phpUrlencode(text)}`);
    }
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return out;
}

/** http_build_query($params, '', '&'). */
export function encodeForm(params: FormParams): string {
  return formPairs(params).join("&");
}

/** ksort($params, SORT_STRING) on the top-level keys: byte order, so uppercase sorts first. */
export function sortKeys(params: FormParams): FormParams {
  const sorted: Record<string, FormValue> = {};
  const keys = Object.keys(params).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const k of keys) sorted[k] = params[k];
  return sorted;
}
