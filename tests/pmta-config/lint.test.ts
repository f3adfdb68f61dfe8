// Table-driven: each bad config names the exact line and message the linter reports. A small valid
// config is the base; every case changes one thing.
import { describe, expect, it } from "vitest";
import { lintPmtaConfig } from "../../reconciler/pmta/config/index.ts";

const valid = `postmaster postmaster@example.com
host-name pmta.example.com
log-file /var/log/pmta/pmta.log
domain-macro gmail gmail.com, googlemail.com
<smtp-pattern-list backoff>
    reply /too many connections/ skip-mx
</smtp-pattern-list>
<virtual-mta v1>
    smtp-source-host 203.0.113.10 mail1.a.example
    domain-key s1, a.example, /etc/pmta/dkim/a.example.s1.pem
    domain-key s1, b.example, /etc/pmta/dkim/b.example.s1.pem
    max-smtp-msg-rate 500/d
    <domain gmail.com>
        max-msg-rate 10/h
    </domain>
</virtual-mta>
<virtual-mta v2>
    smtp-source-host 203.0.113.11 mail1.b.example
    domain-key s1, a.example, /etc/pmta/dkim/a.example.s1.pem
    domain-key s1, b.example, /etc/pmta/dkim/b.example.s1.pem
    max-smtp-msg-rate 50/d
</virtual-mta>
<virtual-mta-pool pool>
    virtual-mta v1
    virtual-mta v2
</virtual-mta-pool>
<source 0/0>
    require-auth true
</source>
<source 127.0.0.1>
    require-auth false
    default-virtual-mta pool
</source>
<domain *>
    dkim-sign yes
    smtp-pattern-list backoff
    retry-after 10m,1h
</domain>
<domain $gmail>
    max-smtp-out 5
</domain>
<acct-file /var/log/pmta/acct.csv>
    records d,b,f,rb
    record-fields d *,header_Message-Id,header_Feedback-ID
</acct-file>
`;

/** The valid config with `from` replaced by `to` (once; the fixture must contain `from`). */
function edit(from: string, to: string): string {
  if (!valid.includes(from)) throw new Error(`base config has no ${JSON.stringify(from)}`);
  return valid.replace(from, to);
}

interface Case {
  readonly name: string;
  readonly text: string;
  readonly line: number;
  readonly message: string;
  /** Further errors the same mistake causes, as [line, message]. */
  readonly also?: readonly (readonly [number, string])[];
}

