// The emulator's HTTP front: URL layout, body decoding the way PHP/Yii does it, auth, faults, JSON out.
// node:http rather than Fastify because the point is to decode bodies exactly like PHP (a JSON POST
// is silently empty), which a framework's own body parsers would get in the way of.
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AccessMode } from "./access.ts";
import { checkAccess } from "./access.ts";
import type { Answer, RequestContext } from "./context.ts";
import { fail, phpJsonEncode } from "./context.ts";
import { cleanValue, parseStr } from "./php.ts";
import type { PhpArray, PhpValue } from "./php.ts";
import { isUnprotected, matchRoute } from "./routes.ts";
import type { DeliveryServerSource } from "./servers.ts";
import { memoryServerSource } from "./servers.ts";
import { EmulatorStore } from "./store.ts";

export interface EmulatorOptions {
  /** 2.x key auth (default, with apiKey) or 1.x signed requests. */
  readonly access: AccessMode;
  readonly port?: number;
  readonly host?: string;
  /** "Clean urls" on: the server calls itself /api/<route> (matters for 1.x signatures only). */
  readonly cleanUrls?: boolean;
  readonly now?: () => Date;
  /** PHP post_max_size: a bigger body is discarded, as PHP does (default 8 MiB). */
  readonly maxBodyBytes?: number;
  /** php.ini max_input_vars: pairs past it are dropped from $_GET/$_POST (default 1000, PHP's). */
  readonly maxInputVars?: number;
  /** Keep `requests` (default true; the long-running CLI emulator turns it off). */
  readonly recordRequests?: boolean;
  /**
   * More customers, each with its own 2.x API key (customer ids other than store.customerId, which
   * `access` authenticates). Each sees only its own lists, templates, campaigns and servers.
   */
  readonly customers?: readonly { readonly apiKey: string; readonly customerId: number }[];
  /**
   * Where the delivery-server routes (and campaign delivery_servers) read rows: by default the
   * emulator's own table; `openMysqlServerSource()` reads MailWizz's table in a MariaDB instead, the
   * one the SQL store writes. The caller closes it.
   */
  readonly deliveryServers?: DeliveryServerSource;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string;
  readonly bodyBytes: number;
}

export interface MailwizzEmulator {
  /** Base URL with index.php, e.g. http://127.0.0.1:4321/api/index.php */
  readonly baseUrl: string;
  readonly port: number;
  readonly store: EmulatorStore;
  /** Every request received, in order (method, URL, content type, body size; never headers). */
  readonly requests: RecordedRequest[];
  /** The next `count` requests answer `status` (default 503, MailWizz's "Service Unavailable."). */
  failNext(count: number, status?: number): void;
  /** The next `count` requests get no answer at all until the emulator closes. */
  hangNext(count: number): void;
  close(): Promise<void>;
}

interface Fault {
  kind: "fail" | "hang";
  status: number;
}

function readBody(req: IncomingMessage, limit: number): Promise<{ text: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
    });
    req.on("end", () =>
      resolve({ text: bytes <= limit ? Buffer.concat(chunks).toString("utf8") : "", bytes }),
    );
    req.on("error", reject);
  });
}

/** JSON decoded into PHP's assoc arrays with scalar values as strings. */
function jsonToPhp(value: unknown): PhpValue {
  if (value === null || value === undefined || value === false) return "";
  if (value === true) return "1";
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (typeof value !== "object") return "";
  const out: PhpArray = {};
  for (const [k, v] of Object.entries(value)) out[k] = jsonToPhp(v);
  return out;
}

function decodeBody(method: string, contentType: string, text: string, maxVars: number): PhpArray {
  const type = contentType.toLowerCase();
  if (method === "GET") return {};
  if (method === "POST") {
    // $_POST is filled for form bodies only; JSON (and multipart, not modelled) leave it empty.
    return type.startsWith("application/x-www-form-urlencoded") ? parseStr(text, maxVars) : {};
  }
  // PUT/DELETE: CHttpRequest::getRestParams(): JSON when the content type says so, else mb_parse_str.
  if (type.startsWith("application/json")) {
    try {
      const parsed = jsonToPhp(JSON.parse(text));
      return typeof parsed === "object" ? parsed : {};
    } catch {
      return {};
    }
  }
  // Not known whether mb_parse_str applies max_input_vars; PUT bodies are decoded whole here.
  return parseStr(text);
}

/** The same database seen by another customer: only `customerId` differs, every row is shared. */
function asCustomer(store: EmulatorStore, customerId: number): EmulatorStore {
  if (customerId === store.customerId) return store;
  return new Proxy(store, {
    get: (target, prop, receiver) =>
      prop === "customerId" ? customerId : (Reflect.get(target, prop, receiver) as unknown),
  });
}

