/**
 * Group the body into `<section>` elements: each `#` heading starts a section holding everything
 * up to the next `#` heading. The title is the page's `<h1>`, so headings shift down one level
 * (`#` → `<h2>`). Section ids are slugs of the heading text (`case-report`).
 */
import type { Data, Heading, Root, RootContent } from "mdast";
import { toString as textOf } from "mdast-util-to-string";
import type { Parent } from "unist";

/** A body section made of one `#` heading and its content. */
export interface Section extends Parent {
  type: "section";
  children: RootContent[];
  data?: Data;
}

declare module "mdast" {
  interface RootContentMap {
    section: Section;
  }
}

/** A URL-safe id from heading text: "Case report" → "case-report". */
export function slug(text: string): string {
  const base = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return base || "section";
}

/** Group `tree`'s top level into sections (idempotent: existing sections are kept). */
export function groupSections(tree: Root, reserved: ReadonlySet<string> = new Set()): void {
  const used = new Set(reserved);
  const children: RootContent[] = [];
  let current: Section | undefined;
  for (const child of tree.children) {
    if (child.type === "heading" && child.depth === 1) {
      let id = slug(textOf(child));
      for (let n = 2; used.has(id); n++) id = `${slug(textOf(child))}-${n}`;
      used.add(id);
      current = {
        type: "section",
        children: [],
        data: { hName: "section", hProperties: { id, className: ["section"] } },
      };
      if (child.position)
        current.position = { start: child.position.start, end: child.position.end };
      children.push(current);
    }
    if (child.type === "heading") setHeadingLevel(child);
    if (current && child.type !== "yaml") {
      current.children.push(child);
      if (current.position && child.position) current.position.end = child.position.end;
    } else {
      children.push(child);
    }
  }
  tree.children = children;
}

function setHeadingLevel(heading: Heading): void {
  heading.data = { ...heading.data, hName: `h${Math.min(heading.depth + 1, 6)}` };
}

/** Options for `remarkSections`. */
export interface SectionsOptions {
  /** Ids the page already uses outside the body (the template's), so no section takes them. */
  reservedIds?: readonly string[];
}

/** unified plugin: group the body into sections (see `groupSections`). */
export function remarkSections(options: SectionsOptions = {}) {
  const reserved = new Set(options.reservedIds);
  return (tree: Root) => groupSections(tree, reserved);
}
