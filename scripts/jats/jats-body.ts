/**
 * The JATS `<body>`: the compiled mdast tree (after every transform) mapped to JATS elements.
 * Sections become `sec`, figures `fig`, tables `table-wrap` with an XHTML table, citations
 * `xref ref-type="bibr"` carrying the very numbers the HTML shows (read from the citation
 * node that `remarkCitations` resolved), cross-references `xref ref-type="fig"`/`"table"`.
 * Nodes the writer does not know keep their text.
 */
import type { ElementContent as HastContent } from "hast";
import type { Nodes, Parent, PhrasingContent, Root, RootContent, TableCell } from "mdast";
import type { Element } from "xast";
import type { NumberedFloat } from "../transforms/vfile-data.ts";
import { el, type XmlChild, xmlId } from "./jats-xml.ts";

/** What the body writer needs besides the tree. */
export interface BodyContext {
  /** Numbered figures and tables by id (`file.data.floats`). */
  floats: ReadonlyMap<string, NumberedFloat>;
  /** The JATS id of each cited reference key. */
  referenceIds: ReadonlyMap<string, string>;
}

/** The `hProperties` of a node, as a plain record. */
function propertiesOf(node: Nodes): Record<string, unknown> {
  const data = "data" in node ? node.data : undefined;
  return (data?.hProperties ?? {}) as Record<string, unknown>; // hProperties is a hast Properties record.
}

function hNameOf(node: Nodes): string | undefined {
  return "data" in node ? node.data?.hName : undefined;
}

function hasClass(node: Nodes, name: string): boolean {
  const className = propertiesOf(node).className;
  return Array.isArray(className) && className.includes(name);
}

/** Text of hast children (the numbers and separators of a resolved citation). */
function hastText(nodes: readonly HastContent[]): string {
  return nodes
    .map((node) =>
      node.type === "text" ? node.value : "children" in node ? hastText(node.children) : "",
    )
    .join("");
}

/** Plain text of an mdast node. */
function textOf(node: Nodes): string {
  if ("value" in node && typeof node.value === "string") return node.value;
  if (node.type === "image") return node.alt ?? "";
  if ("children" in node) return (node.children as Nodes[]).map(textOf).join("");
  return "";
}

/** A stateful converter; one per document. */
class BodyWriter {
  /** Ids given out so far: XML ids must be unique, so a repeated one is left off. */
  private readonly usedIds = new Set<string>();

  constructor(private readonly context: BodyContext) {}

  private uniqueId(id: string): string | undefined {
    if (this.usedIds.has(id)) return undefined;
    this.usedIds.add(id);
    return id;
  }

  /** Convert phrasing content. */
  inline(nodes: readonly Nodes[]): XmlChild[] {
    return nodes.flatMap((node) => this.phrasing(node));
  }

  private phrasing(node: Nodes): XmlChild[] {
    switch (node.type) {
      case "text":
        return [node.value];
      case "emphasis":
        return [el("italic", {}, this.inline(node.children))];
      case "strong":
        return [el("bold", {}, this.inline(node.children))];
      case "delete":
        return [el("strike", {}, this.inline(node.children))];
      case "inlineCode":
        return [el("monospace", {}, node.value)];
      case "break":
        return ["\n"];
      case "link":
        return [this.link(node.url, this.inline(node.children))];
      case "image":
        return [
          el(
            "inline-graphic",
            { "xlink:href": node.url },
            node.alt ? el("alt-text", {}, node.alt) : undefined,
          ),
        ];
      case "citation":
        return [this.citation(node.data?.hChildren ?? [])];
      case "crossReference": {
        const target = this.context.floats.get(node.id);
        const label = hastText(node.data?.hChildren ?? []) || node.id;
        if (!target) return [label];
        return [
          el(
            "xref",
            { "ref-type": target.kind === "figure" ? "fig" : "table", rid: node.id },
            label,
          ),
        ];
      }
      case "html":
      case "yaml":
        return [];
      default:
        if ("children" in node) return this.inline(node.children as Nodes[]);
        return [textOf(node)];
    }
  }

  private link(url: string, children: XmlChild[]): Element | XmlChild {
    if (url.startsWith("mailto:")) return el("email", {}, url.slice("mailto:".length));
    if (url.startsWith("#")) return el("styled-content", {}, children);
    return el("ext-link", { "ext-link-type": "uri", "xlink:href": url }, children);
  }

