/**
 * The text the abbreviation checker reads: the manuscript as blocks (a paragraph, cell or
 * heading as one string), each in its scope, with the text nodes it came from, and the way back
 * from an offset in a block to a line and column in the source (through `vfile-location`).
 */
import type { Link, Parent, PhrasingContent, Root, RootContent, Text } from "mdast";
import type { ContainerDirective } from "mdast-util-directive";
import type {} from "mdast-util-to-hast";
import type { Point, Position } from "unist";
import type { VFile } from "vfile";
import { location } from "vfile-location";

/** Where a block of text sits. */
export interface Scope {
  kind: "running" | "float" | "heading" | "title";
  /** For floats: the figure or table id. */
  floatId?: string;
  /** For floats: figure or table. */
  floatKind?: "figure" | "table";
}

/** A text node's place in a block's text. */
export interface Segment {
  node: Text;
  parent: Parent;
  /** Offset of the node's value in the block text. */
  start: number;
}

/** A paragraph, cell or heading as one string, with the text nodes it came from. */
export interface Block {
  scope: Scope;
  text: string;
  segments: Segment[];
  /** A table footnote or figure legend, where "ABBR, long form" defines an abbreviation. */
  definesInline: boolean;
  /** Places a stretch of the block text in the source. */
  locate: (start: number, end: number) => Point | undefined;
  /** The text node holding block offset `offset`. */
  segmentAt: (offset: number) => Segment | undefined;
}

/** Stands in the block text for inline content that is not text (citations, code, images). */
export const objectMark = "\uFFFC";
/** Inline nodes whose content is not the author's running prose. */
const opaque: ReadonlySet<string> = new Set(["citation", "crossReference"]);

function isFloat(node: RootContent): node is ContainerDirective {
  return node.type === "containerDirective" && (node.name === "figure" || node.name === "table");
}

function hasClass(node: RootContent, name: string): boolean {
  const className = (node.data as { hProperties?: { className?: unknown } } | undefined)
    ?.hProperties?.className;
  return Array.isArray(className) && className.includes(name);
}

/**
 * Characters read to place text in the source, counted so a test can check that placing every
 * use costs linear work, however long a text node is.
 */
export const positionWork = { characters: 0 };

/** Offsets to points in the manuscript source and back. */
export function sourceLocator(file: VFile) {
  const source = String(file.value);
  const place = location(file);
  const pointAt = (offset: number): Point =>
    place.toPoint(offset) ?? { line: 1, column: offset + 1, offset };
  const offsetOf = (point: Point): number => place.toOffset(point) ?? 0;
  /** Line indexes of text node values, made once per node. */
  const values = new WeakMap<Text, ReturnType<typeof location>>();
  const valueLines = (node: Text) => {
    let lines = values.get(node);
    if (!lines) {
      positionWork.characters += node.value.length;
      lines = location(node.value);
      values.set(node, lines);
    }
    return lines;
  };
  return { source, pointAt, offsetOf, valueLines };
}

/** Places in the manuscript source (see `sourceLocator`). */
export type Locator = ReturnType<typeof sourceLocator>;

/** The source point of offset `local` of a text node; exact when the value matches the source. */
export function pointInText(
  node: Text,
  local: number,
  length: number,
  locator: Locator,
): Point | undefined {
  const start = node.position?.start;
  if (!start) return undefined;
  if (start.offset !== undefined) {
    const offset = start.offset + local;
    positionWork.characters += length;
    if (locator.source.slice(offset, offset + length) === node.value.slice(local, local + length)) {
      return locator.pointAt(offset);
    }
  }
  // Escapes, indentation or moved punctuation: count lines in the value instead.
  const point = locator.valueLines(node).toPoint(local);
  if (!point) return undefined;
  return {
    line: start.line + point.line - 1,
    column: point.line === 1 ? start.column + local : point.column,
  };
}

/** A link that shows its own address (`<https://…>`, a bare e-mail): not prose. */
function isBareUrl(link: Link): boolean {
  const shown = link.children.map((child) => ("value" in child ? child.value : "")).join("");
  return shown === link.url || `mailto:${shown}` === link.url;
}

/** Turn a parent's phrasing content into one block of text. */
function textBlock(parent: Parent, scope: Scope, definesInline: boolean, locator: Locator): Block {
  const segments: Segment[] = [];
  let text = "";
  const add = (node: RootContent, owner: Parent): void => {
    if (node.type === "text") {
      if (node.position) {
        segments.push({ node, parent: owner, start: text.length });
        text += node.value;
      } else {
        // Text without a source place was generated (labels, narrative citation names).
        text += objectMark;
      }
    } else if (node.type === "break") {
      text += " ";
    } else if (node.type === "link" && isBareUrl(node)) {
      text += objectMark;
    } else if ("children" in node && !opaque.has(node.type)) {
      for (const child of node.children) add(child, node);
    } else {
      text += objectMark;
    }
  };
  for (const child of parent.children) add(child as PhrasingContent, parent);
  const segmentAt = (offset: number): Segment | undefined => {
    let low = 0;
    let high = segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((segments[middle]?.start ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return segments[low];
  };
  const locate = (start: number, end: number): Point | undefined => {
    const segment = segmentAt(start);
    return segment && pointInText(segment.node, start - segment.start, end - start, locator);
  };
  return { scope, text, segments, definesInline, locate, segmentAt };
}

/** The blocks of the manuscript body in reading order, each with its scope. */
export function collectBlocks(tree: Root, locator: Locator): Block[] {
  const blocks: Block[] = [];
  const walk = (parent: Parent, scope: Scope, footnotes: boolean): void => {
    let afterTable = false;
    for (const child of parent.children) {
      if (child.type === "yaml" || child.type === "code" || child.type === "html") continue;
      if (child.type === "heading") {
        blocks.push(textBlock(child, { kind: "heading" }, false, locator));
      } else if (scope.kind !== "float" && isFloat(child)) {
        const floatScope: Scope = {
          kind: "float",
          floatId: child.attributes?.id ?? `${child.name}@${child.position?.start.line ?? 0}`,
          floatKind: child.name === "figure" ? "figure" : "table",
        };
        walk(child, floatScope, false);
      } else if (child.type === "paragraph") {
        const legend =
          scope.kind === "float" && (scope.floatKind === "figure" || footnotes || afterTable);
        blocks.push(textBlock(child, scope, legend, locator));
      } else if (child.type === "tableCell") {
        blocks.push(textBlock(child, scope, false, locator));
      } else if ("children" in child) {
        walk(child, scope, footnotes || hasClass(child, "table-footnotes"));
      }
      if (scope.kind === "float" && child.type === "table") afterTable = true;
    }
  };
  walk(tree, { kind: "running" }, false);
  return blocks;
}

/** A block for a front matter string (the title), placed by searching the YAML source. */
export function frontMatterBlock(
  value: string,
  place: Position | undefined,
  locator: Locator,
): Block {
  const from = place ? locator.offsetOf(place.start) : 0;
  const to = place ? locator.offsetOf(place.end) : 0;
  const locate = (start: number, end: number): Point | undefined => {
    if (!place) return undefined;
    const token = value.slice(start, end).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const found = new RegExp(`(?<![\\p{L}\\p{N}])${token}(?![\\p{L}\\p{N}])`, "u").exec(
      locator.source.slice(from, to),
    );
    return found ? locator.pointAt(from + found.index) : place.start;
  };
  return {
    scope: { kind: "title" },
    text: value,
    segments: [],
    definesInline: false,
    locate,
    segmentAt: () => undefined,
  };
}
