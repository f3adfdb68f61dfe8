// `mw_delivery_server.meta_data` is a PHP serialize()d array (ModelMetaDataBehavior). The additional
// headers live under `additional_headers` as a list of {name, value}; the older {name: value} form is
// still read (reference/mailwizz-api.md §4.2). Other keys are kept as they are when headers change.
import { serialize, unserialize } from "php-serialize";
import type { AdditionalHeader } from "./types.ts";

export type MetaData = Record<string, unknown>;

/** Parses meta_data; NULL or empty is an empty map. Throws when the value is not a serialized array. */
export function parseMetaData(raw: Buffer | string | null | undefined): MetaData {
  if (raw === null || raw === undefined || raw.length === 0) return {};
  const value: unknown = unserialize(raw, {}, { strict: false, encoding: "utf8" });
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v as unknown]));
  if (typeof value !== "object" || value === null) throw new Error("meta_data is not a serialized array");
  return value as MetaData;
}

export function headersOf(meta: MetaData): AdditionalHeader[] {
  const raw = meta["additional_headers"];
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) {
    return raw.flatMap((entry: unknown) => {
      if (typeof entry !== "object" || entry === null) return [];
      const { name, value } = entry as { name?: unknown; value?: unknown };
      return typeof name === "string" && name !== "" ? [{ name, value: scalarText(value) }] : [];
    });
  }
  if (typeof raw === "object") {
    // Old form: {"X-Foo": "bar"}.
    return Object.entries(raw as Record<string, unknown>).map(([name, value]) => ({
      name,
      value: scalarText(value),
    }));
  }
  return [];
}

/** meta_data with `additional_headers` replaced, every other key kept. */
export function withHeaders(meta: MetaData, headers: readonly AdditionalHeader[]): string {
  return serialize({ ...meta, additional_headers: headers.map((h) => ({ name: h.name, value: h.value })) });
}

function scalarText(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}