const cases: Case[] = [
  // --- blocks ---
  {
    name: "unclosed block",
    text: valid.replace("</acct-file>\n", ""),
    line: 42,
    message: "<acct-file> is never closed: add </acct-file>",
  },
  {
    name: "closing tag without opening",
    text: `${valid}</domain>\n`,
    line: 46,
    message: "</domain> has no matching <domain>",
  },
  {
    name: "misnested blocks",
    text: edit(
      "        max-msg-rate 10/h\n    </domain>\n</virtual-mta>",
      "        max-msg-rate 10/h\n</virtual-mta>\n    </domain>",
    ),
    line: 15,
    message: "</virtual-mta> closes <virtual-mta> (line 8) while <domain> (line 13) is still open",
    also: [[16, "</domain> has no matching <domain>"]],
  },
  {
    name: "malformed tag",
    text: `${valid}<virtual-mta v3\n`,
    line: 46,
    message: "malformed tag <virtual-mta v3: expected <name argument>",
  },
  {
    name: "brace block",
    text: `${valid}smtp-listener 0.0.0.0:2525 {\n`,
    line: 46,
    message: "brace blocks are not PowerMTA syntax: use <name arg> … </name>",
  },
  {
    name: "virtual-mta inside domain",
    text: edit("    dkim-sign yes\n", "    dkim-sign yes\n    <virtual-mta v9>\n    </virtual-mta>\n"),
    line: 36,
    message: "<virtual-mta> is not allowed inside <domain>",
  },
  {
    name: "block on the denylist",
    text: `${valid}<limits>\n</limits>\n`,
    line: 46,
    message: "<limits> is not PowerMTA syntax: put limits in <domain> blocks",
  },
  {
    name: "unknown block",
    text: `${valid}<throttle gmail>\n</throttle>\n`,
    line: 46,
    message: "unknown block <throttle>",
  },
  {
    name: "source directive inside a listener block",
    text: `${valid}<smtp-listener 0/0:25>\n    process-x-virtual-mta yes\n</smtp-listener>\n`,
    line: 47,
    message: "unknown directive process-x-virtual-mta in <smtp-listener>",
  },
  {
    name: "the same domain twice in one scope",
    text: `${valid}<domain $gmail>\n    max-smtp-out 4\n</domain>\n`,
    line: 46,
    message: "<domain $gmail> appears twice in this scope (first on line 39)",
  },
  // --- directives: scope and denylist ---
  {
    name: "max-message-rate",
    text: edit("max-msg-rate 10/h", "max-message-rate 10/h"),
    line: 14,
    message:
      "max-message-rate is not PowerMTA syntax: use max-msg-rate in <domain>, or max-smtp-msg-rate in <virtual-mta>",
  },
  {
    name: "smtp-source-ip",
    text: edit("smtp-source-host 203.0.113.11 mail1.b.example", "smtp-source-ip 203.0.113.11"),
    line: 18,
    message: "smtp-source-ip is not PowerMTA syntax: use smtp-source-host IP HOST-NAME",
  },
  {
    name: "max-cold-virtual-mta-msg as a daily cap",
    text: edit("max-smtp-msg-rate 50/d", "max-cold-virtual-mta-msg 50/d"),
    line: 21,
    message:
      "max-cold-virtual-mta-msg is a <domain> directive counting mail diverted to a cold VMTA, not a daily cap: use max-smtp-msg-rate N/d in <virtual-mta>",
  },
  {
    name: "domain directive at VMTA level",
    text: edit("max-smtp-msg-rate 50/d", "max-msg-rate 50/d"),
    line: 21,
    message: "unknown directive max-msg-rate in <virtual-mta>",
  },
  {
    name: "max-msg-size at global level",
    text: `${valid}max-msg-size 10M\n`,
    line: 46,
    message: "max-msg-size is not PowerMTA syntax at global level: use max-message-size in <source>",
  },
  {
    name: "deliver-unmatched-to",
    text: `${valid}deliver-unmatched-to postmaster@example.com\n`,
    line: 46,
    message: "deliver-unmatched-to is not PowerMTA syntax: the real name is forward-unmatched-to",
  },
  {
    name: "format csv in acct-file",
    text: edit("    records d,b,f,rb\n", "    records d,b,f,rb\n    format csv\n"),
    line: 44,
    message: "format is not PowerMTA syntax: acct files are always CSV",
  },
  {
    name: "records all",
    text: edit("records d,b,f,rb", "records all"),
    line: 43,
    message:
      'records "all": expected a comma-separated list of record types: d, b, t, tq, r, f, rb, rs (or their long names)',
  },
  {
    name: "duplicate directive in a block",
    text: edit("    max-smtp-msg-rate 50/d\n", "    max-smtp-msg-rate 50/d\n    max-smtp-msg-rate 60/d\n"),
    line: 22,
    message: "max-smtp-msg-rate is set twice in this block (first on line 21)",
  },
  // --- value formats ---
  {
    name: "rate with a word unit",
    text: edit("max-msg-rate 10/h", "max-msg-rate 10/hour"),
    line: 14,
    message: 'max-msg-rate "10/hour": expected a rate: unlimited, 0 or N/[M]{d|h|m|s}, e.g. 500/h or 83/10m',
  },
  {
    name: "time without unit",
    text: edit("retry-after 10m,1h", "retry-after 10m,1"),
    line: 37,
    message: 'retry-after "10m,1": expected a comma-separated list of time intervals, e.g. 10m,1h',
  },
  {
    name: "size with a bad unit",
    text: edit("    records d,b,f,rb\n", "    records d,b,f,rb\n    max-size 50MB\n"),
    line: 44,
    message: 'max-size "50MB": expected a size: N{b|k|m|g|t}, e.g. 50M or 1G',
  },
  {
    name: "boolean typo",
    text: edit("require-auth true", "require-auth ture"),
    line: 28,
    message: 'require-auth "ture": expected yes, no, true or false',
  },
  {
    name: "smtp-source-host reversed",
    text: edit(
      "smtp-source-host 203.0.113.10 mail1.a.example",
      "smtp-source-host mail1.a.example 203.0.113.10",
    ),
    line: 9,
    message:
      'smtp-source-host "mail1.a.example 203.0.113.10": expected IP first, then the host name (smtp-source-host IP HOST-NAME)',
  },
  {
    name: "# inside a value",
    text: edit("max-smtp-out 5", "max-smtp-out 5#comment"),
    line: 40,
    message:
      "'#' inside a value starts a comment and cuts the value there (write \\x23 in a regex; passwords cannot contain '#')",
  },
  {
    name: "reply with a made-up mode",
    text: edit("reply /too many connections/ skip-mx", "reply /too many connections/ mode=defer"),
    line: 6,
    message: "mode=defer is not a PowerMTA action (mode=backoff or mode=normal; defer-queue to retry later)",
  },
  {
    name: "reply with a quoted string",
    text: edit("reply /too many connections/ skip-mx", 'reply "too many connections" mode=backoff'),
    line: 6,
    message: "reply takes a /REGEX/, not a quoted string",
  },
  // --- names and pools ---
  {
    name: "pool member not declared",
    text: edit("    virtual-mta v2\n</virtual-mta-pool>", "    virtual-mta v3\n</virtual-mta-pool>"),
    line: 25,
    message: "undeclared virtual-mta v3",
  },
  {
    name: "default-virtual-mta not declared",
    text: edit("default-virtual-mta pool", "default-virtual-mta pool2"),
    line: 32,
    message: "undeclared virtual-mta or pool pool2",
  },
  {
    name: "smtp-pattern-list not declared",
    text: edit("smtp-pattern-list backoff\n    retry", "smtp-pattern-list backof\n    retry"),
    line: 36,
    message: "undeclared smtp-pattern-list backof",
  },
  {
    name: "macro not declared",
    text: edit("<domain $gmail>", "<domain $gmial>"),
    line: 39,
    message: "undeclared domain-macro $gmial",
  },
  {
    name: "duplicate VMTA",
    text: edit("<virtual-mta v2>", "<virtual-mta v1>"),
    line: 17,
    message: "virtual-mta v1 is declared twice (first on line 8)",
    also: [[25, "undeclared virtual-mta v2"]],
  },
  {
    name: "a VMTA in two pools",
    text: `${valid}<virtual-mta-pool other>\n    virtual-mta v1\n</virtual-mta-pool>\n`,
    line: 47,
    message: "virtual-mta v1 is in two pools: pool (line 23) and other",
  },
  {
    name: "pool named like a VMTA",
    text: edit("<virtual-mta-pool pool>", "<virtual-mta-pool v2>").replace(
      "default-virtual-mta pool",
      "default-virtual-mta v2",
    ),
    line: 23,
    message: "pool v2 has the name of a virtual-mta (they share one namespace)",
  },
  {
    name: "pool member without the other domain's key",
    text: edit(
      "    domain-key s1, b.example, /etc/pmta/dkim/b.example.s1.pem\n    max-smtp-msg-rate 50/d",
      "    max-smtp-msg-rate 50/d",
    ),
    line: 17,
    message:
      "virtual-mta v2 has no domain-key for b.example, which pool pool sends: its mail would leave unsigned",
  },
  {
    name: "pattern-list used before its declaration",
    text: edit(
      "    default-virtual-mta pool\n</source>",
      "    default-virtual-mta pool\n    pattern-list by-sender\n</source>\n<pattern-list by-sender>\n    mail-from /@a\\.example$/ virtual-mta=v1\n</pattern-list>",
    ),
    line: 33,
    message: "pattern-list by-sender is used before its declaration on line 35 (declare it first)",
  },
  {
    name: "smtp-user naming an undeclared source",
    text: `${valid}<smtp-user app>\n    password Secret-pass-1\n    source app-auth\n</smtp-user>\n`,
    line: 48,
    message: "undeclared named source app-auth",
  },
];

