// Value formats of PowerMTA directives (reference/powermta.md §1.1). Each check returns undefined when
// the value is well formed, else a short description of what was expected; callers add the line.

const RATE = /^(?:unlimited|0|[0-9]+\/[0-9]*(?:d|day|h|hr|m|min|s|sec))$/i;
const TIME = /^(?:0|(?:[0-9]+[wdhms])+)$/i;
const SIZE = /^[0-9]+[bkmgt]$/i;
const BOOL = /^(?:yes|no|true|false)$/i;
const INT = /^[0-9]+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+$/;
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const IPV4 =
  /^(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

function isIp(text: string): boolean {
  return isIpv4(text) || (/^[0-9a-f:]+$/i.test(text) && text.includes(":"));
}

/** An address or a network: `1.2.3.4`, `1.2.3.0/24`, `0/0` (PowerMTA's shorthand), `::1`. */
export function isCidr(text: string): boolean {
  if (text === "0/0") return true;
  const [ip, mask, extra] = text.split("/");
  if (extra !== undefined || ip === undefined || !isIp(ip)) return false;
  if (mask === undefined) return true;
  return INT.test(mask) && Number(mask) <= (ip.includes(":") ? 128 : 32);
}

export type ValueKind =
  | "any"
  | "bool"
  | "int"
  | "rate"
  | "rate-list"
  | "time"
  | "time-or-never"
  | "time-list"
  | "size"
  | "name"
  | "email"
  | "host"
  | "path"
  | "cidr-level"
  | "listener"
  | "source-host"
  | "domain-key"
  | "domain-macro"
  | "records"
  | "record-fields"
  | "include"
  | "dkim-sign"
  | "api-key";

const ACCESS_LEVELS = ["monitor", "monitor,deny-logs", "operator", "admin", "none"];
const RECORD_TYPES = [
  "d",
  "b",
  "t",
  "tq",
  "r",
  "f",
  "rb",
  "rs",
  "delivery",
  "bounce",
  "transient",
  "transient-queue",
  "receipt",
  "feedback-loop",
  "remote-bounce",
  "remote-status",
];

export function isRecordType(text: string): boolean {
  return RECORD_TYPES.includes(text.toLowerCase());
}

const listOf = (value: string) => value.split(",").map((s) => s.trim());

/** Undefined when `value` is a well-formed value of `kind`, else what was expected. */
export function checkValue(kind: ValueKind, value: string): string | undefined {
  const v = value.trim();
  if (kind !== "any" && v === "") return "a value";
  switch (kind) {
    case "any":
      return undefined;
    case "bool":
      return BOOL.test(v) ? undefined : "yes, no, true or false";
    case "int":
      return INT.test(v) ? undefined : "a whole number";
    case "rate":
      return RATE.test(v) ? undefined : "a rate: unlimited, 0 or N/[M]{d|h|m|s}, e.g. 500/h or 83/10m";
    case "rate-list":
      return listOf(v).every((r) => RATE.test(r))
        ? undefined
        : "a comma-separated list of rates, e.g. 50/d,100/d";
    case "time":
      return TIME.test(v) ? undefined : "a time interval, e.g. 10m, 4d12h or 300s";
    case "time-or-never":
      return v === "never" || TIME.test(v) ? undefined : "a time interval (e.g. 8d) or never";
    case "time-list":
      return listOf(v).every((t) => TIME.test(t))
        ? undefined
        : "a comma-separated list of time intervals, e.g. 10m,1h";
    case "size":
      return SIZE.test(v) ? undefined : "a size: N{b|k|m|g|t}, e.g. 50M or 1G";
    case "name":
      return NAME.test(v) ? undefined : "a name (letters, digits, '.', '_' and '-')";
    case "email":
      return EMAIL.test(v) ? undefined : "an email address";
    case "host":
      return HOST.test(v) ? undefined : "a host name";
    case "path":
      return v.startsWith("/") && !/\s/.test(v) ? undefined : "an absolute path without spaces";
    case "include":
      return (v.startsWith("/") || /^https?:\/\//.test(v)) && !/\s/.test(v)
        ? undefined
        : "an absolute path (wildcards allowed) or an http(s) URL";
    case "cidr-level": {
      const [cidr, level, extra] = v.split(/\s+/);
      return cidr !== undefined &&
        isCidr(cidr) &&
        level !== undefined &&
        ACCESS_LEVELS.includes(level) &&
        !extra
        ? undefined
        : "CIDR { monitor[,deny-logs] | operator | admin | none }";
    }
    case "listener": {
      const [addr, ...opts] = v.split(/\s+/);
      const m = /^(.*):([0-9]{1,5})$/.exec(addr ?? "");
      const okOpts = opts.every((o) => /^source=[A-Za-z0-9][A-Za-z0-9._-]*$/.test(o));
      return m && isCidr(m[1]!) && Number(m[2]) <= 65535 && okOpts ? undefined : "CIDR:PORT [source=NAME]";
    }
    case "source-host": {
      const [ip, host, extra] = v.split(/\s+/);
      if (ip !== undefined && host !== undefined && !isCidr(ip) && isCidr(host)) {
        return "IP first, then the host name (smtp-source-host IP HOST-NAME)";
      }
      return ip !== undefined && isCidr(ip) && host !== undefined && HOST.test(host) && !extra
        ? undefined
        : "IP HOST-NAME, e.g. 203.0.113.10 mail1.example.com";
    }
    case "domain-key": {
      const parts = listOf(v);
      const [selector, domain, file] = parts;
      return parts.length === 3 &&
        NAME.test(selector ?? "") &&
        (domain === "*" || HOST.test(domain ?? "")) &&
        (file?.startsWith("/") || file?.startsWith("{vault}:"))
        ? undefined
        : "SELECTOR, DOMAIN, KEYFILE, e.g. s1, example.com, /etc/pmta/dkim/example.com.s1.pem";
    }
    case "domain-macro": {
      const m = /^([A-Za-z0-9_]+)\s+(.+)$/.exec(v);
      return m && listOf(m[2]!).every((d) => d !== "" && !/\s/.test(d))
        ? undefined
        : "NAME list, e.g. gmail gmail.com, googlemail.com (macro names: letters, digits and _)";
    }
    case "dkim-sign":
      return BOOL.test(v) || v === "if-x-dkim-options-present"
        ? undefined
        : "yes, no, true, false or if-x-dkim-options-present";
    case "api-key":
      return /^[A-Za-z0-9_]{32,128}$/.test(v) ? undefined : "32 to 128 characters from A-Z, a-z, 0-9 and _";
    case "records":
      return listOf(v).every(isRecordType)
        ? undefined
        : "a comma-separated list of record types: d, b, t, tq, r, f, rb, rs (or their long names)";
    case "record-fields": {
      const m = /^(\S+)\s+(\S+)$/.exec(v);
      return m &&
        isRecordType(m[1]!) &&
        listOf(m[2]!).every((f) => /^!?(?:\*|[A-Za-z][A-Za-z0-9_-]*)$/.test(f))
        ? undefined
        : "TYPE FIELD-LIST, e.g. d *,header_Message-Id";
    }
  }
}
