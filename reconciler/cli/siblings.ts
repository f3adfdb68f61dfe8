// email-engine siblings feedback: the bounce and delivery feedback to Scraper-Pro that could not be
// delivered (out of retries), and retrying one. The queue keeps retrying the others by itself.
import type { Command } from "commander";
import { ConfigError } from "../errors.ts";
import { FEEDBACK_QUEUE, listFailures, retryFailure } from "../siblings/feedback/queue.ts";
import type { FeedbackFailure } from "../siblings/feedback/queue.ts";
import type { Store } from "../store/index.ts";
import type { CliEnvironment } from "./context.ts";
import { openCommandStore } from "./context.ts";
import type { Output } from "./output.ts";
import { table } from "./output.ts";
import type { RegisterCommands } from "./register.ts";

interface StoreOptions {
  readonly dataDir?: string;
}

async function withStore<T>(
  env: CliEnvironment,
  options: StoreOptions,
  fn: (s: Store) => Promise<T>,
): Promise<T> {
  const store = await openCommandStore(env, options.dataDir);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function describe(f: FeedbackFailure): string {
  return f.payload.kind === "bounce"
    ? `${f.payload.bounce_type} ${f.payload.email}`
    : `${f.payload.count} to ${f.payload.domain}`;
}

export async function feedbackListCommand(
  options: StoreOptions & { readonly failed?: boolean; readonly all?: boolean; readonly json?: boolean },
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  const { failures, counts } = await withStore(env, options, async (store) => ({
    failures: await listFailures(store.sql, options.all !== true),
    counts: options.failed ? {} : await (await store.queue()).counts(FEEDBACK_QUEUE),
  }));
  if (options.json) {
    output.out(JSON.stringify(options.failed ? failures : { queue: counts, failures }, null, 2));
    return 0;
  }
  if (!options.failed) {
    const states = Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1));
    output.out(
      `feedback queue: ${states.length === 0 ? "empty" : states.map(([state, n]) => `${n} ${state}`).join(", ")}`,
    );
  }
  if (failures.length === 0) {
    output.out("no feedback out of retries: everything was delivered or is still being retried");
    return 0;
  }
  output.out(
    `${failures.length} feedback(s) out of retries (retry one with: email-engine siblings feedback retry ID)`,
  );
  output.out(
    table(
      ["ID", "KIND", "WHAT", "ATTEMPTS", "FAILED AT", "RETRIED", "LAST ERROR"],
      failures.map((f) => [
        f.id,
        f.kind,
        describe(f),
        f.attempts,
        f.failedAt,
        f.retriedAt ?? "-",
        f.lastError,
      ]),
    ),
  );
  return 0;
}

export async function feedbackRetryCommand(
  idText: string,
  options: StoreOptions & { readonly retries?: string },
  env: CliEnvironment,
  output: Output,
): Promise<number> {
  if (!/^[0-9]{1,12}$/.test(idText)) {
    throw new ConfigError(`feedback id must be a number, got ${JSON.stringify(idText)}`, [
      "    fix: take the ID column of `email-engine siblings feedback --failed`",
    ]);
  }
  const retries = options.retries === undefined ? 10 : Number(options.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 50) {
    throw new ConfigError(
      `--retries must be an integer from 0 to 50, got ${JSON.stringify(options.retries)}`,
    );
  }
  const done = await withStore(env, options, async (store) =>
    retryFailure(store.sql, await store.queue(), Number(idText), {
      retries,
      retryDelaySeconds: 120,
      now: env.now(),
    }),
  );
  if (!done) {
    throw new ConfigError(`no feedback failure ${idText}`, [
      "    fix: list them with `email-engine siblings feedback --failed`",
    ]);
  }
  output.out(
    `feedback ${idText} (${describe(done.failure)}) queued again as job ${done.jobId}; the daemon sends it`,
  );
  return 0;
}

export const registerSiblingCommands: RegisterCommands = (parent, env, output, setExit) => {
  const siblings = parent
    .command("siblings")
    .description("the sibling tools' contracts (Scraper-Pro feedback)");
  const feedback = siblings
    .command("feedback")
    .description("bounce and delivery feedback to Scraper-Pro: the queue, and what ran out of retries")
    .option("--failed", "only the feedback that ran out of retries and was not retried yet")
    .option("--all", "with --failed: also those already retried")
    .option("--data-dir <dir>", "embedded store directory (env EMAIL_ENGINE_DATA_DIR)")
    .option("--json", "JSON instead of a table")
    .action(async (opts: StoreOptions & { failed?: boolean; all?: boolean; json?: boolean }) =>
      setExit(await feedbackListCommand(opts, env, output)),
    );
  feedback
    .command("retry <id>")
    .description("send a feedback that ran out of retries again (a new job, full retries)")
    .option("--retries <n>", "retries of the new job", "10")
    .option("--data-dir <dir>", "embedded store directory (env EMAIL_ENGINE_DATA_DIR)")
    // `feedback` has --data-dir too, and commander gives an option to the first command that knows it.
    .action(async (id: string, _opts: unknown, command: Command) =>
      setExit(
        await feedbackRetryCommand(
          id,
          command.optsWithGlobals<StoreOptions & { retries?: string }>(),
          env,
          output,
        ),
      ),
    );
};
