// The blocklists we watch (reference §3.2–3.3), each with its zone, what its answers mean and what the
// gates do about them. In code until the inventory schema holds `monitoring.blocklists`; the inventory's
// entries will override these by id. SORBS is absent on purpose: its zones were emptied in 2024, and a
// dead zone can later answer "listed" for everything.
import { ConfigError } from "../errors.ts";

/** What a listing does to sending: pause the IP/domain, hold its warm-up, or only report it. */
export type ListSeverity = "pause" | "hold" | "info";

export interface CodeMeaning {
  readonly meaning: string;
  readonly severity: ListSeverity;
}

export interface BlocklistDefinition {
  readonly id: string;
  readonly name: string;
  readonly kind: "ip" | "domain";
  /** Public zone; with a key, `keyedZone` with {key} replaced is queried instead. */
  readonly zone: string;
  readonly keyedZone?: string;
  /** The list answers only with a key (Abusix, ZRD): off until one is given. */
  readonly requiresKey?: boolean;
  readonly ipv6?: boolean;
  /** Exact answers (127.x.y.z) → meaning; or bit values for `bitmask` lists. */
  readonly codes: Readonly<Record<string, CodeMeaning>>;
  readonly bitmask?: boolean;
  /** Answers that mean "not answered" (refused, over quota, wrong query): never a listing. */
  readonly refusals: readonly string[];
  /** For a 127/8 answer missing from `codes`. */
  readonly unknownCode: CodeMeaning;
  readonly delisting: string;
  /**
   * The entry the list always lists (RFC 5782 §5: 127.0.0.2 for IP lists, "test" for domain lists),
   * when the list publishes another one.
   */
  readonly testEntry?: string;
}

// Spamhaus's error answers (reference §3.4): typo in zone, public/open resolver, too many queries.
const SPAMHAUS_REFUSALS = ["127.255.255.252", "127.255.255.254", "127.255.255.255"];
const pause = (meaning: string): CodeMeaning => ({ meaning, severity: "pause" });
const hold = (meaning: string): CodeMeaning => ({ meaning, severity: "hold" });
const info = (meaning: string): CodeMeaning => ({ meaning, severity: "info" });