describe("lintPmtaConfig (pure)", () => {
  it("accepts the base config", () => {
    expect(lintPmtaConfig(valid)).toEqual([]);
  });

  it("has at least 25 bad cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)("$name", ({ text, line, message, also = [] }) => {
    expect(lintPmtaConfig(text).filter((p) => p.severity === "error")).toEqual(
      [
        { line, message, severity: "error" },
        ...also.map(([l, m]) => ({ line: l, message: m, severity: "error" })),
      ].sort((a, b) => a.line - b.line),
    );
  });

  it("never echoes a password in a message", () => {
    const text = `${valid}<smtp-user app>\n    password Hunter2-secret#x\n    password Hunter2-secret\n</smtp-user>\n`;
    const problems = lintPmtaConfig(text);
    expect(problems.map((p) => p.message).join("\n")).not.toContain("Hunter2");
    expect(problems.map((p) => p.line)).toEqual([47, 48]);
  });

  it("warns about a macro inside a virtual-mta (unverified)", () => {
    expect(lintPmtaConfig(edit("<domain gmail.com>", "<domain $gmail>"))).toEqual([
      {
        line: 13,
        message: "<domain $gmail> inside <virtual-mta>: macros there are unverified, list the domains",
        severity: "warning",
      },
    ]);
  });

  it("warns about bracket codes that are character classes and a cold-VMTA limit without a cold VMTA", () => {
    const text = edit(
      "reply /too many connections/ skip-mx",
      "reply /[GL01] Message from/ mode=backoff",
    ).replace(
      "    retry-after 10m,1h\n",
      "    retry-after 10m,1h\n    max-cold-virtual-mta-msg 50/d,100/d\n",
    );
    expect(lintPmtaConfig(text)).toEqual([
      {
        line: 6,
        message: "[GL01] is a character class, not the literal code: write \\[GL01\\]",
        severity: "warning",
      },
      {
        line: 38,
        message: "max-cold-virtual-mta-msg without any cold-virtual-mta throttles nothing",
        severity: "warning",
      },
    ]);
  });
});
