/* Generated from inventory/schema/inventory.schema.json by `npm run gen:types`. Do not edit. */

/**
 * A lower-case name: letters, digits and dashes, starting with a letter or digit.
 */
export type Name = string;
/**
 * A fully qualified domain name in lower case, without a trailing dot.
 */
export type DomainName = string;
/**
 * A calendar date, YYYY-MM-DD, in the platform's time zone.
 */
export type LocalDate = string;
export type BlocklistId =
  | "abusix"
  | "barracuda"
  | "mailspike"
  | "psbl"
  | "spamcop"
  | "spamhaus-dbl"
  | "spamhaus-zen"
  | "spamhaus-zrd"
  | "spamrats"
  | "surbl"
  | "uceprotect-1"
  | "uceprotect-2"
  | "uribl";
/**
 * X-API-Key values accepted by the old engine's v1 API; several at once so a key can be rotated without downtime.
 */
export type ApiKeys = SecretRef2[];

/**
 * The desired state of the sending platform. Every YAML file under inventory/ holds some of these top-level sections; the loader merges them into this one document.
 */
export interface Inventory {
  platform: Platform;
  /**
   * Servers by name.
   */
  servers: {
    [k: string]: Server | undefined;
  };
  /**
   * Sending domains by fully qualified name.
   */
  domains: {
    [k: string]: Domain | undefined;
  };
  /**
   * Sending IPs, one virtual MTA each.
   */
  ips: SendingIp[];
  /**
   * Warm-up schedules by name.
   */
  schedules: {
    [k: string]: Schedule | undefined;
  };
  /**
   * Health gates by name.
   */
  gates: {
    [k: string]: Gates | undefined;
  };
  /**
   * Per mailbox-provider sending limits by provider name; `default` applies to every other destination.
   */
  ispLimits: {
    default: IspLimit;
    [k: string]: IspLimit | undefined;
  };
  monitoring?: Monitoring;
  /**
   * Tenants (brands) by name.
   */
  tenants: {
    [k: string]: Tenant | undefined;
  };
  contacts?: Contacts;
  api?: Api;
}
export interface Platform {
  name: Name;
  /**
   * IANA time zone of the operators: the warm-up day rolls over at local midnight.
   */
  timezone: string;
  /**
   * Local hours during which the day's quota is spread (hourly quota = daily quota / hours).
   */
  sendingHours?: {
    start: number;
    end: number;
  };
  /**
   * Networks the operators connect from (SSH is opened only to these).
   */
  operatorCidrs?: string[];
  defaults?: {
    schedule?: Name;
    gates?: Name;
    pool?: Name;
  };
}
export interface Server {
  /**
   * What runs on the server.
   */
  role: "engine" | "mailwizz" | "pmta";
  provider?: "hetzner";
  /**
   * Hetzner Cloud server type, lower case (cx22, cpx21, ccx23, …).
   */
  type: string;
  /**
   * Hetzner location.
   */
  location: "fsn1" | "nbg1" | "hel1" | "ash" | "hil" | "sin";
  hostname?: DomainName;
  /**
   * Public IPv4 when known (adopted server or allocated by Pulumi).
   */
  address?: string;
  /**
   * The server already exists: import it instead of creating it.
   */
  adopt?: boolean;
  ssh?: SshAccess;
  pmta?: PmtaHost;
  mailwizz?: MailwizzInstall;
}
/**
 * How the engine reaches the server over SSH. The host key is pinned: no trust on first use.
 */
export interface SshAccess {
  /**
   * Login user (default root).
   */
  user?: string;
  /**
   * SSH port (default 22).
   */
  port?: number;
  /**
   * The server's host public key line (`ssh-ed25519 AAAA…`) or its fingerprint (`SHA256:…`).
   */
  hostKey: string;
  privateKey: SecretRef;
}
/**
 * The engine's private key for this server.
 */
export interface SecretRef {
  env?: string;
  file?: string;
}
/**
 * PowerMTA settings of a server with role pmta.
 */
export interface PmtaHost {
  /**
   * Default: postmaster@ the host's parent domain.
   */
  postmaster?: string;
  /**
   * A lower-case name: letters, digits and dashes, starting with a letter or digit.
   */
  smtpUser?: string;
  smtpPassword?: SecretRef1;
  /**
   * PEM path on the host for STARTTLS on the listeners.
   */
  tlsCertificate?: string;
  /**
   * SMTP listeners as CIDR:PORT (default 127.0.0.1:25 and 0/0:587).
   */
  listeners?: string[];
  /**
   * HTTP management port (default 8080).
   */
  httpMgmtPort?: number;
  /**
   * Where PowerMTA's config lives (default /etc/pmta).
   */
  configDir?: string;
  /**
   * Where PowerMTA writes its accounting files (default /var/log/pmta).
   */
  accountingDir?: string;
  /**
   * Config backups kept on the host (default 10).
   */
  keepBackups?: number;
}
/**
 * Its password, written to the host in a 0600 file.
 */
