// No secret (SMTP password file, DKIM private key, the SSH user key) in any log line, report, error,
// remote command line (every command is logged by HostSession before it runs), the fixture's command
// log or sshd's own log, on a successful deploy and on a failing one.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { deployPmtaConfig, type DeployOptions } from "../../reconciler/pmta/host/deploy.ts";
import { Redactor } from "../../reconciler/pmta/host/log.ts";
import { startSshd, type SshdPeer } from "../peers/sshd.ts";
import { captureLogger, configWith, deployPaths, lintStub, resetHost } from "./helpers.ts";

let peer: SshdPeer;
beforeAll(async () => {
  peer = await startSshd();
  await resetHost(peer);
});
afterAll(async () => {
  await peer?.stop();
});

const PASSWORD = "Pa55-w0rd-'$(reboot)'-never-logged";
const SMTP_USERS = `<smtp-user mailwizz>\n    password ${PASSWORD}\n    source {auth}\n</smtp-user>\n`;
const DKIM = generateKeyPairSync("rsa", { modulusLength: 1024 })
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString();

function secretFragments(): string[] {
  const pemLines = (pem: string) => pem.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
  return [PASSWORD, ...pemLines(DKIM), ...pemLines(peer.privateKey)];
}

describe("secrets stay out of logs, reports, errors and argv", () => {
  it("a deploy that succeeds and one that fails and rolls back leak nothing", async () => {
    const { logger, lines } = captureLogger();
    const base = (text: string): DeployOptions => ({
      connection: peer.connection(logger),
      paths: deployPaths(peer),
      configText: text,
      extraFiles: [
        { path: join(peer.dirs.etc, "smtp-users.conf"), content: SMTP_USERS, mode: 0o600 },
        { path: join(peer.dirs.etc, "dkim", "example.com.s1.pem"), content: DKIM, mode: 0o600 },
      ],
      lint: lintStub,
      expectedVmtas: ["vmta-a"],
      keepBackups: 2,
      secrets: [PASSWORD],
      logger,
    });
    const ok = await deployPmtaConfig(base(configWith(["vmta-a"], "s1")));
    expect(ok.applied).toBe(true);
    await peer.setFault("test-config", { once: true });
    const failed = await deployPmtaConfig(base(configWith(["vmta-a"], "s2")));
    expect(failed.rolledBack).toBe(true);

    expect(await readFile(join(peer.dirs.etc, "smtp-users.conf"), "utf8")).toBe(SMTP_USERS);
    expect(lines.some((l) => l.includes("ssh exec") && l.includes("pmta reload"))).toBe(true); // commands are logged
    const haystacks = {
      logs: lines.join("\n"),
      reports: JSON.stringify([ok, failed]),
      fixture: (await peer.pmtaCommands()).join("\n"),
      sshd: peer.sshdLog(),
    };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secretFragments())
        expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
    }
  });

  it("the redactor removes whole values and single lines echoed back", () => {
    const r = new Redactor([SMTP_USERS]);
    expect(r.redact(`Error in line 2 of /etc/pmta/smtp-users.conf: password ${PASSWORD}`)).toBe(
      "Error in line 2 of /etc/pmta/smtp-users.conf: [REDACTED]",
    );
    expect(r.redact(`x ${SMTP_USERS} y`)).toBe("x [REDACTED] y");
    expect(r.redact("source {auth}")).toBe("[REDACTED]");
    expect(r.redact("nothing secret here")).toBe("nothing secret here");
  });
});
