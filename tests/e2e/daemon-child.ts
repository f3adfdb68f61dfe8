// The daemon as its own process for the kill test: `run --once` through the same command function the
// CLI calls, with the process environment (secrets in env vars, DATABASE_URL). A separate entry rather
// than bin/email-engine.js only because the CLI has no --file-owner for run yet (the test's sshd has
// no `pmta` user to chown the key files to); the clock is the test's, given as an ISO time.
// Usage: node --import tsx daemon-child.ts '<options JSON>' <ISO time>
import { environmentFromProcess } from "../../reconciler/cli/context.ts";
import type { ReconcileOptions } from "../../reconciler/cli/reconcile.ts";
import { runCommand } from "../../reconciler/cli/run.ts";

const options = JSON.parse(process.argv[2] ?? "{}") as ReconcileOptions;
const output = {
  out: (t: string) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t: string) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
};
const now = new Date(process.argv[3] ?? "");
if (Number.isNaN(now.getTime())) throw new Error("daemon-child: give the clock as an ISO time");
process.exitCode = await runCommand(
  { ...options, listen: "127.0.0.1:0", interval: "60", once: true },
  { ...environmentFromProcess(), now: () => now },
  output,
);
