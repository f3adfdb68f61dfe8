// The HTTP upload of a CSV import, for operators' scripts (X-API-Key):
//   POST /api/v1/contacts/imports?tenant=T&list=L   body text/csv → 202 { importId, location }
//   GET  /api/v1/contacts/imports/:id               → the import's report (JSON)
//   GET  /api/v1/contacts/imports/:id/errors.csv    → its refused rows (CSV)
// The body is streamed to a spool file with a size limit and imported by a queued job, so a large
// file neither sits in memory nor holds the connection while it is validated and pushed.
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { TransientError } from "../../errors.ts";
import { requireApiKey } from "../../http/api-key.ts";
import type { HttpModule } from "../../http/module.ts";
import { HttpProblem } from "../../http/module.ts";
import type { Secrets } from "../../inventory/secrets.ts";
import { readSecret } from "../../inventory/secrets.ts";
import type { Inventory } from "../../inventory/types.gen.ts";
import type { Store } from "../../store/index.ts";
import { errorsCsv } from "../import/index.ts";
import { readImportReport, uploadReport } from "./report.ts";
import type { Spooled } from "./spool.ts";
import { removeSpool, spoolToFile } from "./spool.ts";
import { finishUpload, getUpload, insertUpload, setUploadJob } from "./uploads.ts";
import { queueUpload } from "./worker.ts";

