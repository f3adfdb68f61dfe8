// A scripted SMTP server on 127.0.0.1 (smtp-server, port 0) for the mailbox probe's tests. The test says
// per recipient address or per domain what happens at RCPT TO: accept, reject (550 5.1.1), greylist
// (450 4.7.1), accept-all (catch-all: every recipient of the domain), hang (never answers). Recipients
// without a rule are rejected like a normal server's unknown users. The peer can also hang right after
// connect (no greeting) and delay its RCPT replies. It counts connections and their peak concurrency and
// records the HELO names, MAIL FROM and RCPT TO it saw. No reverse DNS, no AUTH, no TLS.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { SMTPServerSession } from "smtp-server";

export type RcptBehaviour = "accept" | "reject" | "greylist" | "accept-all" | "hang";

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export class ScriptedSmtpServer {
  private readonly rules = new Map<string, RcptBehaviour>();
  private readonly hanging = new Set<() => void>();
  private active = 0;
  /** Connections accepted. */
  connections = 0;
  /** Most connections open at the same time. */
  peakConcurrent = 0;
  readonly heloNames: string[] = [];
  readonly mailFrom: string[] = [];
  readonly rcptTo: string[] = [];
  /** Never send the greeting. */
  hangOnConnect = false;
  /** Wait this long before answering RCPT TO (lets concurrent probes overlap). */
  rcptDelayMs = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<ScriptedSmtpServer> {
    const ref: { peer?: ScriptedSmtpServer } = {};
    const server = new SMTPServer({
      logger: false,
      disableReverseLookup: true,
      authOptional: true,
      disabledCommands: ["AUTH", "STARTTLS"],
      hideENHANCEDSTATUSCODES: true,
      closeTimeout: 100,
      onConnect: (_session, callback) => ref.peer!.onConnect(callback),
      onClose: () => ref.peer!.onClose(),
      onMailFrom: (address, session, callback) => {
        ref.peer!.heloNames.push(session.hostNameAppearsAs);
        ref.peer!.mailFrom.push(address.address);
        callback();
      },
      onRcptTo: (address, session, callback) => ref.peer!.onRcptTo(address.address, session, callback),
      onData: (_stream, _session, callback) => callback(smtpError(554, "5.5.1 this peer takes no DATA")),
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port));
    });
    const peer = new ScriptedSmtpServer(server, port);
    ref.peer = peer;
    return peer;
  }

  /** `key`: a full address (user@domain) or a domain. An address rule wins over its domain's. */
  set(key: string, behaviour: RcptBehaviour): this {
    this.rules.set(key.toLowerCase(), behaviour);
    return this;
  }

  reset(): this {
    this.rules.clear();
    this.connections = 0;
    this.peakConcurrent = 0;
    this.heloNames.length = 0;
    this.mailFrom.length = 0;
    this.rcptTo.length = 0;
    this.hangOnConnect = false;
    this.rcptDelayMs = 0;
    return this;
  }

  async close(): Promise<void> {
    for (const release of this.hanging) release();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnect(callback: (err?: Error | null) => void): void {
    this.connections++;
    this.active++;
    this.peakConcurrent = Math.max(this.peakConcurrent, this.active);
    // Hanging: the callback is kept only so close() can let the connection go.
    if (this.hangOnConnect) this.hanging.add(() => callback(smtpError(421, "4.3.2 closing")));
    else callback();
  }

  private onClose(): void {
    this.active--;
  }

  private onRcptTo(
    address: string,
    _session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    this.rcptTo.push(address);
    const lower = address.toLowerCase();
    const domain = lower.slice(lower.lastIndexOf("@") + 1);
    const rule = this.rules.get(lower) ?? this.rules.get(domain);
    const behaviour: RcptBehaviour = rule ?? "reject";
    const answer = () => {
      switch (behaviour) {
        case "accept":
        case "accept-all":
          return callback();
        case "reject":
          return callback(smtpError(550, "5.1.1 user unknown"));
        case "greylist":
          return callback(smtpError(450, "4.7.1 greylisted, try again later"));
        case "hang": {
          const release = () => callback(smtpError(421, "4.3.2 closing"));
          this.hanging.add(release);
          return;
        }
      }
    };
    // A domain rule of accept-all accepts any recipient; a plain "accept" domain rule would too, which
    // is why tests give addresses, not domains, for accept.
    if (this.rcptDelayMs > 0) setTimeout(answer, this.rcptDelayMs);
    else answer();
  }
}