export async function startMailwizzEmulator(options: EmulatorOptions): Promise<MailwizzEmulator> {
  const store = new EmulatorStore(options.now);
  const servers = options.deliveryServers ?? memoryServerSource(store);
  const customers = options.customers ?? [];
  for (const c of customers) {
    if (c.customerId === store.customerId || c.apiKey === "")
      throw new Error(`emulator customer ${c.customerId}: needs its own id and a non-empty key`);
  }
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const limit = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const maxVars = options.maxInputVars ?? 1000;
  const prefix = options.cleanUrls ? "/api" : "/api/index.php";

  const failNext = (count: number, status = 503) => {
    for (let i = 0; i < count; i += 1) faults.push({ kind: "fail", status });
  };
  const hangNext = (count: number) => {
    for (let i = 0; i < count; i += 1) faults.push({ kind: "hang", status: 0 });
  };
  // Not MailWizz: POST /__emulator/fail?count=N[&status=503] and /__emulator/hang?count=N let a
  // standalone emulator be told to misbehave with curl. Same key as the API (2.x key or 1.x public key).
  const control = (req: IncomingMessage, url: URL): Answer => {
    const key = options.access.version === "2.x" ? options.access.apiKey : options.access.publicKey;
    if (req.headers["x-api-key"] !== key)
      return fail(400, "Invalid API key. Please refer to the documentation.");
    const count = Number.parseInt(url.searchParams.get("count") ?? "1", 10);
    if (req.method !== "POST" || !Number.isInteger(count) || count < 0 || count > 1000)
      return fail(400, "POST with count=0..1000");
    const status = Number(url.searchParams.get("status") ?? "503");
    if (!Number.isInteger(status) || status < 200 || status > 599)
      return fail(400, "status must be 200..599");
    if (url.pathname === "/__emulator/fail") failNext(count, status);
    else if (url.pathname === "/__emulator/hang") hangNext(count);
    else return fail(404, "Page not found.");
    return { status: 200, body: { status: "success" } };
  };

  const send = (res: ServerResponse, answer: Answer) => {
    const body = answer.body === undefined ? "" : phpJsonEncode(answer.body);
    res.writeHead(answer.status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? "GET").toUpperCase();
    const contentType = req.headers["content-type"] ?? "";
    const { text, bytes } = await readBody(req, limit);
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    if (url.pathname.startsWith("/__emulator/")) return send(res, control(req, url));
    if (options.recordRequests !== false)
      requests.push({ method, url: url.pathname + url.search, contentType, bodyBytes: bytes });
    const fault = faults.shift();
    if (fault?.kind === "hang") return; // the socket stays open until close()
    if (fault?.kind === "fail") return send(res, fail(fault.status, "Service Unavailable."));

    const m = /^\/api(?:\/index\.php)?(?:\/(.*?))?\/?$/i.exec(url.pathname);
    if (m === null) return send(res, fail(404, "Page not found."));
    const path = m[1] ?? "";
    const query = cleanValue(parseStr(url.search.slice(1), maxVars)) as PhpArray;
    const raw = decodeBody(method, contentType, text, maxVars);
    const body = cleanValue(raw) as PhpArray;
    const tunnelled = method === "POST" && typeof raw._method === "string" ? raw._method.toUpperCase() : "";
    const override = String(req.headers["x-http-method-override"] ?? "").toUpperCase();
    const requestType = tunnelled || override || method;
    const match = matchRoute(requestType, path);
    if (match === undefined) return send(res, fail(404, "Page not found."));

    let customerId = store.customerId;
    if (!isUnprotected(match.route)) {
      const host = req.headers.host ?? "127.0.0.1";
      let access = options.access;
      if (access.version === "2.x") {
        const key = String(req.headers["x-api-key"] || req.headers["x-mw-public-key"] || "");
        const other = customers.find((c) => c.apiKey === key);
        if (other) {
          access = { version: "2.x", apiKey: other.apiKey };
          customerId = other.customerId;
        }
      }
      const denied = checkAccess(
        access,
        store,
        {
          headers: req.headers,
          requestType,
          selfUrl: `http://${host}${prefix}/${path}`,
          query,
          bodyParams: body,
        },
        Math.floor(store.now().getTime() / 1000),
      );
      if (denied !== undefined) return send(res, denied);
    }
    const ipHeader = req.headers["x-mw-remote-addr"] ?? req.headers["x-remote-addr"];
    const ctx: RequestContext = {
      store: asCustomer(store, customerId),
      servers,
      query,
      body,
      params: match.params,
      method,
      isPut: method === "PUT" || tunnelled === "PUT",
      isDelete: method === "DELETE" || tunnelled === "DELETE",
      isPost: method === "POST",
      remoteAddr: typeof ipHeader === "string" ? ipHeader : (req.socket.remoteAddress ?? ""),
    };
    send(res, await match.route.handler(ctx));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) send(res, fail(500, message));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    baseUrl: `http://${host}:${address.port}${prefix}`,
    port: address.port,
    store,
    requests,
    failNext,
    hangNext,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
