// What runs in the daemon beside the reconcile loop: HTTP routes for the sibling tools and workers of
// the job queue (contact imports, feedback to Scraper-Pro). Each service is built from one context and
// started after the first tick, so the inventory it reads is one that validated.
import { join } from "node:path";
import type { WarmupRow } from "../derive/warmup-table.ts";
import type { HttpModule } from "../http/module.ts";
import type { Secrets } from "../inventory/secrets.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import type { MailwizzTarget } from "../mailwizz/target/index.ts";
import type { Store } from "../store/index.ts";
import { contactsService } from "../contacts/service.ts";
import { siblingsService } from "../siblings/service.ts";

export interface DaemonContext {
  readonly store: Store;
  /** The inventory in force (the last one that validated); undefined before the first good tick. */
  inventory(): Inventory | undefined;
  /** Where `env:` secret references resolve (the process environment, or the embedded default's). */
  secrets(): Secrets;
  /** The MailWizz installs of the inventory in force, with an API client per tenant. */
  mailwizz(inventory: Inventory): Promise<readonly MailwizzTarget[]>;
  /** Per-IP rows of the last tick (warm-up day, state, quota). */
  ipRows(): readonly WarmupRow[];
  now(): Date;
  /** The engine's own directory (EMAIL_ENGINE_HOME): uploads are spooled under it. */
  readonly home: string;
  /** One line to the daemon's log (stderr); never a secret. */
  log(line: string): void;
}

export interface DaemonService {
  readonly name: string;
  readonly http?: HttpModule;
  /** Starts workers; called once the store is open. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** The services the daemon runs, in start order. */
export function daemonServices(context: DaemonContext): DaemonService[] {
  return [contactsService(context, { spoolDir: join(context.home, "uploads") }), siblingsService(context)];
}
