// load: read every YAML file under the inventory directory and merge their top-level sections into one
// document, remembering where each node came from. Nothing here judges the content (that is validate).
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq } from "yaml";
import { ConfigError } from "../errors.ts";
import type { Problem } from "../inventory/problem.ts";
import { formatPath } from "../inventory/problem.ts";
import type { ParsedFile, Path } from "./source.ts";
import { SourceMap } from "./source.ts";

export { SourceMap } from "./source.ts";
export type { Path, PathSegment, SourceLocation } from "./source.ts";

/** Sections whose entries are keyed by name and may be spread over several files. */
const MAP_SECTIONS = new Set(["servers", "domains", "schedules", "gates", "ispLimits", "tenants"]);
/** Sections whose items are concatenated in file order. */
const LIST_SECTIONS = new Set(["ips"]);

/** A YAML file larger than this is not an inventory file (and would be slow to parse). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

export interface LoadedInventory {
  /** Absolute path of the inventory directory. */
  readonly dir: string;
  /** Files read, relative to dir, in the order they were merged. */
  readonly files: readonly string[];
  /** The merged document, not yet validated. */
  readonly document: Record<string, unknown>;
  readonly sources: SourceMap;
  /** YAML syntax errors and merge conflicts (duplicate names across files). */
  readonly problems: readonly Problem[];
}

/** Lists inventory YAML files (sorted, so the merge order is deterministic), skipping schema/. */
export async function listInventoryFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === "ENOENT"
        ? `inventory directory not found: ${dir}`
        : `cannot read inventory directory ${dir}: ${code ?? String(error)}`,
      ["    fix: pass --inventory DIR pointing at a directory of YAML files (the example is ./inventory)"],
    );
  }
  const files = entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .filter((f) => !f.startsWith("schema/") && !f.split("/").some((part) => part.startsWith(".")))
    .sort();
  if (files.length === 0) {
    throw new ConfigError(`no YAML files in inventory directory ${dir}`, [
      "    fix: pass --inventory DIR pointing at a directory of .yaml files (the example is ./inventory)",
    ]);
  }
  return files;
}

export async function loadInventory(dir: string): Promise<LoadedInventory> {
  const files = await listInventoryFiles(dir);
  const texts = await Promise.all(
    files.map(async (file) => {
      const text = await readFile(join(dir, file), "utf8");
      return { file, text };
    }),
  );
  return loadInventoryTexts(dir, texts);
}

/** The pure half of loadInventory: also used to load an inventory read from a git tree. */
export function loadInventoryTexts(
  dir: string,
  texts: readonly { file: string; text: string }[],
): LoadedInventory {
  const problems: Problem[] = [];
  const sources = new SourceMap();
  const document: Record<string, unknown> = {};
  const listLengths = new Map<string, number>();

  for (const { file, text } of texts) {
    const parsed = parseFile(file, text, problems);
    if (!parsed) continue;
    const contents = parsed.doc.contents;
    if (contents === null) continue; // an empty file (or only comments) contributes nothing
    if (!isMap(contents)) {
      problems.push(
        problemAt(
          parsed,
          [],
          "the file is not a mapping of sections",
          "top-level keys such as `ips:`, `domains:`, `tenants:`",
          "start the file with a section name followed by a colon",
        ),
      );
      continue;
    }
    const js = parsed.doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    for (const pair of contents.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const section = String(pair.key.value);
      const value = js[section];
      if (MAP_SECTIONS.has(section) && isMap(pair.value)) {
        const target = (document[section] ??= {}) as Record<string, unknown>;
        sources.register([section], parsed, [section]);
        for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
          const earlier = sources.originOf([section, name]);
          if (earlier && name in target) {
            problems.push(
              problemAt(
                parsed,
                [section, name],
                `\`${name}\` is defined twice (first at ${earlier.file}:${earlier.line})`,
                `each name in \`${section}\` defined once across all inventory files`,
                "remove or rename one of the two definitions",
                true,
              ),
            );
            continue;
          }
          target[name] = entry;
          sources.register([section, name], parsed, [section, name]);
        }
      } else if (LIST_SECTIONS.has(section) && isSeq(pair.value)) {
        const target = (document[section] ??= []) as unknown[];
        const offset = listLengths.get(section) ?? 0;
        sources.register([section], parsed, [section]);
        (value as unknown[]).forEach((item, i) => {
          target.push(item);
          sources.register([section, offset + i], parsed, [section, i]);
        });
        listLengths.set(section, offset + (value as unknown[]).length);
      } else if (section in document) {
        const earlier = sources.originOf([section]);
        problems.push(
          problemAt(
            parsed,
            [section],
            `section \`${section}\` is defined twice (first at ${earlier?.file ?? "?"}:${earlier?.line ?? "?"})`,
            `\`${section}\` in one file only`,
            "merge the two definitions into one",
            true,
          ),
        );
      } else {
        // Singleton sections (platform), unknown sections, and sections of the wrong shape: kept as
        // they are so the schema reports them with their location.
        document[section] = value;
        sources.register([section], parsed, [section]);
      }
    }
  }
  return { dir, files: texts.map((t) => t.file), document, sources, problems };
}

function parseFile(file: string, text: string, problems: Problem[]): ParsedFile | undefined {
  const lines = new LineCounter();
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
    problems.push({
      severity: "error",
      location: { file, line: 1, col: 1 },
      path: "(file)",
      message: `file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`,
      fix: "split it, or move data that is not inventory out of inventory/",
    });
    return undefined;
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source: ParsedFile = { file, doc, lines };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const pos = lines.linePos(error.pos[0]);
      problems.push({
        severity: "error",
        location: { file, line: pos.line, col: pos.col },
        path: "(yaml)",
        message: yamlMessage(error.code, error.message),
        expected: "valid YAML",
        fix: yamlFix(error.code),
      });
    }
    return undefined;
  }
  return source;
}

/** The parser's message without its trailing position and source excerpt (we print our own). */
function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0] ?? message;
  return `YAML ${code}: ${first.replace(/ at line \d+, column \d+:?$/, "")}`;
}

function yamlFix(code: string): string {
  switch (code) {
    case "DUPLICATE_KEY":
      return "remove or rename one of the two keys";
    case "BAD_INDENT":
    case "MISSING_CHAR":
      return "check the indentation: nested keys are indented by the same number of spaces";
    case "TAB_AS_INDENT":
      return "indent with spaces, not tabs";
    case "BLOCK_AS_IMPLICIT_KEY":
    case "MULTILINE_IMPLICIT_KEY":
      return "a key and its colon must be on one line; quote values that contain ': '";
    case "UNEXPECTED_TOKEN":
      return "quote values that start with a special character ([ { * & ! | > ' \" % @ `)";
    default:
      return "fix the YAML syntax at this position";
  }
}

function problemAt(
  source: ParsedFile,
  path: Path,
  message: string,
  expected: string,
  fix: string,
  key = false,
): Problem {
  const map = new SourceMap();
  map.register([], source, []);
  return {
    severity: "error",
    location: map.locate(path, { key }) ?? { file: source.file, line: 1, col: 1 },
    path: formatPath(path),
    message,
    expected,
    fix,
  };
}
