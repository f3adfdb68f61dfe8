// Settings of a PowerMTA host that the inventory schema does not hold yet. Each has a documented
// default; the ones marked "→ inventory" should move into the schema (see the closing note).

export interface PmtaSettings {
  /** → inventory (platform.postmaster). Receives pmtawatch crash reports and license notices. */
  readonly postmaster: string | undefined;
  /** SMTP listeners as `CIDR:PORT`. Default: loopback on 25, authenticated submission on 587. */
  readonly smtpListeners: readonly string[];
  /** Web monitor / HTTP management API port (a change needs a pmtahttp restart). Default 8080. */
  readonly httpMgmtPort: number;
  /** Access level granted to the engine server's address (and loopback). Default `operator`. */
  readonly httpAccessLevel: "monitor" | "monitor,deny-logs" | "operator" | "admin";
  /** → inventory (per pmta server). The SMTP user MailWizz authenticates as. Default `mailwizz`. */
  readonly smtpUser: string;
  /** Named <source> applied after that user's AUTH. Default `mailwizz-auth`. */
  readonly authSource: string;
  /** The file holding <smtp-user> with its password, written by the deployer with mode 0600. */
  readonly smtpUsersFile: string;
  /** Directory of DKIM private keys on the host; files are `<domain>.<selector>.pem`. */
  readonly dkimDir: string;
  readonly logFile: string;
  readonly spoolDir: string;
  readonly acctDir: string;
  /** Changing it needs a PowerMTA restart, not a reload. Default false (run as the pmta user). */
  readonly runAsRoot: boolean;
  /**
   * → inventory (per pmta server). Certificate for STARTTLS on the listeners. Without one, AUTH PLAIN
   * must be allowed in clear (`allow-unencrypted-plain-auth true`): acceptable only on a private link.
   */
  readonly tlsCertificate: string | undefined;
  /** Per-ISP rate unit: hourly over the platform's sending hours (reference §6), or daily. */
  readonly ispRateUnit: "hour" | "day";
  /** Name of the <smtp-pattern-list> built from templates/pmta/backoff-patterns.conf. */
  readonly backoffPatternList: string;
}

export const DEFAULT_PMTA_SETTINGS: PmtaSettings = {
  postmaster: undefined,
  smtpListeners: ["127.0.0.1:25", "0/0:587"],
  httpMgmtPort: 8080,
  httpAccessLevel: "operator",
  smtpUser: "mailwizz",
  authSource: "mailwizz-auth",
  smtpUsersFile: "/etc/pmta/smtp-users.conf",
  dkimDir: "/etc/pmta/dkim",
  logFile: "/var/log/pmta/pmta.log",
  spoolDir: "/var/spool/pmta",
  acctDir: "/var/log/pmta",
  runAsRoot: false,
  tlsCertificate: undefined,
  ispRateUnit: "hour",
  backoffPatternList: "backoff",
};

/** Where the host keeps the private key of `domain` for `selector`. */
export function dkimKeyPath(
  settings: Pick<PmtaSettings, "dkimDir">,
  domain: string,
  selector: string,
): string {
  return `${settings.dkimDir}/${domain}.${selector}.pem`;
}
