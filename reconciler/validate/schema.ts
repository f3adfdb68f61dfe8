// validate, phase 1: the JSON Schema (inventory/schema/inventory.schema.json), every error collected,
// each turned into a Problem that names the file, the line, what was expected and the fix.
import { readFileSync } from "node:fs";
import type { ErrorObject, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { Path, PathSegment, SourceMap } from "../load/source.ts";
import type { Problem } from "../inventory/problem.ts";
import { formatPath } from "../inventory/problem.ts";
import type { Inventory } from "../inventory/types.gen.ts";
import { closest } from "./suggest.ts";

const SCHEMA_URL = new URL("../../inventory/schema/inventory.schema.json", import.meta.url);

type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  enum?: unknown[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
};

// ajv-formats is CJS with a default export; under NodeNext its type is the module namespace.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

let compiled: { validate: ValidateFunction<Inventory>; schema: JsonSchema } | undefined;

function compiledSchema(): { validate: ValidateFunction<Inventory>; schema: JsonSchema } {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as JsonSchema;
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    compiled = { validate: ajv.compile<Inventory>(schema), schema };
  }
  return compiled;
}

export function checkSchema(
  document: unknown,
  sources: SourceMap,
): { ok: true; inventory: Inventory } | { ok: false; problems: Problem[] } {
  const { validate, schema } = compiledSchema();
  if (validate(document)) return { ok: true, inventory: document };
  const errors = (validate.errors ?? []).filter(
    // The propertyNames wrapper repeats its inner error, which carries the offending name.
    (e) => e.keyword !== "propertyNames",
  );
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of errors) {
    const problem = toProblem(error, document, sources, schema);
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return { ok: false, problems };
}

function pathOf(instancePath: string): PathSegment[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function valueAt(document: unknown, path: Path): unknown {
  let node = document;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return Array.isArray(value) ? "a list" : "a mapping";
  return typeof value === "number" || typeof value === "boolean" ? String(value) : typeof value;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a number";
  return `a ${typeof value}`;
}

/**
 * The schema that describes the value at a data path, found by walking the schema along the path
 * (properties, additionalProperties, items, $refs). ajv's own schemaPath is relative to the last $ref,
 * so it cannot name the parent of an error inside a referenced definition.
 */
function schemaForPath(schema: JsonSchema, path: Path): JsonSchema | undefined {
  let node = resolveRef(schema, schema);
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === "number") node = resolveRef(schema, node.items);
    else node = resolveRef(schema, node.properties?.[segment] ?? node.additionalProperties);
  }
  return node;
}

function resolveRef(schema: JsonSchema, node: JsonSchema | boolean | undefined): JsonSchema | undefined {
  if (node === undefined || typeof node === "boolean") return undefined;
  if (node.$ref?.startsWith("#/$defs/")) return schema.$defs?.[node.$ref.slice("#/$defs/".length)];
  return node;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  object: "a mapping (key: value lines)",
  array: "a list (`- item` lines or [a, b])",
};

