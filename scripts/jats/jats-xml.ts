/**
 * The XML side of the JATS writer: building xast nodes and serialising them. Every string that
 * reaches the XML passes through `xmlCharacters` (which drops characters XML 1.0 cannot hold) and is
 * escaped by xast-util-to-xml, the one XML escaper.
 */
import type { Element, ElementContent, Root } from "xast";
import { toXml } from "xast-util-to-xml";
import { x } from "xastscript";
import { xmlCharacters } from "../render/escape.ts";

export { xmlCharacters } from "../render/escape.ts";

/** A child accepted by `el`: a node, text, or nothing (skipped). */
export type XmlChild = ElementContent | string | false | null | undefined;

/** An XML name-safe id: `prefix` plus `value` when that is an NCName, else `prefix` plus `fallback`. */
export function xmlId(prefix: string, value: string, fallback: string | number): string {
  const id = `${prefix}${value}`;
  return /^[A-Za-z_][\w.-]*$/.test(id) ? id : `${prefix}${fallback}`;
}

/**
 * An element. Attributes whose value is undefined are left out; string children become text
 * nodes with invalid characters removed; falsy children are skipped.
 */
export function el(
  name: string,
  attributes: Record<string, string | number | undefined> = {},
  ...children: (XmlChild | XmlChild[])[]
): Element {
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes))
    if (value !== undefined) attrs[key] = xmlCharacters(String(value));
  const nodes: ElementContent[] = [];
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    if (typeof child === "string") {
      const value = xmlCharacters(child);
      if (value) nodes.push({ type: "text", value });
    } else nodes.push(child);
  }
  return x(name, attrs, nodes);
}

/** Whether an element has no content worth writing (no children, or only blank text). */
export function isEmpty(element: Element): boolean {
  return element.children.every((child) => child.type === "text" && child.value.trim() === "");
}

/** The Journal Publishing 1.1 document type declaration. */
export const jatsDoctype = {
  name: "article",
  public: "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.1 20151215//EN",
  system: "https://jats.nlm.nih.gov/publishing/1.1/JATS-journalpublishing1.dtd",
} as const;

/** Elements whose content is elements only, so a line break between children is insignificant. */
const elementOnly = new Set([
  "article",
  "front",
  "journal-meta",
  "journal-title-group",
  "publisher",
  "article-meta",
  "article-categories",
  "subj-group",
  "title-group",
  "contrib-group",
  "contrib",
  "name",
  "author-notes",
  "pub-date",
  "permissions",
  "abstract",
  "license",
  "kwd-group",
  "funding-group",
  "body",
  "sec",
  "fig",
  "graphic",
  "caption",
  "table-wrap",
  "table",
  "thead",
  "tbody",
  "tr",
  "table-wrap-foot",
  "list",
  "list-item",
  "disp-quote",
  "back",
  "glossary",
  "def-list",
  "def-item",
  "def",
  "fn-group",
  "fn",
  "ref-list",
  "ref",
  "element-citation",
  "person-group",
]);

/** Put each child of an element-only element on its own line, for readable output. */
function breakLines(element: Element): Element {
  const children = element.children.map((child) =>
    child.type === "element" ? breakLines(child) : child,
  );
  if (!elementOnly.has(element.name) || children.some((child) => child.type === "text"))
    return { ...element, children };
  const lines: ElementContent[] = children.flatMap((child) => [
    { type: "text", value: "\n" },
    child,
  ]);
  if (lines.length > 0) lines.push({ type: "text", value: "\n" });
  return { ...element, children: lines };
}

/** Serialise an `<article>` element as a complete JATS document. */
export function serializeJats(article: Element): string {
  const root: Root = {
    type: "root",
    children: [
      { type: "instruction", name: "xml", value: 'version="1.0" encoding="UTF-8"' },
      { type: "text", value: "\n" },
      { type: "doctype", ...jatsDoctype },
      { type: "text", value: "\n" },
      breakLines(article),
    ],
  };
  // XML forbids "]]>" in content, and xast-util-to-xml leaves ">" as is; the writer emits no
  // CDATA sections or comments, so every "]]>" is text or an attribute, where "&#x3E;" is equal.
  const xml = toXml(root, { closeEmptyElements: true, tightClose: true });
  return `${xml.replaceAll("]]>", "]]&#x3E;")}\n`;
}
