// An authoritative DNS server on 127.0.0.1 for tests and the benchmark (dns2's UDP and TCP servers on
// the same free port). Tests write the records; a name under a "hung" suffix never gets an answer, to
// test timeouts. Unknown names answer NXDOMAIN; names with records of other types (or with names
// below them) answer NOERROR without records (NODATA).
import type { AddressInfo, Socket } from "node:net";
import dns2 from "dns2";
import type { Packet as DnsPacket, Resource } from "dns2";

const { Packet } = dns2;
const NXDOMAIN = 3;

export interface RecordSet {
  A?: string[];
  AAAA?: string[];
  MX?: { exchange: string; priority: number }[];
  /** One inner array per TXT record; several strings make one multi-string record. */
  TXT?: string[][];
  PTR?: string[];
}

type RecordType = keyof RecordSet;

const TYPE_CODES: Record<RecordType, number> = {
  A: Packet.TYPE.A,
  AAAA: Packet.TYPE.AAAA,
  MX: Packet.TYPE.MX,
  TXT: Packet.TYPE.TXT,
  PTR: Packet.TYPE.PTR,
};

function norm(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

export class TestDnsServer {
  private readonly records = new Map<string, RecordSet>();
  private readonly hung = new Set<string>();
  private readonly sockets = new Set<Socket>();
  /** Queries received (by UDP or TCP), for tests that count lookups. */
  queries = 0;

  private constructor(
    private readonly udp: InstanceType<typeof dns2.UDPServer>,
    private readonly tcp: InstanceType<typeof dns2.TCPServer>,
    readonly port: number,
  ) {}

  /** HOST:PORT for --resolver and the client. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestDnsServer> {
    for (let attempt = 0; attempt < 20; attempt++) {
      // The handler exists before the server object does; it answers once the server is set.
      const ref: { server?: TestDnsServer } = {};
      const handle = (request: DnsPacket, send: (r: DnsPacket) => Promise<Buffer>) =>
        ref.server?.answer(request, send);
      const udp = dns2.createUDPServer(handle);
      const port = await new Promise<number>((resolve, reject) => {
        udp.once("error", reject);
        udp.bind(0, "127.0.0.1", () => resolve(udp.address().port));
      });
      const tcp = dns2.createTCPServer(handle);
      const ok = await new Promise<boolean>((resolve) => {
        tcp.once("error", () => resolve(false));
        tcp.listen({ port, host: "127.0.0.1" }, () => resolve(true));
      });
      if (!ok) {
        udp.close();
        continue;
      }
      const server = new TestDnsServer(udp, tcp, (tcp.address() as AddressInfo).port);
      tcp.on("connection", (socket: Socket) => {
        server.sockets.add(socket);
        socket.once("close", () => server.sockets.delete(socket));
      });
      ref.server = server;
      return server;
    }
    throw new Error("no free port for the test DNS server");
  }

  /** Replaces the records of one type at a name. */
  set<T extends RecordType>(name: string, type: T, records: NonNullable<RecordSet[T]>): this {
    const key = norm(name);
    const set = this.records.get(key) ?? {};
    set[type] = records;
    this.records.set(key, set);
    return this;
  }

  delete(name: string, type?: RecordType): this {
    const key = norm(name);
    if (type === undefined) this.records.delete(key);
    else delete this.records.get(key)?.[type];
    return this;
  }

  clear(): this {
    this.records.clear();
    this.hung.clear();
    return this;
  }

  /** Names equal to or under `suffix` get no answer at all (the client times out). */
  hang(suffix: string): this {
    this.hung.add(norm(suffix));
    return this;
  }

  async close(): Promise<void> {
    // Clients keep TCP connections open for reuse: drop them so close() does not wait for their idle timeout.
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([
      new Promise<void>((resolve) => this.udp.close(() => resolve())),
      new Promise<void>((resolve) => this.tcp.close(() => resolve())),
    ]);
  }

  private answer(request: DnsPacket, send: (r: DnsPacket) => Promise<Buffer>): void {
    this.queries++;
    const question = request.questions[0];
    if (question === undefined) return;
    const name = norm(question.name);
    for (const suffix of this.hung) if (name === suffix || name.endsWith(`.${suffix}`)) return;
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;
    const set = this.records.get(name);
    const exists = set !== undefined || [...this.records.keys()].some((k) => k.endsWith(`.${name}`));
    if (!exists) response.header.rcode = NXDOMAIN;
    const type = (Object.keys(TYPE_CODES) as RecordType[]).find((t) => TYPE_CODES[t] === question.type);
    if (set !== undefined && type !== undefined) {
      const base = { name: question.name, type: question.type, class: Packet.CLASS.IN, ttl: 60 };
      const records: readonly unknown[] = set[type] ?? [];
      for (const record of records) {
        const data =
          type === "A" || type === "AAAA"
            ? { address: record }
            : type === "MX"
              ? record
              : type === "PTR"
                ? { domain: record }
                : { data: record };
        // dns2 encodes plain objects; its Resource type also declares toBuffer, which encoding never calls.
        response.answers.push({ ...base, ...(data as object) } as Resource);
      }
    }
    // A client that went away is not the server's problem.
    send(response).catch(() => undefined);
  }
}