  /** `<sup>` with one `xref` per number, the separators as in the HTML. */
  private citation(children: readonly HastContent[]): Element {
    const parts: XmlChild[] = children.map((child) => {
      if (child.type !== "element") return child.type === "text" ? child.value : undefined;
      const href = String(child.properties.href ?? "");
      const rid = this.context.referenceIds.get(href.replace(/^#ref-/, ""));
      const label = hastText(child.children);
      return rid ? el("xref", { "ref-type": "bibr", rid }, label) : label;
    });
    return el("sup", {}, parts.length > 0 ? parts : ["?"]);
  }

  /**
   * Convert block content. A heading (a `##` inside a `#` section) opens a nested `sec` that
   * runs to the next heading of the same or a higher level.
   */
  blocks(nodes: readonly Nodes[]): Element[] {
    const out: Element[] = [];
    for (let index = 0; index < nodes.length; index++) {
      const node = nodes[index];
      if (!node) continue;
      if (node.type !== "heading") {
        out.push(...this.block(node));
        continue;
      }
      let end = index + 1;
      while (end < nodes.length) {
        const next = nodes[end];
        if (next?.type === "heading" && next.depth <= node.depth) break;
        end++;
      }
      out.push(
        el(
          "sec",
          {},
          el("title", {}, this.inline(node.children)),
          orderSectionContent(this.blocks(nodes.slice(index + 1, end))),
        ),
      );
      index = end - 1;
    }
    return out;
  }

  private block(node: Nodes): Element[] {
    switch (node.type) {
      case "yaml":
      case "html":
      case "thematicBreak":
      case "definition":
        return [];
      case "section":
        return [this.section(node)];
      case "paragraph":
        return [el("p", {}, this.inline(node.children))];
      case "blockquote":
        return [el("disp-quote", {}, this.blocks(node.children))];
      case "list":
        return [
          el(
            "list",
            { "list-type": node.ordered ? "order" : "bullet" },
            node.children.map((item) => el("list-item", {}, this.listItem(item.children))),
          ),
        ];
      case "code":
        return [el("preformat", {}, node.value)];
      case "table":
        return [el("table-wrap", {}, this.table(node.children.map((row) => row.children)))];
      case "containerDirective":
        if (node.name === "figure" && node.attributes?.id)
          return [this.figure(node, node.attributes.id)];
        if (node.name === "table" && node.attributes?.id)
          return [this.tableWrap(node, node.attributes.id)];
        return this.blocks(node.children);
      default:
        if ("children" in node) {
          const children = node.children as Nodes[];
          return children.every(isPhrasing)
            ? [el("p", {}, this.inline(children))]
            : this.blocks(children);
        }
        return "value" in node && typeof node.value === "string" && node.value.trim()
          ? [el("p", {}, node.value)]
          : [];
    }
  }

  private listItem(children: readonly Nodes[]): Element[] {
    const blocks = this.blocks(children);
    return blocks.length > 0 ? blocks : [el("p")];
  }

  private section(node: Parent): Element {
    const [first, ...rest] = node.children;
    const heading = first?.type === "heading" ? first : undefined;
    const id = propertiesOf(node as Nodes).id;
    const content = this.blocks(heading ? rest : node.children);
    return el(
      "sec",
      { id: typeof id === "string" ? this.uniqueId(xmlId("", id, "sec")) : undefined },
      el("title", {}, heading ? this.inline(heading.children) : []),
      ...orderSectionContent(content),
    );
  }

  /** Caption paragraphs without the label the writer gives separately. */
  private caption(paragraphs: readonly Nodes[]): Element | undefined {
    const items = paragraphs.map((paragraph) => {
      const children = "children" in paragraph ? (paragraph.children as Nodes[]) : [];
      const start = children.findIndex(
        (child) => !(hasClass(child, "figure-label") || hasClass(child, "table-label")),
      );
      let content = start < 0 ? [] : children.slice(start);
      if (start > 0 && content[0]?.type === "text")
        content = [
          { ...content[0], value: content[0].value.replace(/^\s+/, "") },
          ...content.slice(1),
        ];
      return el("p", {}, this.inline(content));
    });
    const filled = items.filter((item) => item.children.length > 0);
    return filled.length > 0 ? el("caption", {}, filled) : undefined;
  }

  private figure(node: Parent, id: string): Element {
    const images: Element[] = [];
    const captions: Nodes[] = [];
    for (const child of node.children) {
      if (hNameOf(child) === "figcaption") captions.push(child);
      else
        visitImages(child, (image) =>
          images.push(
            el(
              "graphic",
              { "xlink:href": image.url },
              image.alt ? el("alt-text", {}, image.alt) : undefined,
            ),
          ),
        );
    }
    return el(
      "fig",
      { id: this.uniqueId(xmlId("", id, "fig")) },
      el("label", {}, this.context.floats.get(id)?.label),
      this.caption(captions),
      images,
    );
  }

  private tableWrap(node: Parent, id: string): Element {
    const captions: Nodes[] = [];
    const rows: { cells: TableCell[]; head: boolean }[] = [];
    const foot: Nodes[] = [];
    const collect = (parent: Parent, head: boolean): void => {
      for (const child of parent.children) {
        const name = hNameOf(child);
        if (name === "caption") captions.push(child);
        else if (hasClass(child, "table-footnotes") && "children" in child)
          foot.push(...(child.children as Nodes[]));
        else if (child.type === "tableRow") rows.push({ cells: child.children, head });
        else if ("children" in child) collect(child, head || name === "thead");
      }
    };
    collect(node, false);
    // A table foot holds paragraphs only; anything else keeps its text as a paragraph.
    const footBlocks = this.blocks(foot).map((block) =>
      block.name === "p" ? block : el("p", {}, xastText(block)),
    );
    return el(
      "table-wrap",
      { id: this.uniqueId(xmlId("", id, "table")) },
      el("label", {}, this.context.floats.get(id)?.label),
      this.caption(captions),
      this.table(
        rows.filter((row) => row.head).map((row) => row.cells),
        rows.filter((row) => !row.head).map((row) => row.cells),
      ),
      footBlocks.length > 0 ? el("table-wrap-foot", {}, footBlocks) : undefined,
    );
  }

  /** An XHTML table; with one argument, the first row is the header (a plain GFM table). */
  private table(head: TableCell[][], body?: TableCell[][]): Element {
    const [first, ...others] = head;
    let headRows = body ? head : first ? [first] : [];
    let bodyRows = body ?? others;
    // The DTD needs at least one body row: a table of header rows only keeps them in tbody.
    if (bodyRows.length === 0) [headRows, bodyRows] = [[], headRows];
    const row = (cells: TableCell[], header: boolean) =>
      el(
        "tr",
        {},
        cells.map((cell) => {
          const properties = propertiesOf(cell);
          const isHeader = (hNameOf(cell) ?? (header ? "th" : "td")) === "th";
          const scope = properties.scope;
          const align = properties.align;
          return el(
            isHeader ? "th" : "td",
            {
              scope: typeof scope === "string" ? scope : isHeader ? "col" : undefined,
              align: typeof align === "string" ? align : undefined,
            },
            this.inline(cell.children),
          );
        }),
      );
    return el(
      "table",
      {},
      headRows.length > 0
        ? el(
            "thead",
            {},
            headRows.map((cells) => row(cells, true)),
          )
        : undefined,
      // The DTD needs a row; a table with none (its data could not be read) gets an empty cell.
      el(
        "tbody",
        {},
        bodyRows.length > 0 ? bodyRows.map((cells) => row(cells, false)) : el("tr", {}, el("td")),
      ),
    );
  }
}

function isPhrasing(node: Nodes): node is PhrasingContent {
  return [
    "text",
    "emphasis",
    "strong",
    "delete",
    "inlineCode",
    "break",
    "link",
    "image",
    "citation",
    "crossReference",
    "html",
  ].includes(node.type);
}

function visitImages(
  node: Nodes,
  found: (image: { url: string; alt?: string | null | undefined }) => void,
): void {
  if (node.type === "image") found(node);
  else if ("children" in node)
    for (const child of node.children as Nodes[]) visitImages(child, found);
}

/**
 * JATS lets a section hold paragraphs only before its subsections; a paragraph after a
 * subsection goes into an untitled continuation section so that nothing is lost or reordered.
 */
function orderSectionContent(content: Element[]): Element[] {
  const ordered: Element[] = [];
  let continuation: Element | undefined;
  for (const element of content) {
    const seenSection = ordered.some((item) => item.name === "sec");
    if (element.name === "sec" || !seenSection) {
      ordered.push(element);
      continuation = undefined;
    } else {
      if (!continuation) {
        continuation = el("sec", {}, el("title"));
        ordered.push(continuation);
      }
      continuation.children.push(element);
    }
  }
  return ordered;
}

/** The text of a xast element. */
function xastText(element: Element): string {
  return element.children
    .map((child) =>
      child.type === "text" ? child.value : child.type === "element" ? xastText(child) : "",
    )
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Every `id` in a subtree. */
function collectIds(element: Element, ids: Set<string>): Set<string> {
  if (element.attributes.id) ids.add(element.attributes.id);
  for (const child of element.children) if (child.type === "element") collectIds(child, ids);
  return ids;
}

/** Replace figure and table xrefs whose target was not written (a broken float) by their text. */
function dropDanglingXrefs(element: Element, ids: ReadonlySet<string>): void {
  element.children = element.children.flatMap((child) => {
    if (child.type !== "element") return [child];
    const type = child.attributes["ref-type"];
    if (
      child.name === "xref" &&
      (type === "fig" || type === "table") &&
      !ids.has(child.attributes.rid ?? "")
    )
      return child.children;
    dropDanglingXrefs(child, ids);
    return [child];
  });
}

/** The `<body>` of the article from the compiled tree. */
export function jatsBody(tree: Root, context: BodyContext): Element {
  const writer = new BodyWriter(context);
  const content = writer.blocks(tree.children as RootContent[]);
  const body = el("body", {}, orderSectionContent(content));
  dropDanglingXrefs(body, collectIds(body, new Set()));
  return body;
}
