// Reads the stack configuration (Pulumi.<stack>.yaml, secrets set with `pulumi config set --secret`).
// Only index.ts calls this; everything else receives an InfraConfig.
import * as pulumi from "@pulumi/pulumi";
import type { HostKey, InfraConfig } from "./types.ts";

export function readInfraConfig(cfg: pulumi.Config = new pulumi.Config()): InfraConfig {
  const hostPublicKeys = cfg.getObject<Record<string, string>>("hostPublicKeys") ?? {};
  const hostPrivateKeys = cfg.getSecretObject<Record<string, string>>("hostPrivateKeys");
  const hostKeys: Record<string, HostKey> = {};
  for (const [server, publicKey] of Object.entries(hostPublicKeys)) {
    if (!hostPrivateKeys) break;
    hostKeys[server] = {
      publicKey,
      privateKey: pulumi.secret(
        hostPrivateKeys.apply((keys) => {
          const key = keys[server];
          if (!key) throw new pulumi.RunError(`hostPrivateKeys has no key for server ${server}`);
          return key;
        }),
      ),
    };
  }
  return {
    cloudflareZones: cfg.getObject<Record<string, string>>("cloudflareZones") ?? {},
    sshPublicKeys: cfg.requireObject<string[]>("sshPublicKeys"),
    sshPrivateKey: cfg.requireSecret("sshPrivateKey"),
    hostKeys,
    adopt: cfg.getObject<Record<string, string>>("adopt") ?? {},
    image: cfg.get("image") ?? "ubuntu-24.04",
    pmtaPackagePath: cfg.get("pmtaPackagePath"),
    pmtaLicensePath: cfg.get("pmtaLicensePath"),
    certbotEmail: cfg.require("certbotEmail"),
    pmtaSubmissionPort: cfg.getNumber("pmtaSubmissionPort") ?? 587,
    pmtaHttpPort: cfg.getNumber("pmtaHttpPort") ?? 8080,
  };
}
