// `npm run bench`: runs every benchmark script in bench/ one after the other, each in its own process
// so one's warm caches do not flatter the next.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
for (const script of scripts) {
  console.log(`\n== bench/${script}`);
  execFileSync(process.execPath, ["--import", "tsx", `${dir}${script}`], { stdio: "inherit" });
}
