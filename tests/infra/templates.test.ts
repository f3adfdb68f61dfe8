import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  renderDkimInstall,
  renderMailwizzBootstrap,
  renderPmtaBootstrap,
} from "../../templates/hosts/bootstrap.ts";
import { renderCloudInit } from "../../templates/hosts/cloud-init.ts";
import { NETPLAN_PATH, renderFloatingIpNetplan } from "../../templates/hosts/netplan.ts";
import { parse } from "yaml";

/** POSIX shell syntax check of a rendered script (dash, without running it). */
function shellSyntaxOk(script: string): void {
  execFileSync("sh", ["-n"], { input: script });
}

describe("host templates (pure)", () => {
  it("cloud-init installs the pinned host key", () => {
    const text = renderCloudInit({
      hostname: "pmta.sos-mail.com",
      hostPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
      hostPublicKey: "ssh-ed25519 AAAAC3Nz host",
    });
    expect(text).toMatchSnapshot();
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    expect(parse(text)).toEqual({
      hostname: "pmta",
      fqdn: "pmta.sos-mail.com",
      ssh_deletekeys: true,
      ssh_keys: {
        ed25519_private: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
        ed25519_public: "ssh-ed25519 AAAAC3Nz host",
      },
    });
  });

  it("netplan gives each floating IP a single-address prefix, sorted", () => {
    const text = renderFloatingIpNetplan({
      interfaceName: "eth0",
      addresses: ["192.0.2.5", "2001:db8::7", "192.0.2.1"],
    });
    expect(text).toMatchSnapshot();
    expect(parse(text)).toEqual({
      network: {
        version: 2,
        ethernets: { eth0: { dhcp4: true, addresses: ["192.0.2.1/32", "192.0.2.5/32", "2001:db8::7/128"] } },
      },
    });
    expect(NETPLAN_PATH).toBe("/etc/netplan/60-email-engine-floating-ips.yaml");
  });

  it("the MailWizz bootstrap is valid shell and quotes its values", () => {
    const script = renderMailwizzBootstrap({
      hostname: "mw.sos-mail.com",
      certbotEmail: "ops+certs@sos-mail.com",
    });
    expect(script).toMatchSnapshot();
    shellSyntaxOk(script);
    const odd = renderMailwizzBootstrap({ hostname: "mw.sos-mail.com", certbotEmail: "a'b;$(reboot)@x.com" });
    expect(odd).toContain("-m 'a'\\''b;$(reboot)@x.com'");
    shellSyntaxOk(odd);
  });

  it("the PowerMTA bootstrap installs .deb or .rpm and is valid shell", () => {
    const deb = renderPmtaBootstrap({
      packagePath: "/root/email-engine/pmta-package.deb",
      licensePath: "/root/l",
    });
    const rpm = renderPmtaBootstrap({
      packagePath: "/root/email-engine/pmta-package.rpm",
      licensePath: "/root/l",
    });
    expect(deb).toMatchSnapshot();
    expect(deb).toContain("dpkg -i /root/email-engine/pmta-package.deb");
    expect(rpm).toContain("rpm -Uvh --replacepkgs /root/email-engine/pmta-package.rpm");
    shellSyntaxOk(deb);
    shellSyntaxOk(rpm);
  });

  it("the DKIM install reads the key from stdin and writes it atomically with mode 0600", () => {
    const cmd = renderDkimInstall("/etc/pmta/dkim/sos-mail.com.ee1.pem");
    shellSyntaxOk(cmd);
    expect(cmd).toMatch(/cat > \/etc\/pmta\/dkim\/sos-mail\.com\.ee1\.pem\.tmp && .*chmod 0600 .* && mv -f /);
  });
});
