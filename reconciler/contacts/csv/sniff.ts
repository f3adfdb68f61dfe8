// What a CSV file is, decided from its first bytes: text or binary, its encoding, its separator.
// Pure functions over a sample, so each decision is tested on its own.

export type CsvEncoding = "utf-8" | "windows-1252";
export type Separator = "," | ";" | "\t";

/** How much of the file the decisions look at. */
export const SAMPLE_BYTES = 64 * 1024;

export type SampleVerdict =
  | { readonly kind: "text"; readonly encoding: CsvEncoding; readonly bomBytes: number }
  | { readonly kind: "binary"; readonly offset: number }
  | { readonly kind: "utf16" }
  | { readonly kind: "empty" };

/**
 * Text or binary, and which encoding. A NUL byte or more than 1 % of control characters means binary
 * (text editors and spreadsheets never write them). The encoding is UTF-8 when the sample decodes as
 * UTF-8 (a sequence cut by the sample's end is fine), else Windows-1252, the Latin-1 superset that
 * Excel writes on Western systems: any byte sequence decodes in it, so the rest of the file is then
 * checked only for NULs. A UTF-8 sample whose file turns invalid later is an error found while reading.
 */
export function judgeSample(sample: Uint8Array): SampleVerdict {
  if (sample.length === 0) return { kind: "empty" };
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff))
    return { kind: "utf16" };
  const bomBytes = sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf ? 3 : 0;
  const nul = sample.indexOf(0);
  if (nul >= 0) return { kind: "binary", offset: nul };
  let control = 0;
  for (const byte of sample)
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  if (control > sample.length / 100) return { kind: "binary", offset: 0 };
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample.subarray(bomBytes), { stream: true });
    return { kind: "text", encoding: "utf-8", bomBytes };
  } catch {
    return { kind: "text", encoding: "windows-1252", bomBytes };
  }
}

/** The first line (up to a newline outside quotes), or undefined when the sample holds no full line. */
export function firstLine(text: string): string | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if ((c === "\n" || c === "\r") && !quoted) return text.slice(0, i);
  }
  return undefined;
}

/** Separators outside quotes in the header line; the most frequent wins (ties: `,` then `;` then tab). */
export function sniffSeparator(header: string): Separator {
  const counts: Record<Separator, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const c of header) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "," || c === ";" || c === "\t")) counts[c]++;
  }
  const order: Separator[] = [",", ";", "\t"];
  return order.reduce((best, s) => (counts[s] > counts[best] ? s : best), ",");
}

export function separatorName(s: string): string {
  return s === "\t" ? "tab" : `'${s}'`;
}