export interface SecretRef1 {
  env?: string;
  file?: string;
}
/**
 * A MailWizz install on a server with role mailwizz.
 */
export interface MailwizzInstall {
  /**
   * API base URL, with or without index.php.
   */
  apiUrl?: string;
  /**
   * Major version: 2 authenticates with X-Api-Key, 1 signs requests (default 2).
   */
  version?: 1 | 2;
  /**
   * MailWizz's MySQL/MariaDB, where delivery servers are written (the API cannot write them).
   */
  database?: {
    /**
     * Default 127.0.0.1 (on the MailWizz host, through the SSH tunnel).
     */
    host?: string;
    /**
     * Default 3306.
     */
    port?: number;
    name: string;
    user: string;
    password: SecretRef2;
    /**
     * Default mw_.
     */
    tablePrefix?: string;
    /**
     * Reach the database through an SSH tunnel to this server (default true).
     */
    tunnel?: boolean;
  };
}
/**
 * Where a secret comes from: an environment variable or a file. Never the secret itself.
 */
export interface SecretRef2 {
  env?: string;
  file?: string;
}
export interface Domain {
  tenant: Name;
  ttl?: number;
  dkim: {
    selector: string;
    bits?: 1024 | 2048 | 3072 | 4096;
  };
  spf: {
    /**
     * How receivers treat mail from IPs not listed (-all fail, ~all softfail).
     */
    qualifier: "-all" | "~all";
    /**
     * Other domains whose SPF is included (each costs DNS lookups).
     */
    include?: DomainName[];
  };
  dmarc: {
    policy: "none" | "quarantine" | "reject";
    subdomainPolicy?: "none" | "quarantine" | "reject";
    /**
     * Aggregate report address as a mailto: URI.
     */
    rua: string;
    adkim?: "r" | "s";
    aspf?: "r" | "s";
  };
  /**
   * Mail exchangers that receive replies and bounces for the domain.
   */
  mx?: {
    host: DomainName;
    priority: number;
  }[];
  /**
   * Publish a null MX (RFC 7505): the domain receives no mail.
   */
  nullMx?: boolean;
}
export interface SendingIp {
  /**
   * The IP address, when known.
   */
  address?: string;
  /**
   * A lower-case name: letters, digits and dashes, starting with a letter or digit.
   */
  slot?: string;
  hostname: DomainName;
  domain: DomainName;
  vmta: Name;
  pool?: Name;
  server: Name;
  /**
   * An operator's pause: the IP sends nothing until this is removed.
   */
  paused?: boolean;
  /**
   * An operator's lifecycle decision (absent: in service, warming then active). standby: ready, takes no traffic until promoted (remove this field, or `email-engine ip promote`). resting: out of the pool until `until`, then back through a new warm-up from day 1. retiring: out of the pool, its queue drains until `until`, then it leaves the PowerMTA config.
   */
  state?: "standby" | "resting" | "retiring";
  /**
   * With state resting (required): the day it comes back, on day 1 of a new warm-up. With state retiring (optional): the day it leaves the PowerMTA config (it drains until then).
   */
  until?: string;
  warmup: {
    schedule?: Name;
    start: LocalDate;
    gates?: Name;
  };
}
/**
 * Warm-up day → daily messages per IP: exactly one of steps, curve or daily.
 */
export interface Schedule {
  description?: string;
  /**
   * @minItems 1
   */
  steps?: [
    {
      days: number;
      quota: number;
    },
    ...{
      days: number;
      quota: number;
    }[]
  ];
  /**
   * A geometric ramp from `from` on day 1 to `to` on day `days`.
   */
  curve?: {
    from: number;
    to: number;
    days: number;
  };
  /**
   * One quota per warm-up day.
   *
   * @minItems 1
   */
  daily?: [number, ...number[]];
}
export interface Gates {
  /**
   * A day is judged once it sent this many messages, or 80 % of its quota when the quota is smaller; below that it holds.
   */
  minSample?: number;
  /**
   * How long a pause lasts before the IP resumes at the warm-up day it had (default 3).
   */
  pauseDays?: number;
  hardBounce: Threshold;
  complaint: Threshold;
  deferral?: Threshold;
  /**
   * Rolling windows over the last `days` judged days: a rate strictly over its threshold pauses the IP for `pauseHours` (then it resumes at the warm-up day it had). Absent: the old engine's (7-day hard bounces > 2 % → 72 h, 7-day complaints > 0.03 % → 96 h); [] turns them off.
   */
  windows?: {
    days: number;
    hardBounce?: number;
    complaint?: number;
    /**
     * Messages the window must hold before it is judged (default: the gates' minSample).
     */
    minSample?: number;
    pauseHours: number;
  }[];
  /**
   * A rate strictly over these thresholds in the last `days` judged days quarantines the IP for `quarantineDays`; it then comes back through a new warm-up from day 1. Absent: the old engine's (1 day, hard bounces > 5 % or complaints > 0.1 %, 30 days).
   */
  emergency?: {
    days: number;
    hardBounce?: number;
    complaint?: number;
    /**
     * Messages the window must hold before it is judged (default: the gates' minSample).
     */
    minSample?: number;
    quarantineDays: number;
  };
}
/**
 * Rates in percent of messages sent that day.
 */