export const DEFAULT_BLOCKLISTS: readonly BlocklistDefinition[] = [
  {
    id: "spamhaus-zen",
    name: "Spamhaus ZEN",
    kind: "ip",
    zone: "zen.spamhaus.org",
    keyedZone: "{key}.zen.dq.spamhaus.net",
    ipv6: true,
    codes: {
      "127.0.0.2": pause("SBL: Spamhaus block list"),
      "127.0.0.3": pause("CSS: snowshoe spam"),
      "127.0.0.4": pause("XBL: exploited host"),
      "127.0.0.9": pause("DROP: hijacked network"),
      // PBL on a dedicated sending IP is a configuration error: ask for removal before sending.
      "127.0.0.10": hold("PBL (ISP): not meant to send mail directly; request PBL removal"),
      "127.0.0.11": hold("PBL (Spamhaus): not meant to send mail directly; request PBL removal"),
      "127.0.0.30": pause("BCL: botnet controller"),
    },
    refusals: SPAMHAUS_REFUSALS,
    unknownCode: pause("listed (unknown ZEN code)"),
    delisting: "https://check.spamhaus.org (Removal Center)",
  },
  {
    id: "spamcop",
    name: "SpamCop",
    kind: "ip",
    zone: "bl.spamcop.net",
    codes: { "127.0.0.2": pause("reported by SpamCop users") },
    refusals: [],
    unknownCode: pause("listed"),
    delisting: "automatic about 24 h after reports stop",
  },
  {
    id: "barracuda",
    name: "Barracuda BRBL",
    kind: "ip",
    zone: "b.barracudacentral.org",
    codes: { "127.0.0.2": pause("poor reputation") },
    refusals: [],
    unknownCode: pause("listed"),
    delisting:
      "https://www.barracudacentral.org/rbl/removal-request (the querying resolver must be registered)",
  },
  {
    id: "uceprotect-1",
    name: "UCEPROTECT level 1",
    kind: "ip",
    zone: "dnsbl-1.uceprotect.net",
    codes: { "127.0.0.2": hold("spam trap hits from this IP") },
    refusals: [],
    unknownCode: hold("listed"),
    delisting: "expires 7 days after the last trap hit",
  },
  {
    id: "uceprotect-2",
    name: "UCEPROTECT level 2",
    kind: "ip",
    zone: "dnsbl-2.uceprotect.net",
    codes: { "127.0.0.2": info("neighbourhood (allocation) listing: report only") },
    refusals: [],
    unknownCode: info("listed"),
    delisting: "clears when the neighbourhood does",
  },
  {
    id: "psbl",
    name: "PSBL",
    kind: "ip",
    zone: "psbl.surriel.com",
    codes: { "127.0.0.2": hold("spam trap hits") },
    refusals: [],
    unknownCode: hold("listed"),
    delisting: "https://psbl.org (self-service removal)",
  },
  {
    id: "spamrats",
    name: "SpamRATS",
    kind: "ip",
    zone: "all.spamrats.com",
    codes: {
      "127.0.0.36": hold("RATS-Dyna: looks like a dynamic address"),
      "127.0.0.37": hold("RATS-NoPtr: no reverse DNS"),
      "127.0.0.38": hold("RATS-Spam: spam seen"),
    },
    refusals: [],
    unknownCode: hold("listed"),
    delisting: "https://www.spamrats.com/removal.php",
  },
  {
    id: "mailspike",
    name: "Mailspike",
    kind: "ip",
    zone: "bl.mailspike.net",
    codes: {
      "127.0.0.2": hold("zombie"),
      "127.0.0.10": hold("worst reputation"),
      "127.0.0.11": hold("very bad reputation"),
      "127.0.0.12": hold("bad reputation"),
    },
    refusals: [],
    unknownCode: hold("listed"),
    delisting: "automatic, or on request at mailspike.org",
  },
  {
    id: "abusix",
    name: "Abusix Mail Intelligence",
    kind: "ip",
    zone: "combined.mail.abusix.zone",
    keyedZone: "{key}.combined.mail.abusix.zone",
    requiresKey: true,
    codes: {},
    refusals: [],
    // Codes not researched (reference §3.2 row 8): any listing holds until mapped.
    unknownCode: hold("listed (codes not mapped yet)"),
    delisting: "https://lookup.abusix.com",
  },
  {
    id: "spamhaus-dbl",
    name: "Spamhaus DBL",
    kind: "domain",
    zone: "dbl.spamhaus.org",
    keyedZone: "{key}.dbl.dq.spamhaus.net",
    codes: {
      "127.0.1.2": pause("low-reputation (spam) domain"),
      "127.0.1.4": pause("phishing domain"),
      "127.0.1.5": pause("malware domain"),
      "127.0.1.6": pause("botnet C&C domain"),
      "127.0.1.102": hold("abused legitimate domain: spam"),
      "127.0.1.103": hold("abused legitimate domain: redirector"),
      "127.0.1.104": hold("abused legitimate domain: phishing"),
      "127.0.1.105": hold("abused legitimate domain: malware"),
      "127.0.1.106": hold("abused legitimate domain: botnet C&C"),
    },
    // 127.0.1.255: an IP was queried against the domain list.
    refusals: [...SPAMHAUS_REFUSALS, "127.0.1.255"],
    unknownCode: pause("listed (unknown DBL code)"),
    delisting: "https://check.spamhaus.org",
    // Spamhaus's published DBL test point (answers 127.0.1.2); seen in several clients, not in the reference.
    testEntry: "dbltest.com",
  },
  {
    id: "spamhaus-zrd",
    name: "Spamhaus ZRD",
    kind: "domain",
    zone: "zrd.dq.spamhaus.net",
    keyedZone: "{key}.zrd.dq.spamhaus.net",
    requiresKey: true,
    codes: Object.fromEntries(
      Array.from({ length: 23 }, (_, i) => [`127.0.2.${i + 2}`, hold(`domain first seen ${i} h ago`)]),
    ),
    refusals: SPAMHAUS_REFUSALS,
    unknownCode: hold("recently registered domain"),
    delisting: "none: wait until the domain is older than 24 h",
  },
  {
    id: "surbl",
    name: "SURBL multi",
    kind: "domain",
    zone: "multi.surbl.org",
    bitmask: true,
    codes: {
      "8": pause("PH: phishing"),
      "16": pause("MW: malware"),
      "64": pause("ABUSE: spam"),
      "128": pause("CR: cracked site"),
    },
    // 127.0.0.1: access blocked (public resolver or over quota), as URIBL's.
    refusals: ["127.0.0.1"],
    unknownCode: hold("listed (unknown SURBL bit)"),
    delisting: "https://www.surbl.org/surbl-analysis",
    testEntry: "test.surbl.org",
  },
  {
    id: "uribl",
    name: "URIBL multi",
    kind: "domain",
    zone: "multi.uribl.com",
    bitmask: true,
    codes: { "2": pause("black"), "4": hold("grey"), "8": hold("red") },
    // 127.0.0.1: query refused (public resolver or over quota).
    refusals: ["127.0.0.1"],
    unknownCode: hold("listed (unknown URIBL bit)"),
    delisting: "https://admin.uribl.com",
    testEntry: "test.uribl.com",
  },
];

/** A list as queried: with its zone chosen (the key is inside `zone`: never print `zone`). */
export interface ActiveBlocklist {
  readonly definition: BlocklistDefinition;
  readonly zone: string;
}

export interface BlocklistSettings {
  /** List ids to turn off (e.g. barracuda when the resolver is not registered). */
  readonly disabled?: readonly string[];
  /** Keys by list id (DQS key for spamhaus-*, Abusix key), read from secrets by the caller. */
  readonly keys?: Readonly<Record<string, string>>;
  /** Zone overrides by list id (tests point lists at local zones). */
  readonly zones?: Readonly<Record<string, string>>;
  /** Extra or replacement definitions (same id replaces). */
  readonly lists?: readonly BlocklistDefinition[];
}

export function activeBlocklists(settings: BlocklistSettings = {}): ActiveBlocklist[] {
  const byId = new Map(DEFAULT_BLOCKLISTS.map((d) => [d.id, d]));
  for (const d of settings.lists ?? []) byId.set(d.id, d);
  const active: ActiveBlocklist[] = [];
  for (const definition of [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (settings.disabled?.includes(definition.id)) continue;
    const key = settings.keys?.[definition.id];
    // The key becomes a DNS label: anything else could redirect the query (and the message stays key-free).
    if (key !== undefined && !/^[a-z0-9]{8,64}$/i.test(key))
      throw new ConfigError(`the key for blocklist ${definition.id} is not 8-64 letters and digits`);
    const override = settings.zones?.[definition.id];
    if (override !== undefined) active.push({ definition, zone: override });
    else if (key !== undefined && definition.keyedZone !== undefined)
      active.push({ definition, zone: definition.keyedZone.replace("{key}", key) });
    else if (!definition.requiresKey) active.push({ definition, zone: definition.zone });
  }
  return active;
}
