/**
 * Tokenise Pandoc-style citations and Quarto-style cross-references in text:
 * `[@a; @b]` → a parenthetical `citation`, `@a` → a narrative `citation`, and
 * `@fig-x` / `@tbl-x` / `[@fig-x]` → `crossReference`. Keys starting `fig-` or `tbl-` are never
 * citations. `[@]` is reported as `citation-key-empty`.
 */
import type { Parent, PhrasingContent, Root, Text } from "mdast";
import type { Point, Position } from "unist";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import { type Citation, type CrossReference, isCrossReferenceKey } from "./mdast-nodes.ts";

const key = String.raw`[\p{L}\p{N}_](?:[\p{L}\p{N}_:.#$%&+?<>~/-]*[\p{L}\p{N}_])?`;
/** A bracketed group whose every `;`-separated item starts with `@`, or a bare `@key`. */
const pattern = new RegExp(
  String.raw`\[(\s*-?@(?:${key})?[^\[\]@;]*(?:;\s*-?@(?:${key})?[^\[\]@;]*)*)\]|(?<![\p{L}\p{N}_@.\\])@(${key})`,
  "gu",
);
const itemKey = new RegExp(String.raw`^\s*-?@(${key})?`, "u");

/**
 * Points of `text` (which starts at `start`) by index. Line starts are found once, so many
 * citations in one long text node cost linear time, not quadratic.
 */
function pointLocator(start: Point, text: string): (index: number) => Point {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  return (index) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    const column = low === 0 ? start.column + index : index - (lineStarts[low] ?? 0) + 1;
    return {
      line: start.line + low,
      column,
      ...(start.offset !== undefined ? { offset: start.offset + index } : {}),
    };
  };
}

function tokenise(node: Text, file: VFile): PhrasingContent[] | undefined {
  const value = node.value;
  if (!value.includes("@")) return undefined;
  const start = node.position?.start;
  const pointAt = start ? pointLocator(start, value) : undefined;
  const place = (index: number, length: number): Position | undefined =>
    pointAt ? { start: pointAt(index), end: pointAt(index + length) } : undefined;
  const textNode = (from: number, to: number): Text => {
    const text: Text = { type: "text", value: value.slice(from, to) };
    const position = place(from, to - from);
    if (position) text.position = position;
    return text;
  };
  const out: PhrasingContent[] = [];
  let last = 0;
  for (const match of value.matchAll(pattern)) {
    const index = match.index;
    const position = place(index, match[0].length);
    const created: PhrasingContent[] = [];
    if (match[2] !== undefined) {
      created.push(makeNode(match[2], "narrative", position));
    } else {
      const keys: string[] = [];
      for (const item of (match[1] ?? "").split(";")) {
        const found = itemKey.exec(item)?.[1];
        if (found === undefined) {
          report(
            file,
            "citation-key-empty",
            "Unexpected citation without a key, expected `[@key]` with a bibliography key.",
            position?.start,
          );
        } else {
          keys.push(found);
        }
      }
      if (keys.length === 0) continue;
      const references = keys.filter((k) => !isCrossReferenceKey(k));
      for (const [i, crossKey] of keys.filter(isCrossReferenceKey).entries()) {
        if (i > 0) created.push({ type: "text", value: ", " });
        created.push(makeNode(crossKey, "parenthetical", position));
      }
      if (references.length > 0) {
        const citation: Citation = { type: "citation", mode: "parenthetical", keys: references };
        if (position) citation.position = position;
        created.push(citation);
      }
    }
    if (index > last) out.push(textNode(last, index));
    out.push(...created);
    last = index + match[0].length;
  }
  if (out.length === 0) return undefined;
  if (last < value.length) out.push(textNode(last, value.length));
  return out;
}

function makeNode(
  name: string,
  mode: Citation["mode"],
  position: Position | undefined,
): Citation | CrossReference {
  const node: Citation | CrossReference = isCrossReferenceKey(name)
    ? { type: "crossReference", id: name }
    : { type: "citation", mode, keys: [name] };
  if (position) node.position = position;
  return node;
}

/** unified plugin: tokenise citations and cross-references (see module doc). */
export function remarkCitationSyntax() {
  return (tree: Root, file: VFile) => {
    // Each parent's children are rebuilt once: splicing per text node would be quadratic in a
    // long paragraph, and spreading a huge replacement into `splice` overflows the stack.
    visit(tree, (node) => {
      if (!("children" in node) || node.type === "link" || node.type === "linkReference") return;
      const parent = node as Parent;
      if (!parent.children.some((child) => child.type === "text")) return;
      let changed = false;
      const children: Parent["children"] = [];
      for (const child of parent.children) {
        const replacement = child.type === "text" ? tokenise(child, file) : undefined;
        if (replacement) {
          changed = true;
          for (const created of replacement) children.push(created as Parent["children"][number]);
        } else {
          children.push(child);
        }
      }
      if (changed) parent.children = children;
    });
  };
}
