// Shared by bin/gen-types.js and the drift test, so both render the types the same way.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
export const SCHEMA_PATH = `${root}inventory/schema/inventory.schema.json`;
export const TYPES_PATH = `${root}reconciler/inventory/types.gen.ts`;

export async function renderInventoryTypes() {
  const schema = JSON.parse(await readFile(SCHEMA_PATH, "utf8"));
  return compile(schema, "Inventory", {
    bannerComment:
      "/* Generated from inventory/schema/inventory.schema.json by `npm run gen:types`. Do not edit. */",
    additionalProperties: false,
    unreachableDefinitions: false,
    strictIndexSignatures: true,
    style: { printWidth: 110 },
    cwd: `${root}inventory/schema`,
  });
}
