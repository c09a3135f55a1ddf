/**
 * Raw HTML and unsafe URLs in the manuscript (and in CSV cells, which are parsed as Markdown).
 * What survives is decided by one policy, the sanitize schemas of `render/sanitize-schema.ts`:
 * each raw HTML element is put to `rawHtmlSchema` (through rehype-sanitize), and what the schema
 * drops is reported as `html-raw-removed` at its position: an element it removes (its text
 * kept), an element it strips with its content (`<script>`, `<style>`, …), an attribute it
 * drops. Comments are dropped silently. A link, image or definition URL that the page schema
 * (`sanitizeSchema`) would drop for its scheme (`javascript:`, `data:`, …) is reported as
 * `url-unsafe`; links lose the URL and keep their text.
 *
 * The render stage still runs rehype-sanitize with `sanitizeSchema`, so this transform is the
 * one that explains, and the sanitizer the one that guarantees; both read the same lists.
 */
import type { Element, Nodes as HastNodes, Root as HastRoot, Properties } from "hast";
import { fromHtml } from "hast-util-from-html";
import type { Break, Data, Html, Parent, PhrasingContent, Root, RootContent, Text } from "mdast";
import rehypeSanitize from "rehype-sanitize";
import { unified } from "unified";
import type { Point, Position } from "unist";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import { maxNestingDepth } from "../parse/nesting-depth.ts";
import { rawHtmlSchema, sanitizeSchema, urlProtocols } from "../render/sanitize-schema.ts";

/** How deep kept raw elements (`<sup>`, `<sub>`) may nest; deeper ones are removed. */
export const maxRawNesting = 8;

/** An inline element kept from raw HTML (`<sup>`, `<sub>`: whatever `rawHtmlSchema` keeps). */
export interface HtmlElement extends Parent {
  type: "htmlElement";
  /** The element's name. */
  tagName: string;
  children: PhrasingContent[];
  data?: Data;
}

declare module "mdast" {
  interface PhrasingContentMap {
    htmlElement: HtmlElement;
  }
  interface RootContentMap {
    htmlElement: HtmlElement;
  }
}

const rawSanitizer = unified().use(rehypeSanitize, rawHtmlSchema).freeze();
const pageSanitizer = unified().use(rehypeSanitize, sanitizeSchema).freeze();

/** What the raw HTML schema does with one element. */
export interface ElementVerdict {
  /** `kept`; `removed`: the element goes, its content stays; `stripped`: both go. */
  outcome: "kept" | "removed" | "stripped";
  /** The attributes the schema drops from a kept element, as HTML names. */
  droppedAttributes: string[];
}

/** The HTML attribute name of a hast property name (`className` → `class`, `onClick` → `onclick`). */
function attributeName(property: string): string {
  if (property === "className") return "class";
  if (property === "htmlFor") return "for";
  if (/^(data|aria)[A-Z]/.test(property))
    return property.replace(/[A-Z]/g, (char) => `-${char.toLowerCase()}`);
  return property.toLowerCase();
}

/** Ask `rawHtmlSchema` (through rehype-sanitize itself) what it does with one element. */
export function judgeElement(tagName: string, properties: Properties): ElementVerdict {
  const probe: HastRoot = {
    type: "root",
    children: [
      {
        type: "element",
        tagName,
        properties: structuredClone(properties),
        children: [{ type: "text", value: "x" }],
      },
    ],
  };
  const [first] = rawSanitizer.runSync(probe).children;
  if (!first) return { outcome: "stripped", droppedAttributes: [] };
  if (first.type !== "element" || first.tagName !== tagName)
    return { outcome: "removed", droppedAttributes: [] };
  const droppedAttributes = Object.keys(properties)
    .filter((property) => !(property in first.properties))
    .map(attributeName);
  return { outcome: "kept", droppedAttributes };
}

/** Whether the page schema keeps `url` as a link's `href` or an image's `src`. */
export function isUrlAllowed(url: string, attribute: "href" | "src"): boolean {
  const probe: HastRoot = {
    type: "root",
    children: [
      {
        type: "element",
        tagName: attribute === "href" ? "a" : "img",
        properties: { [attribute]: url },
        children: [],
      },
    ],
  };
  const [first] = pageSanitizer.runSync(probe).children;
  return first?.type === "element" && first.properties[attribute] !== undefined;
}

