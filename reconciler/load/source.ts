// Where each node of the merged inventory came from, so every error can name FILE:LINE:COL.
import type { Document, LineCounter, Node } from "yaml";
import { isMap, isPair, isScalar, isSeq } from "yaml";

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface SourceLocation {
  /** Path relative to the inventory directory, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface ParsedFile {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

/** Maps a path of the merged document to (file, path inside that file's document). */
interface Origin {
  readonly source: ParsedFile;
  readonly docPath: Path;
}

export class SourceMap {
  // Keyed by the JSON of a merged-path prefix: sections and collection entries.
  readonly #origins = new Map<string, Origin>();

  register(mergedPath: Path, source: ParsedFile, docPath: Path): void {
    this.#origins.set(JSON.stringify(mergedPath), { source, docPath });
  }

  /** The origin registered for this exact merged path (used to report duplicates). */
  originOf(mergedPath: Path): SourceLocation | undefined {
    const origin = this.#origins.get(JSON.stringify(mergedPath));
    return origin && locateInDoc(origin.source, origin.docPath, { key: true });
  }

  /**
   * The closest source location of a merged path: the node itself when it exists, else its nearest
   * existing ancestor (a missing property is reported on the object that lacks it). With `key`, the
   * location of the key rather than of the value (for unknown or misspelt keys).
   */
  locate(path: Path, options: { key?: boolean } = {}): SourceLocation | undefined {
    for (let n = path.length; n >= 0; n--) {
      const origin = this.#origins.get(JSON.stringify(path.slice(0, n)));
      if (!origin) continue;
      const docPath = [...origin.docPath, ...path.slice(n)];
      return locateInDoc(origin.source, docPath, options);
    }
    return undefined;
  }
}

function locateInDoc(source: ParsedFile, docPath: Path, options: { key?: boolean }): SourceLocation {
  let node: unknown = source.doc.contents;
  let keyNode: unknown;
  let best: unknown = node;
  for (const segment of docPath) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && scalarValue(p.key) === String(segment));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
    } else {
      break;
    }
    if (node === undefined || node === null) {
      best = keyNode ?? best;
      break;
    }
    best = options.key && keyNode ? keyNode : node;
  }
  const offset = rangeStart(best) ?? 0;
  const pos = source.lines.linePos(offset);
  return { file: source.file, line: pos.line, col: pos.col };
}

function scalarValue(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? range[0] : undefined;
}
