// The feedback bodies and their signature, byte for byte as the old engine produced them: Python's
// `json.dumps(payload, sort_keys=True)` (keys sorted, ", " and ": " separators, non-ASCII escaped as
// \uXXXX because ensure_ascii is on by default), signed as hex HMAC-SHA256(secret, "<ts>.<body>").
// Scraper-Pro hashes the raw body, so only the signature must match the bytes; writing the same bytes
// as before keeps captures, logs and replays of the two engines comparable. The signature is the
// family's one (contacts/webhooks/signature.ts signBody), the same our own webhooks check.

export type FeedbackPayload =
  | { readonly kind: "bounce"; readonly email: string; readonly bounce_type: "hard" | "soft" | "complaint" }
  | { readonly kind: "delivery"; readonly domain: string; readonly count: number };

/** A JSON string as Python's json.dumps writes it with ensure_ascii=True. */
export function pythonString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (code < 0x20 || code > 0x7e) {
      // Astral characters are written as their UTF-16 surrogate pair, like Python does.
      for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** `json.dumps(obj, sort_keys=True)` for a flat object of strings and integers. */
export function pythonJson(object: Readonly<Record<string, string | number>>): string {
  const keys = Object.keys(object).sort();
  const parts = keys.map((key) => {
    const value = object[key]!;
    return `${pythonString(key)}: ${typeof value === "number" ? String(value) : pythonString(value)}`;
  });
  return `{${parts.join(", ")}}`;
}

/** The body Scraper-Pro receives: bounce `{bounce_type, email}`, delivery `{count, domain}`. */
export function feedbackBody(payload: FeedbackPayload): string {
  return payload.kind === "bounce"
    ? pythonJson({ bounce_type: payload.bounce_type, email: payload.email })
    : pythonJson({ count: payload.count, domain: payload.domain });
}
