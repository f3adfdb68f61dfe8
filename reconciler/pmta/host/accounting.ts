// Pure parsers for PowerMTA accounting files (reference/powermta.md §4): RFC 4180 CSV whose header line
// names the columns (column 1 is always `type`), turned into typed events. Record types: d delivered,
// b bounced (local), rb remote bounce, f feedback-loop complaint, t / tq transient (deferred).

export interface CsvParse {
  rows: string[][];
  /** Characters of `text` holding complete records (the rest is an unfinished record). */
  consumed: number;
}

/**
 * Parse CSV records. A record ends at a newline outside quotes; with `final` the text's end also ends
 * one. Quoted fields may hold commas, newlines and "" (an escaped quote).
 */
export function parseCsv(text: string, final: boolean): CsvParse {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let consumed = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      consumed = i + 1;
    } else field += c;
  }
  if (final && !quoted && (field !== "" || row.length > 0)) {
    row.push(field);
    rows.push(row);
    consumed = text.length;
  }
  return { rows: rows.filter((r) => !(r.length === 1 && r[0] === "")), consumed };
}

/** Categories that mean the address will never work: suppress it (BH's default list, §4.3). */
export const HARD_BOUNCE_CATEGORIES: readonly string[] = [
  "bad-domain",
  "bad-mailbox",
  "inactive-mailbox",
  "routing-errors",
];

export type BounceClass = "hard" | "soft";

export function bounceClassOf(category: string): BounceClass {
  return HARD_BOUNCE_CATEGORIES.includes(category) ? "hard" : "soft";
}

interface EventBase {
  recordType: string;
  /** ISO 8601 UTC, from timeLogged (or null when absent or unreadable). */
  time: string | null;
  vmta: string | null;
  sourceIp: string | null;
  recipient: string | null;
  recipientDomain: string | null;
  messageId: string | null;
  feedbackId: string | null;
  jobId: string | null;
}

export type AcctEvent =
  | (EventBase & { kind: "delivered"; dsnStatus: string | null })
  | (EventBase & {
      kind: "bounced";
      /** rb: an asynchronous DSN from the remote side; b: refused during the SMTP session. */
      remote: boolean;
      category: string;
      bounceClass: BounceClass;
      dsnStatus: string | null;
      dsnDiag: string | null;
    })
  | (EventBase & { kind: "complaint"; feedbackType: string | null })
  | (EventBase & {
      kind: "deferred";
      /** tq: the whole domain/vmta queue failed an attempt; t: one recipient. */
      queueWide: boolean;
      category: string | null;
      dsnStatus: string | null;
      dsnDiag: string | null;
    });

/** "2016-05-29 01:10:51+0200" (iso-times yes) or a Unix time_t → ISO UTC. */
export function parseAcctTime(value: string | null): string | null {
  if (!value) return null;
  if (/^\d{9,11}$/.test(value)) return new Date(Number(value) * 1000).toISOString();
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})([+-]\d{2}):?(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const date = new Date(`${m[1]}T${m[2]}${m[3]}:${m[4]}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function domainOf(address: string | null): string | null {
  if (!address) return null;
  const at = address.lastIndexOf("@");
  return at < 0 ? null : address.slice(at + 1).toLowerCase() || null;
}

export interface AcctParse {
  events: AcctEvent[];
  /** Rows of other record types (r, rs), header repeats and malformed rows. */
  skipped: number;
}

/** Turn rows into events using `header` (the file's first line, split). Header rows in `rows` are skipped. */
export function rowsToEvents(header: readonly string[], rows: readonly (readonly string[])[]): AcctParse {
  const index = new Map(header.map((name, i) => [name.toLowerCase(), i]));
  const events: AcctEvent[] = [];
  let skipped = 0;
  for (const row of rows) {
    const get = (...names: string[]): string | null => {
      for (const name of names) {
        const i = index.get(name.toLowerCase());
        const value = i === undefined ? undefined : row[i];
        if (value !== undefined && value !== "") return value;
      }
      return null;
    };
    const type = row[0] ?? "";
    const recipient = get("rcpt", "orcpt");
    const base: EventBase = {
      recordType: type,
      time: parseAcctTime(get("timeLogged")),
      vmta: get("vmta"),
      sourceIp: get("dlvSourceIp", "repSourceIp"),
      recipient,
      recipientDomain: domainOf(recipient),
      messageId: get("header_Message-Id"),
      feedbackId: get("header_Feedback-ID"),
      jobId: get("jobId"),
    };
    const dsn = { dsnStatus: get("dsnStatus"), dsnDiag: get("dsnDiag") };
    switch (type) {
      case "d":
        events.push({ ...base, kind: "delivered", dsnStatus: dsn.dsnStatus });
        break;
      case "b":
      case "rb": {
        const category = get("bounceCat") ?? "other";
        events.push({
          ...base,
          kind: "bounced",
          remote: type === "rb",
          category,
          bounceClass: bounceClassOf(category),
          ...dsn,
        });
        break;
      }
      case "f":
        events.push({ ...base, kind: "complaint", feedbackType: get("feedbackType") });
        break;
      case "t":
      case "tq":
        events.push({
          ...base,
          kind: "deferred",
          queueWide: type === "tq",
          category: get("bounceCat"),
          ...dsn,
        });
        break;
      default:
        skipped++; // "type" (a header line), r, rs, or something unknown
    }
  }
  return { events, skipped };
}

/** A whole accounting file's text (header line first). */
export function parseAccountingCsv(text: string): AcctParse {
  const { rows } = parseCsv(text, true);
  const [header, ...rest] = rows;
  if (!header || header[0] !== "type")
    throw new Error('Not a PowerMTA accounting CSV: the first column must be "type"');
  return rowsToEvents(header, rest);
}
