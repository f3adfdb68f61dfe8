// Walking MailWizz's paged indexes (reference §2.5). per_page is clamped by the server to 10–50, so
// we ask for 50 and follow `next_page`; `count` is a JSON string; an empty index has nulls everywhere;
// a page past the end echoes current_page with no records. We stop on the first of: no next_page, an
// empty page, or a page bound that protects against a server that keeps answering next_page.
import type { FormParams } from "./form.ts";
import type { Transport } from "./transport.ts";
import { num, obj } from "./types.ts";

export const PER_PAGE = 50;
const MAX_PAGES = 100_000;

export interface Page {
  /** Total records (0 when MailWizz sent null). */
  readonly count: number;
  readonly totalPages: number;
  readonly currentPage: number;
  readonly nextPage: number | null;
  readonly records: readonly unknown[];
}

/** Reads the `data` of one paged answer. */
export function readPage(data: unknown): Page {
  const d = obj(data);
  const next = d.next_page;
  return {
    count: num(d.count),
    totalPages: num(d.total_pages),
    currentPage: num(d.current_page),
    nextPage: typeof next === "number" || (typeof next === "string" && next !== "") ? num(next) : null,
    records: Array.isArray(d.records) ? (d.records as unknown[]) : [],
  };
}

/** Every record of a paged index, in the server's order, one page at a time. */
export async function* allRecords(
  transport: Transport,
  route: string,
  query: FormParams = {},
): AsyncGenerator<unknown> {
  let page = 1;
  for (let seen = 0; seen < MAX_PAGES; seen += 1) {
    const envelope = await transport.request({
      method: "GET",
      route,
      query: { ...query, page, per_page: PER_PAGE },
      retry: "safe",
    });
    const current = readPage(envelope.data);
    yield* current.records;
    if (current.records.length === 0 || current.nextPage === null || current.nextPage <= page) return;
    page = current.nextPage;
  }
}

/** Collects a whole paged index, mapping each record. */
export async function collect<T>(
  transport: Transport,
  route: string,
  map: (record: unknown) => T,
  query: FormParams = {},
): Promise<T[]> {
  const out: T[] = [];
  for await (const record of allRecords(transport, route, query)) out.push(map(record));
  return out;
}