export interface Threshold {
  hold?: number;
  stepBack?: number;
  pause?: number;
}
export interface IspLimit {
  /**
   * Destination domains of the provider (not for `default`).
   */
  domains?: DomainName[];
  maxConnections?: number;
  maxMsgPerConnection?: number;
  /**
   * Percent of an IP's daily quota that may go to this provider.
   */
  shareOfDailyQuota?: number;
}
/**
 * Deliverability monitors: the DNS resolvers they ask and the blocklists they watch.
 */
export interface Monitoring {
  /**
   * Resolvers as IPv4[:PORT] or [IPv6][:PORT]: a local recursive resolver (unbound on the engine host), never a public one (blocklists refuse those).
   *
   * @minItems 1
   */
  resolvers?: [string, ...string[]];
  /**
   * Per-try DNS timeout (default 2000).
   */
  timeoutMs?: number;
  /**
   * Tries per lookup (default 2).
   */
  tries?: number;
  blocklists?: {
    /**
     * Lists not to query (e.g. barracuda until the resolver is registered with Barracuda).
     */
    disabled?: BlocklistId[];
    /**
     * Access keys by list: Spamhaus DQS key (spamhaus-zen, spamhaus-dbl, spamhaus-zrd), Abusix key. A key switches the list to its keyed zone; spamhaus-zrd and abusix are queried only with one.
     */
    keys?: {
      [k: string]: SecretRef2 | undefined;
    };
    /**
     * Zone overrides by list, e.g. a local rbldnsd mirror of an rsync feed.
     */
    zones?: {
      [k: string]: DomainName | undefined;
    };
    /**
     * Queries in flight per zone (default 8).
     */
    concurrencyPerZone?: number;
  };
}
export interface Tenant {
  displayName: string;
  /**
   * The sender's legal identity, printed in every message ([COMPANY_FULL_ADDRESS]).
   */
  company: {
    name: string;
    address: string;
    city?: string;
    zip?: string;
    country: string;
  };
  mailwizz: {
    server: Name;
    customerId?: number;
    apiKey: SecretRef2;
  };
  lists?: {
    [k: string]: MailingList | undefined;
  };
  templates?: {
    [k: string]: Template | undefined;
  };
  campaigns?: {
    [k: string]: Campaign | undefined;
  };
}
export interface MailingList {
  /**
   * The list's name in MailWizz.
   */
  name: string;
  description?: string;
  fromName: string;
  fromEmail: string;
  replyTo?: string;
}
export interface Template {
  name: string;
  /**
   * HTML file, relative to the inventory directory.
   */
  file: string;
}
export interface Campaign {
  list: Name;
  template: Name;
  subject: string;
  fromDomain?: DomainName;
  sendAt?: string;
  status?: "draft" | "scheduled" | "paused";
}
/**
 * Contact import and validation settings.
 */
export interface Contacts {
  verification?: ContactVerification;
  /**
   * What `contacts import` (and the webhooks and uploads that share its pipeline) store and push.
   */
  import?: {
    /**
     * Legal basis recorded with each contact when the import does not say (default legitimate-interest: GDPR Art. 6(1)(f)).
     */
    legalBasis?: string;
    /**
     * Validator verdicts that are stored and pushed (default safe and risky); the others are refused and listed as row errors.
     *
     * @minItems 1
     */
    accept?: ["safe" | "risky" | "unknown", ...("safe" | "risky" | "unknown")[]];
    /**
     * Validator reasons refused even when their verdict is accepted (default role and typo: role accounts are kept out of cold mail, typos wait for review).
     */
    refuseReasons?: string[];
    /**
     * Contacts per MailWizz bulk request (default 1000; MailWizz takes at most 10,000).
     */
    pushChunkSize?: number;
  };
}
/**
 * The mailbox probe (deep validation): its identity and limits. Probes run from a verification host with its own PTR, never from a sending IP.
 */
