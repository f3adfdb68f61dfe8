// The host-wide parts of the config: identity, listeners, the management API, the sources, the
// global <domain> policy merged with the operator's templates, and the accounting files.
import { ConfigError } from "../../errors.ts";
import { entries } from "../../inventory/model.ts";
import type { Inventory } from "../../inventory/types.gen.ts";
import { ispFamilies, macroName } from "./build-vmtas.ts";
import type { PmtaBlock, PmtaNode } from "./model.ts";
import { block, comment, directive } from "./model.ts";
import type { PmtaSettings } from "./settings.ts";
import type { PmtaTemplates, TemplateText } from "./templates.ts";
import { templateNodes } from "./templates.ts";

export function identity(inventory: Inventory, host: string, settings: PmtaSettings): PmtaNode[] {
  const hostname = inventory.servers[host]?.hostname;
  if (hostname === undefined) {
    throw new ConfigError(`server ${host} has no hostname: PowerMTA needs one for host-name`, [
      `    fix: add \`hostname: pmta.example.com\` to servers.${host}`,
    ]);
  }
  const labels = hostname.split(".");
  const postmaster =
    settings.postmaster ?? `postmaster@${labels.length > 2 ? labels.slice(1).join(".") : hostname}`;
  return [
    directive("postmaster", postmaster),
    directive("host-name", hostname, "first host-name: greeting and default HELO"),
    directive("run-as-root", settings.runAsRoot ? "yes" : "no", "a change needs a PowerMTA restart"),
    directive("log-file", settings.logFile),
    block("spool", settings.spoolDir, [directive("deliver-only", "no")]),
  ];
}

export function listenerLines(settings: PmtaSettings): PmtaNode[] {
  return [
    ...settings.smtpListeners.map((l) => directive("smtp-listener", l)),
    ...(settings.tlsCertificate ? [directive("smtp-server-tls-certificate", settings.tlsCertificate)] : []),
  ];
}

export function httpLines(inventory: Inventory, settings: PmtaSettings): PmtaNode[] {
  const engines = entries(inventory.servers)
    .filter(([, s]) => s.role === "engine" && s.address !== undefined)
    .map(([, s]) => s.address!)
    .sort();
  return [
    directive("http-mgmt-port", settings.httpMgmtPort, "a change needs a pmtahttp restart"),
    directive("http-access", `127.0.0.1 ${settings.httpAccessLevel}`),
    ...(engines.length === 0 ? [comment("no engine server address in the inventory: loopback only")] : []),
    ...engines.map((a) => directive("http-access", `${a} ${settings.httpAccessLevel}`)),
    directive("http-access", "0/0 none", "first match wins: everyone else is refused"),
  ];
}

export function sourceBlocks(settings: PmtaSettings, pool: string | undefined): PmtaNode[] {
  const tls = settings.tlsCertificate !== undefined;
  // With no active VMTA in the default pool, mail must not be accepted at all: without a default VMTA
  // it would leave from the host's primary IP, unsigned. Loopback is refused at the greeting; the
  // named source applies after AUTH (the greeting is past), so it loses relaying instead.
  const none = "no active virtual MTA in the default pool";
  const submit = (onEmpty: PmtaNode): PmtaNode[] =>
    pool !== undefined
      ? [
          directive("always-allow-relaying", "yes"),
          directive("process-x-virtual-mta", "yes"),
          directive("default-virtual-mta", pool),
        ]
      : [onEmpty];
  return [
    block(
      "source",
      "0/0",
      [
        directive("smtp-service", "yes"),
        directive("always-allow-relaying", "no"),
        directive("require-auth", "true"),
        directive("allow-starttls", tls ? "true" : "false"),
        directive("require-starttls-before-auth", tls ? "true" : "false"),
        directive(
          "allow-unencrypted-plain-auth",
          tls ? "false" : "true",
          tls ? undefined : "no TLS certificate set",
        ),
        directive("smtp-max-auth-failure-rate", "5/m"),
      ],
      "everyone: may connect, must AUTH, may not relay",
    ),
    block(
      "source",
      "127.0.0.1",
      [
        directive("require-auth", "false", "undo 0/0 (inherited otherwise)"),
        directive("smtp-max-auth-failure-rate", "unlimited"),
        directive("allow-unencrypted-plain-auth", "false"),
        ...submit(directive("smtp-service", "no", `${none}: refuse connections`)),
      ],
      "local injection",
    ),
    block(
      "source",
      settings.authSource,
      [
        directive("require-auth", "true"),
        directive("process-x-job", "yes"),
        directive("hide-message-source", "true"),
        ...submit(directive("always-allow-relaying", "no", `${none}: refuse relaying`)),
      ],
      `selected by <smtp-user ${settings.smtpUser}> after AUTH`,
    ),
  ];
}