const voidElements = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);

type Tag =
  | { kind: "open"; name: string; verdict: ElementVerdict; void: boolean }
  | { kind: "close"; name: string }
  | { kind: "comment" }
  | { kind: "other" };

const closeTag = /^<\/([a-z][a-z0-9-]*)\s*>$/i;

/** Verdicts by tag text: a manuscript repeats the same few tags (`<sup>`, `</sup>`, `<br>`). */
const tagCache = new Map<string, Tag>();
const maxCachedTags = 1_000;

/**
 * Read one inline raw HTML node (CommonMark gives one tag per node): its name, and the
 * schema's verdict on it with the attributes as the HTML parser reads them.
 */
function readTag(value: string): Tag {
  const cached = tagCache.get(value);
  if (cached) return cached;
  let tag: Tag;
  const close = closeTag.exec(value);
  const open = /^<([a-z][a-z0-9-]*)(?=[\s/>])/i.exec(value);
  if (value.startsWith("<!--")) tag = { kind: "comment" };
  else if (close) tag = { kind: "close", name: (close[1] ?? "").toLowerCase() };
  else if (open) {
    const name = (open[1] ?? "").toLowerCase();
    // Parsed as a neutral element: the HTML parser drops some tags out of context (`<td>`).
    const parsed = fromHtml(`<span${value.slice(open[0].length)}`, { fragment: true });
    const element = parsed.children.find((child) => child.type === "element");
    tag = {
      kind: "open",
      name,
      verdict: judgeElement(name, element?.properties ?? {}),
      void: voidElements.has(name) || /\/>$/.test(value),
    };
  } else tag = { kind: "other" };
  // A verdict depends on the tag's text alone; the cache is emptied when full to bound memory.
  if (tagCache.size >= maxCachedTags) tagCache.clear();
  tagCache.set(value, tag);
  return tag;
}

function quote(value: string): string {
  const oneLine = value.replace(/\s+/g, " ").trim();
  return `\`${oneLine.length > 60 ? `${oneLine.slice(0, 57)}…` : oneLine}\``;
}

const allowedNames = (rawHtmlSchema.tagNames ?? []).map((name) => `<${name}>`);
/** The allow-list in words, from the schema: "raw HTML may only be <sup>, <sub> and <br>; …". */
const allowList = `raw HTML may only be ${allowedNames.slice(0, -1).join(", ")} and ${allowedNames.at(-1)}; use Markdown for the rest`;

function reportRemoved(file: VFile, what: string, place: Point | Position | undefined): void {
  report(file, "html-raw-removed", `Unexpected raw HTML ${what}, removed: ${allowList}.`, place);
}

function reportAttributes(
  file: VFile,
  name: string,
  attributes: string[],
  place: Point | undefined,
): void {
  const list = attributes.map((attribute) => `\`${attribute}\``).join(", ");
  report(
    file,
    "html-raw-removed",
    `Unexpected attributes ${list} on \`<${name}>\`, removed: ${allowList}.`,
    place,
  );
}

function merge(children: PhrasingContent[]): PhrasingContent[] {
  const merged: PhrasingContent[] = [];
  for (const child of children) {
    const previous = merged.at(-1);
    if (child.type === "text" && previous?.type === "text") {
      previous.value += child.value;
      if (previous.position && child.position)
        previous.position = { start: previous.position.start, end: child.position.end };
    } else {
      merged.push(child);
    }
  }
  return merged;
}

function breakNode(position: Position | undefined): Break {
  return position ? { type: "break", position } : { type: "break" };
}

