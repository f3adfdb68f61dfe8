// Prints the model as PowerMTA config text: four-space indentation, one directive per line, trailing
// comments aligned after the value. Pure and deterministic: the same model always gives the same bytes.
import type { PmtaNode } from "./model.ts";

const INDENT = "    ";
const COMMENT_COLUMN = 48;

/** Comment text comes partly from data (ledger reasons): a line break would end the comment early. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

function withComment(text: string, comment: string | undefined): string {
  if (comment === undefined) return text;
  return `${text.padEnd(COMMENT_COLUMN - 1)} # ${oneLine(comment)}`;
}

function printNodes(nodes: readonly PmtaNode[], depth: number, out: string[]): void {
  const pad = INDENT.repeat(depth);
  for (const node of nodes) {
    switch (node.kind) {
      case "blank":
        out.push("");
        break;
      case "comment":
        out.push(node.text === "" ? `${pad}#` : `${pad}# ${oneLine(node.text)}`);
        break;
      case "directive":
        out.push(withComment(`${pad}${node.name}${node.value === "" ? "" : ` ${node.value}`}`, node.comment));
        break;
      case "block":
        out.push(withComment(`${pad}<${node.name}${node.arg === "" ? "" : ` ${node.arg}`}>`, node.comment));
        printNodes(node.children, depth + 1, out);
        out.push(`${pad}</${node.name}>`);
        break;
      default: {
        const unknown: never = node;
        throw new Error(`unknown node ${JSON.stringify(unknown)}`);
      }
    }
  }
}

export function serializePmtaConfig(nodes: readonly PmtaNode[]): string {
  const out: string[] = [];
  printNodes(nodes, 0, out);
  return `${out.join("\n")}\n`;
}
