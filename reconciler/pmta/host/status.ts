// Parsers for `pmta --dom show status` and `pmta --dom show vmtas` (reference/powermta.md §2, §3).
// The --dom format prints one `dotted.path="value"` per line, the XML answer of the HTTP API flattened
// (e.g. `status.conn.smtpOut.cur="0"`, UG §6.2.1, parsed the same way by SCOUT). For `show vmtas` the
// exact paths are not in the reference [I]: any `…vmta….name="X"` line names a VMTA.

/** Flat map of a --dom answer. Later duplicates of a key are kept in order in `all`. */
export interface DomOutput {
  values: Map<string, string>;
  all: readonly (readonly [string, string])[];
}

export function parseDom(text: string): DomOutput {
  const values = new Map<string, string>();
  const all: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z0-9_.:-]+)\s*=\s*"?(.*?)"?\s*$/.exec(line);
    if (!match?.[1]) continue;
    const value = match[2] ?? "";
    all.push([match[1], value]);
    if (!values.has(match[1])) values.set(match[1], value);
  }
  return { values, all };
}

export interface InOut<T> {
  in: T;
  out: T;
}

export interface TrafficCounts {
  rcp: number | null;
  msg: number | null;
  kb: number | null;
}

export interface PmtaStatus {
  product: string | null;
  version: string | null;
  /** "running" on a healthy host. */
  status: string | null;
  conn: Record<"smtpIn" | "smtpOut", { cur: number | null; max: number | null; top: number | null }>;
  traffic: Record<"total" | "lastHr" | "lastMin", InOut<TrafficCounts>>;
  queue: { smtp: { rcp: number | null; dom: number | null; kb: number | null } };
  spool: { files: number | null; initPct: number | null };
  /** Every key/value as printed, for fields not typed above. */
  raw: Record<string, string>;
}

/** Parse `pmta --dom show status`. Throws if nothing in it looks like a status answer. */
export function parseStatus(text: string): PmtaStatus {
  const { values } = parseDom(text);
  const keys = [...values.keys()].filter((k) => k.startsWith("status."));
  if (keys.length === 0) throw new Error("Not a `pmta --dom show status` answer: no status.* line");
  const str = (key: string): string | null => values.get(`status.${key}`) ?? null;
  const num = (key: string): number | null => {
    const value = str(key);
    return value !== null && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : null;
  };
  const conn = (dir: "smtpIn" | "smtpOut") => ({
    cur: num(`conn.${dir}.cur`),
    max: num(`conn.${dir}.max`),
    top: num(`conn.${dir}.top`),
  });
  const counts = (period: string, dir: "in" | "out"): TrafficCounts => ({
    rcp: num(`traffic.${period}.${dir}.rcp`),
    msg: num(`traffic.${period}.${dir}.msg`),
    kb: num(`traffic.${period}.${dir}.kb`),
  });
  const traffic = (period: string): InOut<TrafficCounts> => ({
    in: counts(period, "in"),
    out: counts(period, "out"),
  });
  return {
    product: str("product"),
    version: str("version"),
    status: str("status"),
    conn: { smtpIn: conn("smtpIn"), smtpOut: conn("smtpOut") },
    traffic: { total: traffic("total"), lastHr: traffic("lastHr"), lastMin: traffic("lastMin") },
    queue: { smtp: { rcp: num("queue.smtp.rcp"), dom: num("queue.smtp.dom"), kb: num("queue.smtp.kb") } },
    spool: { files: num("spool.files"), initPct: num("spool.initPct") },
    raw: Object.fromEntries([...values].filter(([k]) => k.startsWith("status."))),
  };
}

/** VMTA names in a `pmta --dom show vmtas` answer, sorted and unique. */
export function parseVmtaNames(text: string): string[] {
  const names = new Set<string>();
  for (const [key, value] of parseDom(text).all) {
    const parts = key.split(".");
    if (parts.at(-1) === "name" && parts.some((p) => p === "vmta") && value !== "") names.add(value);
  }
  return [...names].sort();
}
