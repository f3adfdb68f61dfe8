// What the Pulumi program needs besides the inventory: stack configuration (non-secret settings and
// secrets) and the DKIM public keys email-engine holds. Secrets stay pulumi.Output<string> end to end.
import type * as pulumi from "@pulumi/pulumi";

export interface DkimKeyInfo {
  readonly domain: string;
  readonly selector: string;
  /** Base64 of the SPKI DER public key (the DKIM `p=` value). */
  readonly publicKey: string;
  readonly bits: number;
  /** PEM of the private key, installed on the PowerMTA host; absent in a preview without the vault. */
  readonly privateKeyPem?: pulumi.Output<string>;
}

export interface HostKey {
  /** OpenSSH private host key (secret), written by cloud-init before sshd first starts. */
  readonly privateKey: pulumi.Output<string>;
  /** Its public line, `ssh-ed25519 AAAA…`, pinned by every SSH connection. */
  readonly publicKey: string;
}

export interface InfraConfig {
  /** Cloudflare zone id per zone name (the sending domains and the MailWizz host's domain). */
  readonly cloudflareZones: Readonly<Record<string, string>>;
  /** Public keys allowed to log in as root on new servers (Hetzner SSH keys). */
  readonly sshPublicKeys: readonly string[];
  /** The operator's private key the bootstrap commands use (secret). */
  readonly sshPrivateKey: pulumi.Output<string>;
  /** Host key pair per server name, so SSH pins the key from the first connection. */
  readonly hostKeys: Readonly<Record<string, HostKey>>;
  /** Existing Hetzner server ids to adopt (read, never recreate) per inventory server name. */
  readonly adopt: Readonly<Record<string, string>>;
  readonly image: string;
  /** Local paths of the PowerMTA package (.deb or .rpm) and license the operator provides. */
  readonly pmtaPackagePath: string | undefined;
  readonly pmtaLicensePath: string | undefined;
  /** Address Let's Encrypt writes to about the MailWizz certificate. */
  readonly certbotEmail: string;
  /** PowerMTA ports, as rendered by reconciler/pmta/config (submission for MailWizz, HTTP management). */
  readonly pmtaSubmissionPort: number;
  readonly pmtaHttpPort: number;
}