export interface UploadDeps {
  readonly store: Store;
  inventory(): Inventory | undefined;
  secrets(): Secrets;
  now(): Date;
  log(line: string): void;
  /** Where uploaded files wait for their import (mode 0700, files 0600). */
  readonly spoolDir: string;
  /** Largest upload accepted, in bytes (default 256 MiB). */
  readonly maxUploadBytes?: number;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 256 * 1024 * 1024;
const LEGAL_BASES = ["legitimate-interest", "consent", "contract"] as const;
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const IMPORT_ID = /^[A-Za-z0-9._:-]{1,200}$/;
const FILE_NAME = /^[A-Za-z0-9._ -]{1,100}$/;

interface UploadQuery {
  readonly tenant: string;
  readonly list: string;
  readonly name: string;
  readonly legalBasis: string;
  readonly collectedAt: string;
}

/** The API keys in force (api.keys); a key that cannot be read is skipped and logged by name. */
async function apiKeys(deps: UploadDeps): Promise<string[]> {
  const refs = deps.inventory()?.api?.keys ?? [];
  const keys: string[] = [];
  for (const [index, ref] of refs.entries()) {
    try {
      keys.push(await readSecret(ref, deps.secrets(), `api.keys[${index}]`));
    } catch (error) {
      deps.log(`contacts API: ${(error as Error).message}; this key is skipped`);
    }
  }
  return keys;
}

function param(query: Record<string, unknown>, key: string): string | undefined {
  const value = query[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new HttpProblem(400, "bad_request", `${key}: give it once`);
  return value;
}

/** Checks the query before a byte of the body is read: an upload to a wrong list costs nothing. */
function uploadQuery(inventory: Inventory | undefined, raw: unknown, now: Date): UploadQuery {
  const query = (raw ?? {}) as Record<string, unknown>;
  const tenant = param(query, "tenant");
  const list = param(query, "list");
  if (tenant === undefined || list === undefined) {
    throw new HttpProblem(
      400,
      "bad_request",
      "tenant and list are required: POST /api/v1/contacts/imports?tenant=T&list=L",
    );
  }
  if (!NAME.test(tenant) || inventory?.tenants[tenant] === undefined) {
    throw new HttpProblem(
      400,
      "bad_request",
      `tenant: ${JSON.stringify(tenant)} is not a tenant of the inventory`,
    );
  }
  if (!NAME.test(list) || inventory?.tenants[tenant]?.lists?.[list] === undefined) {
    throw new HttpProblem(
      400,
      "bad_request",
      `list: ${JSON.stringify(list)} is not a list of tenant ${tenant}`,
    );
  }
  const name = param(query, "name") ?? "upload.csv";
  if (!FILE_NAME.test(name)) {
    throw new HttpProblem(400, "bad_request", "name: 1 to 100 letters, digits, spaces, '.', '_' or '-'");
  }
  const legalBasis = param(query, "legalBasis") ?? "legitimate-interest";
  if (!(LEGAL_BASES as readonly string[]).includes(legalBasis)) {
    throw new HttpProblem(400, "bad_request", `legalBasis: one of ${LEGAL_BASES.join(", ")}`);
  }
  const collected = param(query, "collectedAt");
  const time = collected === undefined ? now.getTime() : Date.parse(collected);
  if (Number.isNaN(time)) {
    throw new HttpProblem(
      400,
      "bad_request",
      `collectedAt: ${JSON.stringify(collected)} is not an ISO 8601 time`,
    );
  }
  return { tenant, list, name, legalBasis, collectedAt: new Date(time).toISOString() };
}

function importId(request: FastifyRequest): string {
  const id = (request.params as { id?: string }).id ?? "";
  if (!IMPORT_ID.test(id)) throw new HttpProblem(400, "bad_request", "the import id is malformed");
  return id;
}

export function uploadModule(deps: UploadDeps): HttpModule {
  const limit = deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  return {
    name: "contacts upload",
    register(scope: FastifyInstance) {
      const queries = new WeakMap<FastifyRequest, UploadQuery>();
      const auth = requireApiKey(() => apiKeys(deps));

      scope.removeAllContentTypeParsers();
      const spool = (request: FastifyRequest, payload: IncomingMessage): Promise<Spooled> =>
        spoolToFile(payload, deps.spoolDir, limit, request.headers["content-length"]);
      scope.addContentTypeParser(["text/csv", "application/csv"], spool);
      scope.addContentTypeParser("*", (_request, _payload, done) => {
        done(
          new HttpProblem(415, "unsupported_media_type", "send the file as Content-Type: text/csv"),
          undefined,
        );
      });

      scope.post(
        "/api/v1/contacts/imports",
        {
          bodyLimit: limit,
          onRequest: [
            auth,
            (request, _reply, done) => {
              try {
                queries.set(request, uploadQuery(deps.inventory(), request.query, deps.now()));
                done();
              } catch (error) {
                done(error as Error);
              }
            },
          ],
        },
        async (request, reply) => {
          const query = queries.get(request);
          const spooled = request.body as Spooled | undefined;
          if (query === undefined) throw new Error("upload reached its handler unchecked");
          if (spooled === undefined || spooled.bytes === 0) {
            if (spooled) await removeSpool(spooled.path);
            throw new HttpProblem(400, "bad_request", "the body is empty: send the CSV file as the body");
          }
          const id = await accept(deps, query, spooled);
          const location = `/api/v1/contacts/imports/${id}`;
          return reply
            .code(202)
            .header("location", location)
            .type("application/json; charset=utf-8")
            .send({ importId: id, location, bytes: spooled.bytes });
        },
      );

      scope.get("/api/v1/contacts/imports/:id", { onRequest: auth }, async (request, reply) => {
        const id = importId(request);
        const sql = deps.store.sql;
        const [report, upload] = await Promise.all([readImportReport(sql, id), getUpload(sql, id)]);
        if (report === undefined && upload === undefined) {
          throw new HttpProblem(404, "not_found", `no import ${id}`);
        }
        let body = report ?? uploadReport(upload!);
        // An upload given up on (the file was refused, or every retry failed) is failed, whatever the
        // pipeline had reached.
        if (upload?.state === "failed" && body.state !== "failed") {
          body = { ...body, state: "failed", message: upload.error ?? "" };
        }
        return reply.type("application/json; charset=utf-8").send(body);
      });

      scope.get("/api/v1/contacts/imports/:id/errors.csv", { onRequest: auth }, async (request, reply) => {
        const id = importId(request);
        const sql = deps.store.sql;
        if ((await readImportReport(sql, id)) === undefined && (await getUpload(sql, id)) === undefined) {
          throw new HttpProblem(404, "not_found", `no import ${id}`);
        }
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="${id}-errors.csv"`)
          .send(Readable.from(errorsCsv(sql, id)));
      });
    },
  };
}

/** Records the upload and queues its import; on failure nothing is left (no row in queue, no file). */
async function accept(deps: UploadDeps, query: UploadQuery, spooled: Spooled): Promise<string> {
  const sql = deps.store.sql;
  const now = deps.now();
  try {
    await insertUpload(sql, {
      id: spooled.id,
      ...query,
      bytes: spooled.bytes,
      spoolPath: spooled.path,
      receivedAt: now,
    });
  } catch (error) {
    await removeSpool(spooled.path);
    throw error;
  }
  try {
    const jobId = await queueUpload(await deps.store.queue(), spooled.id);
    await setUploadJob(sql, spooled.id, jobId);
  } catch (error) {
    await finishUpload(sql, spooled.id, "failed", "the import could not be queued: upload again", now);
    await removeSpool(spooled.path);
    throw new TransientError(`cannot queue import ${spooled.id}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  deps.log(
    `contacts upload ${spooled.id}: ${spooled.bytes} bytes for ${query.tenant}/${query.list} queued for import`,
  );
  return spooled.id;
}
