// The contacts part of the daemon: the sibling tools' webhooks and the HTTP upload (routes), and the
// workers that import what they received through the one pipeline (validation, dedupe, suppression,
// storage with provenance, push to the tenant's MailWizz list).
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { DaemonContext, DaemonService } from "../daemon/services.ts";
import { TransientError } from "../errors.ts";
import { startUploadWorker } from "./http/worker.ts";
import { uploadModule } from "./http/module.ts";
import { importContacts } from "./import/index.ts";
import { pushTargetFor } from "./push/index.ts";
import { createValidator, validatorOptionsFrom } from "./verify/index.ts";
import { webhookModule } from "./webhooks/module.ts";
import type { RunImport } from "./webhooks/worker.ts";
import { startWebhookWorker } from "./webhooks/worker.ts";

export interface ContactsServiceOptions {
  /** Where uploaded CSV files wait for their import (default: <tmp>/email-engine-uploads). */
  readonly spoolDir?: string;
  /** Largest CSV upload, in bytes (default 256 MiB). */
  readonly maxUploadBytes?: number;
  /** How often the workers poll the queue (default 2 s). */
  readonly pollSeconds?: number;
}

/**
 * The import as the daemon runs it: with the inventory in force, a domain-level validator built from
 * it and the tenant's MailWizz list as the push target. A missing inventory or MailWizz list throws,
 * so the queue retries the job later.
 */
export function daemonImport(context: DaemonContext): RunImport {
  return async (request, rows) => {
    const inventory = context.inventory();
    if (inventory === undefined) throw new TransientError("the daemon has no valid inventory yet");
    const push = await pushTargetFor(
      inventory,
      await context.mailwizz(inventory),
      request.tenant,
      request.list,
    );
    const validator = createValidator({ ...validatorOptionsFrom(inventory), now: () => context.now() });
    try {
      return await importContacts(
        { sql: context.store.sql, validator, push, now: () => context.now() },
        request,
        rows,
      );
    } finally {
      await validator.close();
    }
  };
}

export function contactsService(context: DaemonContext, options: ContactsServiceOptions = {}): DaemonService {
  const base = {
    store: context.store,
    inventory: () => context.inventory(),
    secrets: () => context.secrets(),
    now: () => context.now(),
    log: (line: string) => context.log(line),
  };
  const webhooks = webhookModule(base);
  const uploads = uploadModule({
    ...base,
    spoolDir: options.spoolDir ?? join(tmpdir(), "email-engine-uploads"),
    ...(options.maxUploadBytes === undefined ? {} : { maxUploadBytes: options.maxUploadBytes }),
  });
  return {
    name: "contacts",
    http: {
      name: "contacts (webhooks, uploads)",
      // Each in a scope of its own: each replaces the body parsers with its own.
      async register(scope: FastifyInstance) {
        await scope.register(async (child) => webhooks.register(child));
        await scope.register(async (child) => uploads.register(child));
      },
    },
    async start() {
      const queue = await context.store.queue();
      const deps = { sql: context.store.sql, runImport: daemonImport(context), now: base.now, log: base.log };
      const poll = options.pollSeconds === undefined ? {} : { pollSeconds: options.pollSeconds };
      await startWebhookWorker(queue, deps, poll);
      await startUploadWorker(queue, deps, poll);
    },
  };
}
