/**
 * Raw HTML and unsafe URLs in the manuscript. Only `<sup>`, `<sub>` and `<br>` without
 * attributes survive from raw HTML; every other tag is removed with an `html-raw-removed`
 * warning at its position, its text kept, except the content of `<script>`, `<style>` and
 * other code-holding elements, which goes too. Comments are dropped silently. A link, image or
 * definition URL with a scheme other than http, https or mailto (`javascript:`, `data:`, …)
 * is reported as `url-unsafe`; links lose the URL and keep their text.
 *
 * The render stage still runs rehype-sanitize with `sanitize-schema.ts`, so this transform
 * is the one that explains, and the sanitizer the one that guarantees.
 */
import type { Element, Nodes as HastNodes } from "hast";
import { fromHtml } from "hast-util-from-html";
import type { Break, Data, Html, Parent, PhrasingContent, Root, RootContent, Text } from "mdast";
import type { Point, Position } from "unist";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import { maxNestingDepth } from "../parse/nesting-depth.ts";

/** Raw HTML elements kept (without attributes). */
export const allowedRawElements = ["sup", "sub", "br"] as const;

/** Elements whose content is code or embedded documents, removed with them. */
export const removedWithContent = new Set([
  "script",
  "style",
  "iframe",
  "object",
  "embed",
  "template",
  "noscript",
  "noembed",
  "noframes",
  "textarea",
  "title",
  "svg",
  "math",
  "xmp",
  "plaintext",
]);

/** How deep kept `<sup>`/`<sub>` may nest; deeper ones are removed. */
export const maxRawNesting = 8;

/** URL schemes a link may use; images may use none (their files are loaded locally). */
export const safeLinkSchemes = new Set(["http", "https", "mailto"]);

/** An inline element kept from raw HTML: `<sup>` or `<sub>`. */
export interface HtmlElement extends Parent {
  type: "htmlElement";
  /** The element's name. */
  tagName: "sup" | "sub";
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

type Tag =
  | { kind: "open" | "void"; name: string; attributes: string[] }
  | { kind: "close"; name: string }
  | { kind: "comment" }
  | { kind: "other" };

/** Classify one inline raw HTML node (CommonMark gives one tag per node). */
function classify(value: string): Tag {
  if (value.startsWith("<!--")) return { kind: "comment" };
  const close = /^<\/([a-z][a-z0-9-]*)\s*>$/i.exec(value);
  if (close) return { kind: "close", name: (close[1] ?? "").toLowerCase() };
  const open = /^<([a-z][a-z0-9-]*)([\s\S]*?)(\/?)>$/i.exec(value);
  if (!open) return { kind: "other" };
  const name = (open[1] ?? "").toLowerCase();
  const attributes = [
    ...(open[2] ?? "").matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g),
  ].map((match) => (match[1] ?? "").toLowerCase());
  return { kind: open[3] || name === "br" ? "void" : "open", name, attributes };
}

function isAllowed(name: string): name is "sup" | "sub" {
  return name === "sup" || name === "sub";
}

function quote(value: string): string {
  const oneLine = value.replace(/\s+/g, " ").trim();
  return `\`${oneLine.length > 60 ? `${oneLine.slice(0, 57)}…` : oneLine}\``;
}

const allowList = "raw HTML may only be <sup>, <sub> and <br>; use Markdown for the rest";

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
    const tag = classify(child.value);
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
    if (tag.attributes.length > 0 && (isAllowed(tag.name) || tag.name === "br")) {
      reportAttributes(file, tag.name, tag.attributes, place);
    }
    if (tag.name === "br") {
      current().push(breakNode(child.position));
      continue;
    }
    if (isAllowed(tag.name) && tag.kind === "open" && frames.length >= maxRawNesting) {
      reportRemoved(file, `\`<${tag.name}>\` nested more than ${maxRawNesting} deep`, place);
      continue;
    }
    if (isAllowed(tag.name) && tag.kind === "open") {
      const element: HtmlElement = {
        type: "htmlElement",
        tagName: tag.name,
        children: [],
        data: { hName: tag.name },
      };
      if (child.position) element.position = child.position;
      current().push(element);
      frames.push({ element });
      continue;
    }
    if (isAllowed(tag.name)) continue;
    reportRemoved(file, `\`<${tag.name}>\``, place);
    if (tag.kind === "open" && removedWithContent.has(tag.name)) {
      // Skip to the matching end tag among the siblings, when there is one. Once a name has
      // no end tag ahead, none is looked for again (which keeps this linear).
      if (unclosed.has(tag.name)) continue;
      const end = children.findIndex(
        (sibling, at) =>
          at > index &&
          sibling.type === "html" &&
          /^<\/([a-z][a-z0-9-]*)\s*>$/i.exec(sibling.value)?.[1]?.toLowerCase() === tag.name,
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
    const attributes = Object.keys(element.properties);
    if (name === "br" || isAllowed(name)) {
      if (attributes.length > 0) reportAttributes(file, name, attributes, place);
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
    if (removedWithContent.has(name)) return [];
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
    const scheme = urlScheme(node.url);
    if (scheme === undefined) return;
    if (
      node.type === "image" ? scheme === "http" || scheme === "https" : safeLinkSchemes.has(scheme)
    )
      return;
    const allowed =
      node.type === "image"
        ? "a path to a local image file"
        : "http, https, mailto or a relative path";
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
