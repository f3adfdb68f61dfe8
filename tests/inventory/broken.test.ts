// Table-driven: each broken inventory names the exact FILE:LINE:COL, path and message of its error.
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../reconciler/inventory/problem.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import type { Edit } from "../helpers/inventory.ts";
import { inventoryWith } from "../helpers/inventory.ts";

interface Case {
  readonly name: string;
  readonly edits: readonly Edit[];
  /** First line of each expected error, `FILE:LINE:COL: PATH: message`, in output order. */
  readonly errors: readonly string[];
}

const ip1 = "  - address: 203.0.113.11\n    hostname: mail1.ulixai-mail.com";

const cases: Case[] = [
  // --- YAML syntax ---
  {
    name: "tab indentation",
    edits: [{ file: "platform.yaml", replace: "  name: email-engine", with: "\tname: email-engine" }],
    errors: ["platform.yaml:3:1: (yaml): YAML TAB_AS_INDENT: Tabs are not allowed as indentation"],
  },
  {
    name: "duplicate key in one file",
    edits: [
      { file: "servers.yaml", replace: "    type: cpx21\n", with: "    type: cpx21\n    type: cpx31\n" },
    ],
    errors: ["servers.yaml:13:5: (yaml): YAML DUPLICATE_KEY: Map keys must be unique"],
  },
  {
    name: "unclosed flow mapping",
    edits: [{ file: "platform.yaml", replace: "{ start: 8, end: 20 }", with: "{ start: 8, end: 20" }],
    errors: [
      "platform.yaml:6:3: (yaml): YAML BAD_INDENT: Flow map in block collection must be sufficiently indented and end with a }",
    ],
  },
  {
    name: "file that is a list, not sections",
    edits: [{ file: "extra.yaml", content: "- just\n- a list\n" }],
    errors: ["extra.yaml:1:1: (root): the file is not a mapping of sections"],
  },
  // --- merge conflicts across files ---
  {
    name: "a domain defined in two files",
    edits: [
      {
        file: "more-domains.yaml",
        content:
          "domains:\n  sos-mail.com:\n    tenant: sos-expat\n    dkim: { selector: ee2 }\n    spf: { qualifier: '-all' }\n    dmarc: { policy: none, rua: 'mailto:d@sos-mail.com' }\n",
      },
    ],
    errors: [
      'more-domains.yaml:2:3: domains["sos-mail.com"]: `sos-mail.com` is defined twice (first at domains.yaml:3)',
    ],
  },
  {
    name: "platform defined in two files",
    edits: [{ file: "zz.yaml", content: "platform:\n  name: other\n  timezone: UTC\n" }],
    errors: ["zz.yaml:1:1: platform: section `platform` is defined twice (first at platform.yaml:2)"],
  },
  // --- schema: types, required, unknown keys, enums, patterns, ranges ---
  {
    name: "unknown top-level section",
    edits: [{ file: "extra.yaml", content: "campains: {}\n" }],
    errors: ["extra.yaml:1:1: campains: unknown key `campains`"],
  },
  {
    name: "misspelt key with a suggestion",
    edits: [{ file: "ips.yaml", replace: "    vmta: pmta-vmta1", with: "    vtma: pmta-vmta1" }],
    errors: [
      "ips.yaml:10:5: ips[1].vmta: missing required key `vmta`",
      "ips.yaml:13:5: ips[1].vtma: unknown key `vtma`",
    ],
  },
  {
    name: "quota written as text",
    edits: [
      { file: "warmup.yaml", replace: "{ days: 7, quota: 200 }", with: '{ days: 7, quota: "200/day" }' },
    ],
    errors: [
      'warmup.yaml:7:27: schedules.six-weeks.steps[1].quota: expected a whole number, found a string "200/day"',
    ],
  },
  {
    name: "missing required tenant on a domain",
    edits: [
      {
        file: "domains.yaml",
        replace:
          '    tenant: ulixai\n    dkim: { selector: ee1, bits: 2048 }\n    spf: { qualifier: "-all" }\n    dmarc: { policy: none, rua: "mailto:dmarc@ulixai-mail.com" }',
        with: '    dkim: { selector: ee1, bits: 2048 }\n    spf: { qualifier: "-all" }\n    dmarc: { policy: none, rua: "mailto:dmarc@ulixai-mail.com" }',
      },
    ],
    errors: ['domains.yaml:22:5: domains["ulixai-mail.com"].tenant: missing required key `tenant`'],
  },
  {
    name: "DMARC policy not in the enum",
    edits: [
      {
        file: "domains.yaml",
        replace: 'dmarc: { policy: none, rua: "mailto:dmarc@sos-mail.com" }',
        with: 'dmarc: { policy: block, rua: "mailto:dmarc@sos-mail.com" }',
      },
    ],
    errors: ['domains.yaml:7:22: domains["sos-mail.com"].dmarc.policy: "block" is not allowed'],
  },
  {
    name: "DMARC rua without mailto:",
    edits: [
      {
        file: "domains.yaml",
        replace: 'rua: "mailto:dmarc@expat-services.com"',
        with: 'rua: "dmarc@expat-services.com"',
      },
    ],
    errors: [
      'domains.yaml:13:33: domains["expat-services.com"].dmarc.rua: "dmarc@expat-services.com" is not in the expected form',
    ],
  },
  {
    name: "DKIM key too short for the enum",
    edits: [
      {
        file: "domains.yaml",
        replace:
          'dkim: { selector: ee1, bits: 2048 }\n    spf: { qualifier: "-all" }\n    dmarc: { policy: none, rua: "mailto:dmarc@expat-connect.com" }',
        with: 'dkim: { selector: ee1, bits: 512 }\n    spf: { qualifier: "-all" }\n    dmarc: { policy: none, rua: "mailto:dmarc@expat-connect.com" }',
      },
    ],
    errors: ['domains.yaml:17:34: domains["expat-connect.com"].dkim.bits: 512 is not allowed'],
  },
  {
    name: "upper-case domain name as a key",
    edits: [{ file: "domains.yaml", replace: "  global-expat.com:", with: "  Global-Expat.com:" }],
    errors: ['domains.yaml:27:3: domains["Global-Expat.com"]: "Global-Expat.com" is not a valid name here'],
  },
  {
    name: "start date that is not a date",
    edits: [
      {
        file: "ips.yaml",
        replace: "warmup: { start: 2026-11-30 }\n  - address: 203.0.113.14",
        with: "warmup: { start: 2026-02-30 }\n  - address: 203.0.113.14",
      },
    ],
    errors: ['ips.yaml:27:22: ips[3].warmup.start: "2026-02-30" is not a valid date'],
  },
  {
    name: "threshold over 100 %",
    edits: [
      {
        file: "warmup.yaml",
        replace: "hardBounce: { hold: 2, pause: 5 }",
        with: "hardBounce: { hold: 2, pause: 500 }",
      },
    ],
    errors: ["warmup.yaml:34:35: gates.default.hardBounce.pause: 500 is out of range"],
  },
  {
    name: "secret given as a literal value",
    edits: [
      {
        file: "tenants/ulixai.yaml",
        replace: "apiKey: { env: MAILWIZZ_API_KEY_ULIXAI }",
        with: "apiKey: 3f9a7c1e0b2d",
      },
    ],
    errors: [
      'tenants/ulixai.yaml:12:15: tenants.ulixai.mailwizz.apiKey: expected a mapping (key: value lines), found a string "3f9a7c1e0b2d"',
    ],
  },
  {
    name: "secret with both env and file",
    edits: [
      {
        file: "tenants/ulixai.yaml",
        replace: "apiKey: { env: MAILWIZZ_API_KEY_ULIXAI }",
        with: "apiKey: { env: MAILWIZZ_API_KEY_ULIXAI, file: /run/secrets/k }",
      },
    ],
    errors: [
      "tenants/ulixai.yaml:12:15: tenants.ulixai.mailwizz.apiKey: a secret reference names exactly one source",
    ],
  },
  {
    name: "unknown Hetzner location",
    edits: [
      {
        file: "servers.yaml",
        replace: "    type: ccx23\n    location: fsn1",
        with: "    type: ccx23\n    location: paris",
      },
    ],
    errors: ['servers.yaml:18:15: servers.pmta.location: "paris" is not allowed'],
  },
  // --- semantic rules ---
  {
    name: "IP address in a private range",
    edits: [{ file: "ips.yaml", replace: "address: 203.0.113.11", with: "address: 10.0.0.11" }],
    errors: [
      "ips.yaml:10:14: ips[1].address: 10.0.0.11 is a private address, which cannot send mail to the Internet",
    ],
  },
  {
    name: "loopback IP",
    edits: [{ file: "ips.yaml", replace: "address: 203.0.113.12", with: "address: 127.0.0.2" }],
    errors: [
      "ips.yaml:16:14: ips[2].address: 127.0.0.2 is a loopback address, which cannot send mail to the Internet",
    ],
  },
  {
    name: "link-local IPv6",
    edits: [{ file: "ips.yaml", replace: "address: 203.0.113.13", with: 'address: "fe80::1"' }],
    errors: [
      "ips.yaml:22:14: ips[3].address: fe80::1 is a linkLocal address, which cannot send mail to the Internet",
    ],
  },
  {
    name: "not an IP address",
    edits: [{ file: "ips.yaml", replace: "address: 203.0.113.14", with: "address: 203.0.113.300" }],
    errors: ['ips.yaml:28:14: ips[4].address: "203.0.113.300" is not an IP address'],
  },
  {
    name: "two IPs with the same address",
    edits: [{ file: "ips.yaml", replace: "address: 203.0.113.11", with: "address: 203.0.113.10" }],
    errors: ["ips.yaml:10:14: ips[1].address: address 203.0.113.10 is already used by ips[0]"],
  },
  {
    name: "one VMTA for two IPs",
    edits: [{ file: "ips.yaml", replace: "vmta: pmta-vmta2", with: "vmta: pmta-vmta1" }],
    errors: ["ips.yaml:19:11: ips[2].vmta: vmta pmta-vmta1 is already used by ips[1]"],
  },
  {
    name: "hostname outside its domain",
    edits: [
      { file: "ips.yaml", replace: ip1, with: "  - address: 203.0.113.11\n    hostname: mail1.ulixai.com" },
    ],
    errors: [
      "ips.yaml:11:15: ips[1].hostname: hostname mail1.ulixai.com is not under its domain ulixai-mail.com",
    ],
  },
  {
    name: "hostname that only ends like its domain",
    edits: [
      { file: "ips.yaml", replace: "hostname: mail1.sos-mail.com", with: "hostname: mail1.notsos-mail.com" },
    ],
    errors: [
      "ips.yaml:5:15: ips[0].hostname: hostname mail1.notsos-mail.com is not under its domain sos-mail.com",
    ],
  },
  {
    name: "IP signing for an unknown domain",
    edits: [
      {
        file: "ips.yaml",
        replace: "    hostname: mail1.global-expat.com\n    domain: global-expat.com",
        with: "    hostname: mail1.global-expat.net\n    domain: global-expat.net",
      },
    ],
    errors: ["ips.yaml:30:13: ips[4].domain: no domain named `global-expat.net`"],
  },
  {
    name: "IP on a server that is not a PowerMTA host",
    edits: [
      {
        file: "ips.yaml",
        replace: "    vmta: pmta-vmta3\n    server: pmta",
        with: "    vmta: pmta-vmta3\n    server: mailwizz",
      },
    ],
    errors: ["ips.yaml:26:13: ips[3].server: server `mailwizz` has role mailwizz, not pmta"],
  },
  {
    name: "unknown schedule",
    edits: [
      {
        file: "ips.yaml",
        replace: "warmup: { start: 2026-11-23 }\n  - address: 203.0.113.11",
        with: "warmup: { start: 2026-11-23, schedule: six-week }\n  - address: 203.0.113.11",
      },
    ],
    errors: ["ips.yaml:9:44: ips[0].warmup.schedule: no schedule named `six-week`"],
  },
  {
    name: "decreasing steps",
    edits: [{ file: "warmup.yaml", replace: "{ days: 7, quota: 1500 }", with: "{ days: 7, quota: 400 }" }],
    errors: [
      "warmup.yaml:9:27: schedules.six-weeks.steps[3].quota: step 4 (400/day) does not increase on step 3 (500/day)",
    ],
  },
  {
    name: "decreasing daily schedule",
    edits: [{ file: "warmup.yaml", replace: "5, 7, 10, 12,", with: "5, 7, 3, 12," }],
    errors: ["warmup.yaml:18:15: schedules.legacy-70-days.daily[2]: day 3 (3) is lower than day 2 (7)"],
  },
  {
    name: "schedule with two shapes",
    edits: [
      {
        file: "warmup.yaml",
        replace: "    curve: { from: 50, to: 10000, days: 36 }",
        with: "    curve: { from: 50, to: 10000, days: 36 }\n    daily: [1, 2]",
      },
    ],
    errors: ["warmup.yaml:12:3: schedules.smooth-six-weeks: the schedule has both curve and daily"],
  },
  {
    name: "hold threshold above pause",
    edits: [
      {
        file: "warmup.yaml",
        replace: "complaint: { hold: 0.1, pause: 0.3 }",
        with: "complaint: { hold: 0.5, pause: 0.3 }",
      },
    ],
    errors: ["warmup.yaml:35:36: gates.default.complaint.pause: pause (0.3 %) is not above hold (0.5 %)"],
  },
  {
    name: "unknown time zone",
    edits: [{ file: "platform.yaml", replace: "timezone: Europe/Paris", with: "timezone: Europe/Pariss" }],
    errors: ['platform.yaml:4:13: platform.timezone: unknown time zone "Europe/Pariss"'],
  },
  {
    name: "sending hours reversed",
    edits: [{ file: "platform.yaml", replace: "{ start: 8, end: 20 }", with: "{ start: 20, end: 8 }" }],
    errors: ["platform.yaml:5:17: platform.sendingHours: sending hours start at 20 but end at 8"],
  },
  {
    name: "operator network that is not a CIDR",
    edits: [{ file: "platform.yaml", replace: "- 198.51.100.0/28", with: "- 198.51.100.0" }],
    errors: ['platform.yaml:7:7: platform.operatorCidrs[0]: "198.51.100.0" is not a network in CIDR form'],
  },
  {
    name: "campaign naming another tenant's list",
    edits: [{ file: "tenants/sos-expat.yaml", replace: "list: cold-avocats", with: "list: cold-bloggers" }],
    errors: [
      "tenants/sos-expat.yaml:33:15: tenants.sos-expat.campaigns.avocats-wave-1.list: tenant sos-expat has no list `cold-bloggers`",
    ],
  },
  {
    name: "campaign sending from another tenant's domain",
    edits: [
      {
        file: "tenants/sos-expat.yaml",
        replace: "fromDomain: sos-mail.com",
        with: "fromDomain: ulixai-mail.com",
      },
    ],
    errors: [
      "tenants/sos-expat.yaml:36:21: tenants.sos-expat.campaigns.avocats-wave-1.fromDomain: ulixai-mail.com is not a sending domain of sos-expat",
    ],
  },
  {
    name: "template file missing",
    edits: [{ file: "content/ulixai/intro-bloggers.html", remove: true }],
    errors: [
      "tenants/ulixai.yaml:21:15: tenants.ulixai.templates.intro-bloggers.file: template file content/ulixai/intro-bloggers.html not found",
    ],
  },
  {
    name: "template without an unsubscribe link",
    edits: [
      {
        file: "content/sos-expat/intro-notaires.html",
        replace: '<a href="[UNSUBSCRIBE_URL]">Se désinscrire</a>',
        with: "",
      },
    ],
    errors: [
      "tenants/sos-expat.yaml:30:15: tenants.sos-expat.templates.intro-notaires.file: template content/sos-expat/intro-notaires.html lacks [UNSUBSCRIBE_URL]",
    ],
  },
  {
    name: "template path escaping the inventory",
    edits: [
      {
        file: "tenants/ulixai.yaml",
        replace: "file: content/ulixai/intro-bloggers.html",
        with: "file: ../../etc/passwd",
      },
    ],
    errors: [
      "tenants/ulixai.yaml:21:15: tenants.ulixai.templates.intro-bloggers.file: template file ../../etc/passwd not found",
    ],
  },
  {
    name: "tenant pointing at a PowerMTA server for MailWizz",
    edits: [{ file: "tenants/ulixai.yaml", replace: "server: mailwizz", with: "server: pmta" }],
    errors: ["tenants/ulixai.yaml:11:15: tenants.ulixai.mailwizz.server: `pmta` is not a MailWizz server"],
  },
  {
    name: "a destination domain under two providers",
    edits: [
      { file: "isp-limits.yaml", replace: "domains: [yahoo.com,", with: "domains: [gmail.com, yahoo.com," },
    ],
    errors: ["isp-limits.yaml:15:15: ispLimits.yahoo.domains[0]: gmail.com is already listed under `gmail`"],
  },
  {
    name: "an SSH host key that is neither a key nor a fingerprint",
    edits: [
      {
        file: "servers.yaml",
        replace: "    hostname: pmta.sos-mail.com",
        with: "    hostname: pmta.sos-mail.com\n    ssh:\n      hostKey: AAAAC3NzaC1lZDI1NTE5AAAAIB\n      privateKey: { env: SSH_KEY }",
      },
    ],
    errors: ["servers.yaml:21:16: servers.pmta.ssh.hostKey: not an SSH host key or fingerprint"],
  },
  {
    name: "PowerMTA settings on the MailWizz server",
    edits: [
      {
        file: "servers.yaml",
        replace: "    hostname: mw.sos-mail.com",
        with: "    hostname: mw.sos-mail.com\n    pmta: { smtpUser: mailwizz }",
      },
    ],
    errors: ["servers.yaml:15:5: servers.mailwizz.pmta: `pmta` settings on a server with role mailwizz"],
  },
  {
    name: "no PowerMTA server at all",
    edits: [{ file: "servers.yaml", replace: "    role: pmta", with: "    role: engine" }],
    errors: [
      "servers.yaml:2:1: servers: no server has role `pmta`",
      "servers.yaml:16:11: servers.pmta.role: a second `engine` server",
      "ips.yaml:8:13: ips[0].server: server `pmta` has role engine, not pmta",
    ],
  },
];

describe("validate: broken inventories (integration over files)", () => {
  it("has at least 30 distinct cases", () => {
    expect(new Set(cases.map((c) => c.name)).size).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)("$name", async ({ edits, errors }) => {
    const dir = await inventoryWith(edits);
    const result = await validateInventoryDir(dir);
    expect(result.inventory).toBeUndefined();
    const firstLines = result.errors.map((p) => formatProblem(p).split("\n")[0]);
    for (const expected of errors) expect(firstLines).toContain(expected);
    // Every error says what was expected or how to fix it.
    for (const problem of result.errors) expect(problem.expected ?? problem.fix).toBeTruthy();
  });
});