/** Rewrite the phrasing children of one parent: pair allowed tags, drop the rest. */
function rewritePhrasing(children: PhrasingContent[], file: VFile): PhrasingContent[] {
  const root: PhrasingContent[] = [];
  const frames: { element: HtmlElement }[] = [];
  const unclosed = new Set<string>();
  const current = () => frames.at(-1)?.element.children ?? root;
  for (let index = 0; index < children.length; index++) {
    const child = children[index];
    if (!child) continue;
    if (child.type !== "html") {
      current().push(child);
      continue;
    }
    const place = child.position?.start;
    const tag = readTag(child.value);
    if (tag.kind === "comment") continue;
    if (tag.kind === "other") {
      reportRemoved(file, quote(child.value), place);
      continue;
    }
    if (tag.kind === "close") {
      const at = frames.findLastIndex((frame) => frame.element.tagName === tag.name);
      if (at !== -1) frames.length = at;
      continue;
    }
    const { outcome, droppedAttributes } = tag.verdict;
    if (outcome === "kept") {
      if (droppedAttributes.length > 0) reportAttributes(file, tag.name, droppedAttributes, place);
      if (tag.name === "br") {
        current().push(breakNode(child.position));
        continue;
      }
      if (!tag.void && frames.length >= maxRawNesting) {
        reportRemoved(file, `\`<${tag.name}>\` nested more than ${maxRawNesting} deep`, place);
        continue;
      }
      const element: HtmlElement = {
        type: "htmlElement",
        tagName: tag.name,
        children: [],
        data: { hName: tag.name },
      };
      if (child.position) element.position = child.position;
      current().push(element);
      if (!tag.void) frames.push({ element });
      continue;
    }
    reportRemoved(file, `\`<${tag.name}>\``, place);
    if (outcome === "stripped" && !tag.void) {
      // Skip to the matching end tag among the siblings, when there is one. Once a name has
      // no end tag ahead, none is looked for again (which keeps this linear).
      if (unclosed.has(tag.name)) continue;
      const end = children.findIndex(
        (sibling, at) =>
          at > index &&
          sibling.type === "html" &&
          closeTag.exec(sibling.value)?.[1]?.toLowerCase() === tag.name,
      );
      if (end === -1) unclosed.add(tag.name);
      else index = end;
    }
  }
  const visitMerged = (nodes: PhrasingContent[]): PhrasingContent[] => {
    for (const node of nodes)
      if (node.type === "htmlElement") node.children = visitMerged(node.children);
    return merge(nodes);
  };
  return visitMerged(root);
}

/** Map a point of a block HTML fragment back into the manuscript. */
function mapPoint(start: Point | undefined, point: Point | undefined): Point | undefined {
  if (!start || !point) return start;
  return point.line === 1
    ? { line: start.line, column: start.column + point.column - 1 }
    : { line: start.line + point.line - 1, column: point.column };
}

const blockElements = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "dd",
  "div",
  "dl",
  "dt",
  "figcaption",
  "figure",
  "footer",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "td",
  "th",
  "tr",
  "ul",
]);

/** An upper estimate of how deep the elements of an HTML fragment nest, in one linear pass. */
function htmlDepth(html: string): number {
  let depth = 0;
  let max = 0;
  for (const match of html.matchAll(/<(\/?)([a-z][a-z0-9-]*)[^<>]*?(\/?)>/gi)) {
    const [, closing, name = "", selfClosing] = match;
    if (closing) depth = Math.max(0, depth - 1);
    else if (!selfClosing && !voidElements.has(name.toLowerCase())) max = Math.max(max, ++depth);
  }
  return max;
}

/** Turn a block of raw HTML into phrasing content: allowed elements kept, text kept, rest reported. */
function convertBlock(node: Html, file: VFile): PhrasingContent[] {
  const start = node.position?.start;
  if (htmlDepth(node.value) > maxNestingDepth) {
    // The HTML parser's tree builders recurse; such a block is dropped whole, unparsed.
    reportRemoved(
      file,
      `nested more than ${maxNestingDepth} elements deep, with its content`,
      start,
    );
    return [];
  }
  const fragment = fromHtml(node.value, { fragment: true });
  const convert = (hast: HastNodes): PhrasingContent[] => {
    if (hast.type === "text")
      return hast.value ? [{ type: "text", value: hast.value } satisfies Text] : [];
    if (hast.type === "root") return hast.children.flatMap(convert);
    if (hast.type !== "element") return [];
    const element: Element = hast;
    const place = mapPoint(start, element.position?.start);
    const name = element.tagName;
    const { outcome, droppedAttributes } = judgeElement(name, element.properties);
    if (outcome === "kept") {
      if (droppedAttributes.length > 0) reportAttributes(file, name, droppedAttributes, place);
      if (name === "br") return [breakNode(undefined)];
      const kept: HtmlElement = {
        type: "htmlElement",
        tagName: name,
        children: element.children.flatMap(convert),
        data: { hName: name },
      };
      return [kept];
    }
    reportRemoved(file, `\`<${name}>\``, place);
    if (outcome === "stripped") return [];
    const inner = element.children.flatMap(convert);
    return blockElements.has(name)
      ? [{ type: "text", value: " " }, ...inner, { type: "text", value: " " }]
      : inner;
  };
  const children = merge(convert(fragment));
  const first = children[0];
  if (first?.type === "text") first.value = first.value.trimStart();
  const last = children.at(-1);
  if (last?.type === "text") last.value = last.value.trimEnd();
  return children.filter((child) => child.type !== "text" || child.value !== "");
}

