// The sibling tools' service in the daemon: their HTTP routes and the worker that sends bounce and
// delivery feedback to Scraper-Pro from the durable queue.
import { createValidator, validatorOptionsFrom } from "../contacts/verify/index.ts";
import type { Validator } from "../contacts/verify/index.ts";
import type { DaemonContext, DaemonService } from "../daemon/services.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import { settingsCache } from "./config.ts";
import { FEEDBACK_QUEUE, feedbackHandler } from "./feedback/queue.ts";
import type { FeedbackJob } from "./feedback/queue.ts";
import { siblingsHttp } from "./http.ts";

export function siblingsService(context: DaemonContext): DaemonService {
  const settings = settingsCache(
    () => context.inventory(),
    () => context.secrets(),
  );
  let warned: unknown;
  const current = async () => {
    const s = await settings();
    // A secret reference that cannot be read is said once per inventory, not on every request.
    if (s && s.problems.length > 0 && warned !== s) {
      warned = s;
      for (const problem of s.problems) context.log(`sibling API: ${problem}`);
    }
    return s;
  };
  // One domain-level validator per inventory (its resolvers come from monitoring.resolvers), replaced
  // when a new inventory is in force so its DNS cache does not outlive a resolver change.
  let validator: { inventory: Inventory; validator: Validator } | undefined;
  const currentValidator = async (): Promise<Validator> => {
    const inventory = context.inventory();
    if (validator === undefined || (inventory !== undefined && validator.inventory !== inventory)) {
      const old = validator?.validator;
      const options = validatorOptionsFrom(inventory);
      // Domain level only: the old endpoint never probed mailboxes, and a probe per address of a
      // 10,000-address request would take hours.
      validator = { inventory: inventory!, validator: createValidator({ ...options, probe: undefined }) };
      await old?.close();
    }
    return validator.validator;
  };
  return {
    name: "siblings",
    http: siblingsHttp({
      store: context.store,
      inventory: () => context.inventory(),
      ipRows: () => context.ipRows(),
      settings: current,
      validator: currentValidator,
      now: () => context.now(),
      log: (line) => context.log(line),
    }),
    async start() {
      const queue = await context.store.queue();
      await queue.work<FeedbackJob>(
        FEEDBACK_QUEUE,
        feedbackHandler({
          sql: context.store.sql,
          settings: async () => (await current())?.feedback,
          now: () => context.now(),
          log: (line) => context.log(line),
        }),
      );
    },
    async stop() {
      await validator?.validator.close();
      validator = undefined;
    },
  };
}