function toProblem(error: ErrorObject, document: unknown, sources: SourceMap, schema: JsonSchema): Problem {
  const path = pathOf(error.instancePath);
  const value = valueAt(document, path);
  const here = (p: Path, key = false): Problem["location"] => sources.locate(p, { key });
  const description = schemaForPath(schema, path)?.description;
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case "required": {
      const missing = String(params.missingProperty);
      const sub = schemaForPath(schema, [...path, missing]);
      return {
        severity: "error",
        location: here(path),
        path: formatPath([...path, missing]),
        message: `missing required key \`${missing}\``,
        expected:
          sub?.description ?? (sub?.type ? TYPE_WORDS[String(sub.type)] : undefined) ?? `\`${missing}\``,
        fix: `add \`${missing}:\` under ${path.length ? formatPath(path) : "a top-level file"}`,
      };
    }
    case "additionalProperties": {
      const extra = String(params.additionalProperty);
      const parent = schemaForPath(schema, path);
      const allowed = Object.keys(parent?.properties ?? {}).sort();
      const guess = closest(extra, allowed);
      return {
        severity: "error",
        location: here([...path, extra], true),
        path: formatPath([...path, extra]),
        message: `unknown key \`${extra}\``,
        expected: allowed.length ? `one of: ${allowed.join(", ")}` : "no other keys",
        fix: guess ? `did you mean \`${guess}\`?` : "remove it, or check its indentation",
      };
    }
    case "type": {
      const want = String(params.type);
      return {
        severity: "error",
        location: here(path),
        path: formatPath(path),
        message:
          `expected ${TYPE_WORDS[want] ?? want}, found ${typeName(value)} ${typeof value === "object" ? "" : show(value)}`.trimEnd(),
        expected: description ?? TYPE_WORDS[want] ?? want,
        fix:
          want === "integer" || want === "number"
            ? "write a number without quotes or units"
            : want === "string"
              ? "quote the value"
              : `write ${TYPE_WORDS[want] ?? want} here`,
      };
    }
    case "enum":
    case "const": {
      const allowed = (
        error.keyword === "enum" ? (params.allowedValues as unknown[]) : [params.allowedValue]
      ).map(String);
      const guess = typeof value === "string" ? closest(value, allowed) : undefined;
      return {
        severity: "error",
        location: here(path),
        path: formatPath(path),
        message: `${show(value)} is not allowed`,
        expected: `one of: ${allowed.join(", ")}`,
        fix: guess ? `did you mean \`${guess}\`?` : `use one of: ${allowed.join(", ")}`,
      };
    }
    case "pattern":
    case "format": {
      const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
      if (propertyName !== undefined) {
        return {
          severity: "error",
          location: here([...path, propertyName], true),
          path: formatPath([...path, propertyName]),
          message: `${JSON.stringify(propertyName)} is not a valid name here`,
          expected: description ?? `a name matching ${String(params.pattern)}`,
          fix: "rename it: lower-case letters, digits and dashes (domains in lower case, no trailing dot)",
        };
      }
      const what =
        error.keyword === "format"
          ? `a valid ${String(params.format)}`
          : (description ?? `text matching ${String(params.pattern)}`);
      return {
        severity: "error",
        location: here(path),
        path: formatPath(path),
        message: `${show(value)} is not ${error.keyword === "format" ? `a valid ${String(params.format)}` : "in the expected form"}`,
        expected: what,
        fix: formatFix(typeof params.format === "string" ? params.format : "", description),
      };
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const op = { minimum: "≥", maximum: "≤", exclusiveMinimum: ">", exclusiveMaximum: "<" }[error.keyword];
      return {
        severity: "error",
        location: here(path),
        path: formatPath(path),
        message: `${show(value)} is out of range`,
        expected: `a value ${op} ${String(params.limit)}${description ? ` (${description})` : ""}`,
        fix: `use a value ${op} ${String(params.limit)}`,
      };
    }
    case "minItems":
    case "minProperties":
    case "maxProperties": {
      const secret = error.schemaPath.includes("SecretRef");
      return {
        severity: "error",
        location: here(path),
        path: formatPath(path),
        message: secret
          ? "a secret reference names exactly one source"
          : `has ${error.keyword === "minItems" ? "too few items" : error.keyword === "minProperties" ? "too few entries" : "too many entries"}`,
        expected: secret
          ? "`env: VARIABLE_NAME` or `file: /path/to/secret`"
          : `${error.keyword === "maxProperties" ? "at most" : "at least"} ${String(params.limit)}`,
        fix: secret ? "keep one of `env` and `file`" : "add the missing entries",
      };
    }
    default:
      return {
        severity: "error",
        location: here(path),
        path: formatPath(path),
        message: error.message ?? error.keyword,
        expected: description,
      };
  }
}

function formatFix(format: string, description: string | undefined): string {
  switch (format) {
    case "date":
      return "write a real calendar date as YYYY-MM-DD, e.g. 2026-12-01";
    case "date-time":
      return "write an ISO 8601 date-time with a zone, e.g. 2026-12-01T09:00:00+01:00";
    case "email":
      return "write a full address, e.g. contact@example.com";
    default:
      return description
        ? `write ${description.charAt(0).toLowerCase()}${description.slice(1)}`
        : "fix the value";
  }
}