/** The scheme of a URL as a browser would read it, lower-cased; undefined when relative. */
export function urlScheme(url: string): string | undefined {
  // Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
  let compact = "";
  for (const char of url) {
    if (compact.length > 40) break;
    if (char > " " && char !== "\u007f") compact += char;
  }
  return /^([a-z][a-z0-9+.-]*):/i.exec(compact)?.[1]?.toLowerCase();
}

function checkUrls(tree: Root, file: VFile): void {
  visit(tree, (node, index, parent) => {
    if (node.type !== "link" && node.type !== "image" && node.type !== "definition") return;
    if (isUrlAllowed(node.url, node.type === "image" ? "src" : "href")) return;
    const scheme = urlScheme(node.url) ?? node.url.slice(0, node.url.indexOf(":"));
    const allowed =
      node.type === "image"
        ? "a path to a local image file"
        : `${(urlProtocols.href ?? []).join(", ")} or a relative path`;
    report(
      file,
      "url-unsafe",
      `Unexpected \`${scheme}:\` URL ${quote(node.url)}, expected ${allowed}; it was removed.`,
      node.position?.start,
    );
    if (node.type === "definition" || !parent || index === undefined) {
      node.url = "";
      return undefined;
    }
    // A link keeps its text; an image leaves its alt text.
    const replacement: PhrasingContent[] =
      node.type === "link" ? node.children : node.alt ? [{ type: "text", value: node.alt }] : [];
    parent.children.splice(index, 1, ...(replacement as Parent["children"]));
    return index;
  });
}

/** Parents whose children are blocks; raw HTML anywhere else is inline. */
const flowParents = new Set([
  "root",
  "blockquote",
  "listItem",
  "containerDirective",
  "footnoteDefinition",
  "section",
]);

/** Remove or sanitise raw HTML in `tree` and report unsafe URLs (see module doc). */
export function sanitizeRawHtml(tree: Root, file: VFile): void {
  const rewrite = (parent: Parent): void => {
    if (!parent.children.some((child) => child.type === "html")) return;
    if (!flowParents.has(parent.type)) {
      parent.children = rewritePhrasing(
        parent.children as PhrasingContent[],
        file,
      ) as Parent["children"];
      return;
    }
    const children: RootContent[] = [];
    for (const child of parent.children) {
      if (child.type !== "html") {
        children.push(child);
        continue;
      }
      if (/^<!--[\s\S]*-->$/.test(child.value.trim())) continue;
      const content = convertBlock(child, file);
      if (content.length === 0) continue;
      children.push({
        type: "paragraph",
        children: content,
        ...(child.position ? { position: child.position } : {}),
      });
    }
    parent.children = children as Parent["children"];
  };
  // Collect parents first: rewriting while walking would visit the new nodes.
  const parents: Parent[] = [];
  visit(tree, (node) => {
    if ("children" in node) parents.push(node as Parent);
  });
  for (const parent of parents) rewrite(parent);
  checkUrls(tree, file);
}

/** unified plugin: sanitise raw HTML and report unsafe URLs (see module doc). */
export function remarkRawHtml() {
  return (tree: Root, file: VFile) => sanitizeRawHtml(tree, file);
}