export interface ContactVerification {
  /**
   * A fully qualified domain name in lower case, without a trailing dot.
   */
  heloName: string;
  /**
   * MAIL FROM of the probes: a mailbox of the verification domain that can receive replies.
   */
  mailFrom: string;
  /**
   * SMTP port of the destination MX hosts (default 25).
   */
  port?: number;
  /**
   * Probes in flight at once, over all destinations (default 10).
   */
  concurrency?: number;
  /**
   * Connections per minute to one destination MX host (default 30).
   */
  perMxPerMinute?: number;
  /**
   * TCP connect timeout (default 10).
   */
  connectTimeoutSeconds?: number;
  /**
   * Wait for each SMTP reply, greeting included (default 15).
   */
  commandTimeoutSeconds?: number;
}
/**
 * The daemon's HTTP API for the sibling tools (Scraper-Pro, backlink-engine, PowerMTA pipes).
 */
export interface Api {
  keys?: ApiKeys;
  webhooks?: ContactWebhooks;
  pmta?: PmtaWebhooks;
  feedback?: Feedback;
}
/**
 * Contact webhooks of the sibling tools (POST /webhooks/scraper-pro, POST /webhooks/backlinks-engine): HMAC-signed deliveries of contacts, queued and imported like a CSV file. A source without secrets answers 503.
 */
export interface ContactWebhooks {
  /**
   * Largest delivery body accepted, in bytes (413 above it). Default 1 MiB.
   */
  maxBodyBytes?: number;
  scraperPro?: ContactWebhookSource;
  backlinksEngine?: ContactWebhookSource;
}
/**
 * One sibling tool allowed to post contacts: its signing secrets, where its contacts go and on what legal basis.
 */
export interface ContactWebhookSource {
  /**
   * HMAC-SHA256 secrets; each one is valid, so a secret is rotated by adding the new one, moving the sender, then removing the old one.
   *
   * @minItems 1
   */
  secrets: [SecretRef2, ...SecretRef2[]];
  /**
   * A lower-case name: letters, digits and dashes, starting with a letter or digit.
   */
  tenant: string;
  /**
   * A lower-case name: letters, digits and dashes, starting with a letter or digit.
   */
  list: string;
  /**
   * Other lists a delivery may name in its `tenant` and `list` fields, by tenant; anything else is refused (403).
   */
  tenants?: {
    /**
     * @minItems 1
     */
    [k: string]: [Name, ...Name[]] | undefined;
  };
  /**
   * The GDPR Art. 6 basis recorded with every contact of this source.
   */
  legalBasis: "legitimate-interest" | "consent" | "contract";
}
/**
 * PowerMTA accounting pipes posting bounces and deliveries (POST /api/v1/webhooks/pmta-bounce and /pmta-delivery).
 */
export interface PmtaWebhooks {
  secret?: SecretRef3;
  /**
   * Addresses or CIDRs allowed to post (403 for any other peer). Default: loopback only (127.0.0.0/8, ::1).
   */
  allow?: string[];
  /**
   * PowerMTA servers whose outcomes come from these webhooks instead of the accounting files read over SSH: their ledger counters and their feedback to Scraper-Pro (their files are still read, to keep the cursor current and to suppress, but not counted or forwarded). Other servers' webhook events go to suppression only: their files count and report them.
   */
  ledger?: Name[];
}
/**
 * Where a secret comes from: an environment variable or a file. Never the secret itself.
 */
export interface SecretRef3 {
  env?: string;
  file?: string;
}
/**
 * Bounce and delivery feedback sent to Scraper-Pro (X-Timestamp, X-Signature = hex HMAC-SHA256 of "<timestamp>.<body>"), through a durable queue.
 */
export interface Feedback {
  /**
   * Full URL of Scraper-Pro's bounce feedback, e.g. http://scraper:8000/api/v1/contacts/bounce-feedback.
   */
  bounceUrl?: string;
  /**
   * Full URL of Scraper-Pro's delivery feedback, e.g. http://scraper:8000/api/v1/contacts/delivery-feedback.
   */
  deliveryUrl?: string;
  secret: SecretRef4;
  /**
   * Attempts after the first before a feedback is kept as failed (email-engine siblings feedback --failed).
   */
  retries?: number;
  /**
   * Delay before the first retry; doubled on each further retry.
   */
  retryDelaySeconds?: number;
  /**
   * Time allowed for one POST to answer.
   */
  timeoutSeconds?: number;
}
/**
 * Where a secret comes from: an environment variable or a file. Never the secret itself.
 */
export interface SecretRef4 {
  env?: string;
  file?: string;
}