const ENGINE_DOMAIN_DIRECTIVES = ["max-smtp-out", "max-msg-per-connection", "dkim-sign", "smtp-pattern-list"];

/** Template directives for one block, refusing nested blocks and the directives the engine owns. */
function templateDirectives(nodes: readonly PmtaNode[], template: TemplateText, where: string): PmtaNode[] {
  for (const n of nodes) {
    if (n.kind === "block") {
      throw new ConfigError(`${template.path}:${n.line}: <${n.name}> is not allowed in ${where}`);
    }
    if (n.kind === "directive" && ENGINE_DOMAIN_DIRECTIVES.includes(n.name)) {
      throw new ConfigError(
        `${template.path}:${n.line}: ${n.name} is set by the engine in ${where} (from inventory ispLimits)`,
      );
    }
  }
  return nodes.map((n) => (n.kind === "directive" ? directive(n.name, n.value) : n));
}

export function globalDomainBlocks(
  inventory: Inventory,
  templates: PmtaTemplates,
  settings: PmtaSettings,
): PmtaNode[] {
  const limitLines = (maxConnections?: number, maxMsgPerConnection?: number): PmtaNode[] => [
    ...(maxConnections !== undefined ? [directive("max-smtp-out", maxConnections)] : []),
    ...(maxMsgPerConnection !== undefined ? [directive("max-msg-per-connection", maxMsgPerConnection)] : []),
  ];
  const d = inventory.ispLimits.default;
  const star = block(
    "domain",
    "*",
    [
      ...limitLines(d.maxConnections, d.maxMsgPerConnection),
      directive("dkim-sign", "yes", "signing is off by default"),
      directive("smtp-pattern-list", settings.backoffPatternList),
      ...templateDirectives(templateNodes(templates.domainDefaults), templates.domainDefaults, "<domain *>"),
    ],
    "per queue (domain/vmta): limits apply to each VMTA separately",
  );

  const rules = new Map<string, PmtaBlock>();
  for (const n of templateNodes(templates.ispRules)) {
    if (n.kind === "directive") {
      throw new ConfigError(
        `${templates.ispRules.path}:${n.line}: only <domain $ISP> blocks are allowed here`,
      );
    }
    if (n.kind === "block") rules.set(n.name === "domain" ? n.arg : `<${n.name}>`, n);
  }
  const families = ispFamilies(inventory);
  const known = new Set(families.map(([name]) => `$${macroName(name)}`));
  for (const [arg, b] of rules) {
    if (!known.has(arg)) {
      throw new ConfigError(
        `${templates.ispRules.path}:${b.line}: <${b.name} ${b.arg}> names no ISP of inventory ispLimits`,
        [`    allowed values: ${[...known].map((k) => `<domain ${k}>`).join(", ")}`],
      );
    }
  }
  const isp = families.flatMap(([name, limit]) => {
    const arg = `$${macroName(name)}`;
    const rule = rules.get(arg);
    const children = [
      ...limitLines(limit.maxConnections, limit.maxMsgPerConnection),
      ...(rule ? templateDirectives(rule.children, templates.ispRules, `<domain ${arg}>`) : []),
    ];
    return children.length === 0 ? [] : [block("domain", arg, children)];
  });
  return [star, ...isp];
}

/** Header columns every record carries for the bounce/complaint ingestion (reference §4.2). */
const HEADER_FIELDS = "*,header_Message-Id,header_Feedback-ID";

export function acctBlocks(settings: PmtaSettings): PmtaNode[] {
  return [
    block("acct-file", `${settings.acctDir}/acct.csv`, [
      directive("records", "d,b,f,rb", "delivery, bounce, feedback-loop, remote-bounce"),
      ...["d", "b", "f", "rb"].map((t) => directive("record-fields", `${t} ${HEADER_FIELDS}`)),
      directive("max-size", "50M"),
      directive("delete-after", "8d", "honoured because move-to is not set"),
    ]),
    block("acct-file", `${settings.acctDir}/diag.csv`, [
      directive("records", "t,tq", "transient failures: deferrals"),
      directive("record-fields", `t ${HEADER_FIELDS}`),
      directive("max-size", "50M"),
      directive("delete-after", "3d"),
    ]),
  ];
}
