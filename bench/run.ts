// `npm run bench`: runs every benchmark script in bench/ one after the other, each in its own process
// so one's warm caches do not flatter the next. `npm run bench -- NAME… [--flag value…]`: the names pick
// scripts, everything from the first --flag on is passed to each of them (e.g. import-contacts --rows N).
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const argv = process.argv.slice(2);
const firstFlag = argv.findIndex((a) => a.startsWith("--"));
const only = firstFlag < 0 ? argv : argv.slice(0, firstFlag);
const flags = firstFlag < 0 ? [] : argv.slice(firstFlag);
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
for (const script of scripts) {
  console.log(`\n== bench/${script}`);
  // --expose-gc: a script may collect garbage before it takes a baseline (import-contacts' RSS).
  execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", `${dir}${script}`, ...flags], {
    stdio: "inherit",
  });
}
