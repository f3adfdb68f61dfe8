#!/usr/bin/env node
// Generates reconciler/inventory/types.gen.ts from inventory/schema/inventory.schema.json, the single
// source of truth. `--check` exits 1 when the committed file differs (tests run the same check).
import { readFile, writeFile } from "node:fs/promises";
import { renderInventoryTypes, TYPES_PATH } from "./gen-types-lib.js";

const check = process.argv.includes("--check");
const fresh = await renderInventoryTypes();
const current = await readFile(TYPES_PATH, "utf8").catch(() => "");
if (check) {
  if (fresh !== current) {
    console.error(`${TYPES_PATH} is stale: run \`npm run gen:types\` and commit the result.`);
    process.exit(1);
  }
} else if (fresh !== current) {
  await writeFile(TYPES_PATH, fresh);
  console.log(`wrote ${TYPES_PATH}`);
}
