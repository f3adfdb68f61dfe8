// Step 5 (deep mode): the mailbox probe, one SMTP dialogue over node:net. Written here rather than with
// an SMTP client library because those are built to send a message (they go on to DATA); a probe must
// stop at RCPT TO: EHLO, MAIL FROM, RCPT TO the address, RCPT TO a random local part on the SAME
// connection (catch-all detection), QUIT. Every wait has a deadline and what is read is bounded: one
// reply line at most 1,000 octets (RFC 5321 §4.5.3.1.5 says 512), one reply at most 100 lines.
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import type { Socket } from "node:net";

const MAX_LINE = 1000;
const MAX_REPLY_LINES = 100;

export interface SmtpReply {
  readonly code: number;
  /** RFC 3463 code when the reply carries one ("5.1.1"). */
  readonly enhanced?: string;
  /** The reply, one line, for details.smtp. */
  readonly text: string;
}

export type ProbeStage = "connect" | "greeting" | "ehlo" | "mail" | "rcpt";

export type ProbeResult =
  | {
      readonly kind: "rcpt";
      readonly reply: SmtpReply;
      /** The random local part got a 2xx too (only asked when the address was accepted). */
      readonly catchAll?: boolean;
    }
  /** The server answered an earlier command with an error. */
  | { readonly kind: "refused"; readonly stage: ProbeStage; readonly reply: SmtpReply }
  | { readonly kind: "timeout"; readonly stage: ProbeStage }
  /** Could not connect, connection lost, or the server broke the protocol. */
  | { readonly kind: "failed"; readonly stage: ProbeStage; readonly message: string };

export interface ProbeRequest {
  readonly host: string;
  readonly port: number;
  readonly heloName: string;
  readonly mailFrom: string;
  readonly rcpt: string;
  /** The address's domain, for the random catch-all recipient. */
  readonly domain: string;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
}

class ProtocolError extends Error {}
class TimeoutError extends Error {}

/** Reads SMTP replies off a socket, bounded, one at a time. */
class ReplyReader {
  private buffer = "";
  private lines: string[] = [];
  private readonly replies: SmtpReply[] = [];
  private failure: Error | undefined;
  private waiter: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly socket: Socket) {
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => this.onData(chunk));
    socket.on("error", (error) => this.fail(new ProtocolError(`connection error: ${errorCode(error)}`)));
    socket.on("close", () => this.fail(new ProtocolError("connection closed by the server")));
  }

  next(timeoutMs: number): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new TimeoutError("no reply in time"));
      }, timeoutMs);
      this.waiter = {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, "");
      this.buffer = this.buffer.slice(end + 1);
      this.onLine(line);
      if (this.failure !== undefined) return;
    }
    if (this.buffer.length > MAX_LINE)
      this.fail(new ProtocolError(`reply line longer than ${MAX_LINE} octets`));
  }

  private onLine(line: string): void {
    if (line.length > MAX_LINE)
      return this.fail(new ProtocolError(`reply line longer than ${MAX_LINE} octets`));
    const match = /^([2-5][0-9]{2})([ -]|$)(.*)$/.exec(line);
    if (match === null)
      return this.fail(new ProtocolError(`not an SMTP reply: ${JSON.stringify(line.slice(0, 80))}`));
    this.lines.push(line);
    if (this.lines.length > MAX_REPLY_LINES)
      return this.fail(new ProtocolError("reply longer than 100 lines"));
    if (match[2] === "-") return;
    const code = Number(match[1]);
    const first = this.lines[0]!.slice(4);
    const enhanced = /^([245]\.[0-9]{1,3}\.[0-9]{1,3})\b/.exec(first)?.[1];
    const text = this.lines
      .map((l) => l.slice(4))
      .join(" ")
      .trim();
    this.lines = [];
    const reply: SmtpReply = {
      code,
      ...(enhanced ? { enhanced } : {}),
      text: `${code} ${text}`.slice(0, 300),
    };
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(reply);
    } else this.replies.push(reply);
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(error);
    this.socket.destroy();
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "error";
}

/** A random local part, 15 characters as Reacher uses, that no real mailbox has. */
export function randomLocalPart(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(15)].map((b) => alphabet[b % alphabet.length]).join("");
}

function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TimeoutError("connect timed out"));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ProtocolError(`cannot connect: ${errorCode(error)}`));
    });
  });
}

export async function probe(request: ProbeRequest): Promise<ProbeResult> {
  let stage: ProbeStage = "connect";
  let socket: Socket | undefined;
  try {
    socket = await openSocket(request.host, request.port, request.connectTimeoutMs);
    const reader = new ReplyReader(socket);
    const open = socket;
    const ask = async (command: string): Promise<SmtpReply> => {
      // The address was validated upstream; this guard keeps a line break from ever becoming a command.
      if (/[\r\n]/.test(command)) throw new ProtocolError("refusing a command with a line break");
      if (command !== "") open.write(`${command}\r\n`);
      return reader.next(request.commandTimeoutMs);
    };
    stage = "greeting";
    const greeting = await ask("");
    if (greeting.code !== 220) return { kind: "refused", stage, reply: greeting };
    stage = "ehlo";
    let hello = await ask(`EHLO ${request.heloName}`);
    if (hello.code >= 500) hello = await ask(`HELO ${request.heloName}`);
    if (hello.code !== 250) return { kind: "refused", stage, reply: hello };
    stage = "mail";
    const mail = await ask(`MAIL FROM:<${request.mailFrom}>`);
    if (mail.code !== 250) return { kind: "refused", stage, reply: mail };
    stage = "rcpt";
    const rcpt = await ask(`RCPT TO:<${request.rcpt}>`);
    if (rcpt.code < 200 || rcpt.code >= 300) return { kind: "rcpt", reply: rcpt };
    // The address is accepted whatever happens next: a failed catch-all question leaves it unknown.
    const random = await ask(`RCPT TO:<${randomLocalPart()}@${request.domain}>`).catch(() => undefined);
    if (random === undefined) return { kind: "rcpt", reply: rcpt };
    await ask("QUIT").catch(() => undefined);
    return { kind: "rcpt", reply: rcpt, catchAll: random.code >= 200 && random.code < 300 };
  } catch (error) {
    if (error instanceof TimeoutError) return { kind: "timeout", stage };
    return { kind: "failed", stage, message: error instanceof Error ? error.message : String(error) };
  } finally {
    socket?.destroy();
  }
}
