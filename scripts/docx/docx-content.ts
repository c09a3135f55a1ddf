/**
 * The compiled mdast tree as `docx` objects: text runs for phrasing content, paragraphs for
 * blocks, Word tables for `:::table` floats. Everything is read from the tree the transforms
 * left (citations and cross-references carry their rendered text in `data.hChildren`), so the
 * Word manuscript shows the same numbers and labels as the HTML. Nothing here mutates the tree.
 */
import {
  BorderStyle,
  HeadingLevel,
  type IParagraphOptions,
  Paragraph,
  type ParagraphChild,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import type { ElementContent, Root as HastRoot, RootContent as HastRootContent } from "hast";
import type { Nodes, Parent, PhrasingContent, RootContent } from "mdast";
import { toString as mdastToString } from "mdast-util-to-string";

/** Run formatting inherited from enclosing phrasing nodes. */
export interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  strike?: boolean;
  superScript?: boolean;
  subScript?: boolean;
  font?: string;
  /** Font size in half-points. */
  size?: number;
}

/** Paragraph settings every paragraph of the manuscript shares (spacing from the profile). */
export interface BlockSettings {
  /** `w:spacing` line value in 240ths of a line: 480 is double spacing. */
  line: number;
  /** The monospace font for code. */
  codeFont: string;
  /** Tables: font size in points, `w:spacing` line value, and the text width in twips. */
  tableFontSize: number;
  tableLine: number;
  textWidth: number;
}

/** A paragraph with the manuscript's line spacing, unless `options.spacing` says otherwise. */
export function paragraph(settings: BlockSettings, options: IParagraphOptions): Paragraph {
  return new Paragraph({
    ...options,
    spacing: { line: settings.line, before: 0, after: 0, ...options.spacing },
  });
}

/** The text of hast nodes (a citation's or cross-reference's rendered children). */
export function hastText(nodes: readonly (ElementContent | HastRootContent)[]): string {
  return nodes
    .map((node) => {
      if (node.type === "text") return node.value;
      if (node.type === "element") return hastText(node.children);
      return "";
    })
    .join("");
}

/** Runs for HTML content such as a formatted reference: `<i>`, `<b>`, `<sup>`, `<sub>` kept. */
export function hastRuns(root: HastRoot | { children: ElementContent[] }, style: RunStyle = {}) {
  const runs: TextRun[] = [];
  const walk = (nodes: readonly (ElementContent | HastRootContent)[], current: RunStyle): void => {
    for (const node of nodes) {
      if (node.type === "text") {
        if (node.value !== "") runs.push(new TextRun({ text: node.value, ...current }));
      } else if (node.type === "element") {
        const tag = node.tagName;
        const next: RunStyle =
          tag === "i" || tag === "em"
            ? { ...current, italics: true }
            : tag === "b" || tag === "strong"
              ? { ...current, bold: true }
              : tag === "sup"
                ? { ...current, superScript: true }
                : tag === "sub"
                  ? { ...current, subScript: true }
                  : current;
        walk(node.children, next);
      }
    }
  };
  walk(root.children, style);
  return runs;
}

function hChildrenOf(node: Nodes): ElementContent[] | undefined {
  return node.data?.hChildren;
}

/** Runs for phrasing content, with the formatting of enclosing `strong`, `emphasis`, …. */
export function phrasingRuns(
  nodes: readonly (PhrasingContent | RootContent)[],
  settings: BlockSettings,
  style: RunStyle = {},
): ParagraphChild[] {
  const runs: ParagraphChild[] = [];
  for (const node of nodes) {
    switch (node.type) {
      case "text":
        if (node.value !== "") runs.push(new TextRun({ text: node.value, ...style }));
        break;
      case "strong":
        runs.push(...phrasingRuns(node.children, settings, { ...style, bold: true }));
        break;
      case "emphasis":
        runs.push(...phrasingRuns(node.children, settings, { ...style, italics: true }));
        break;
      case "delete":
        runs.push(...phrasingRuns(node.children, settings, { ...style, strike: true }));
        break;
      case "inlineCode":
        runs.push(new TextRun({ text: node.value, ...style, font: settings.codeFont }));
        break;
      case "break":
        runs.push(new TextRun({ break: 1 }));
        break;
      case "link": {
        runs.push(...phrasingRuns(node.children, settings, style));
        const shown = mdastToString(node);
        // The URL is written out: a submitted manuscript is read on paper as often as on screen.
        if (!node.url.startsWith("#") && node.url !== shown)
          runs.push(new TextRun({ text: ` (${node.url})`, ...style }));
        break;
      }
      case "citation":
      case "crossReference": {
        const children = hChildrenOf(node);
        const text = children ? hastText(children) : "?";
        const superScript = node.data?.hName === "sup" || style.superScript === true;
        runs.push(new TextRun({ text, ...style, ...(superScript ? { superScript: true } : {}) }));
        break;
      }
      case "footnoteReference":
        runs.push(
          new TextRun({ text: node.label ?? node.identifier, ...style, superScript: true }),
        );
        break;
      case "image":
      case "imageReference":
      case "html":
        break;
      default:
        if ("children" in node) runs.push(...phrasingRuns(node.children, settings, style));
        else if ("value" in node && typeof node.value === "string")
          runs.push(new TextRun({ text: node.value, ...style }));
    }
  }
  return runs;
}

const headingLevels = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const;

/** The Word heading style of a Markdown heading depth (1 → Heading 1). */
export function headingLevel(depth: number) {
  return headingLevels[Math.min(Math.max(depth, 1), 6) - 1] ?? HeadingLevel.HEADING_6;
}

/** Callbacks that decide where floats go. */
export interface BodyOptions {
  settings: BlockSettings;
  /** Called for a `:::table` float; returns what to put in its place (nothing to move it). */
  onTable: (node: Parent) => (Paragraph | Table)[];
  /** Called for a `:::figure` float; returns what to put in its place. */
  onFigure: (node: Parent) => (Paragraph | Table)[];
}

/** The node as a `:::figure` or `:::table` float, or undefined. */
function asFloat(node: RootContent, name: "figure" | "table"): Parent | undefined {
  return node.type === "containerDirective" && node.name === name ? node : undefined;
}

/** Blocks of the body, in order, as Word paragraphs and tables. */
export function blockContent(
  nodes: readonly RootContent[],
  options: BodyOptions,
  indent = 0,
): (Paragraph | Table)[] {
  const { settings } = options;
  const out: (Paragraph | Table)[] = [];
  const indented = indent > 0 ? { indent: { left: indent } } : {};
  for (const node of nodes) {
    const table = asFloat(node, "table");
    if (table) {
      out.push(...options.onTable(table));
      continue;
    }
    const figure = asFloat(node, "figure");
    if (figure) {
      out.push(...options.onFigure(figure));
      continue;
    }
    switch (node.type) {
      case "heading":
        out.push(
          paragraph(settings, {
            heading: headingLevel(node.depth),
            children: phrasingRuns(node.children, settings),
            keepNext: true,
          }),
        );
        break;
      case "paragraph":
        out.push(
          paragraph(settings, { children: phrasingRuns(node.children, settings), ...indented }),
        );
        break;
      case "list":
        node.children.forEach((item, index) => {
          const marker = node.ordered ? `${(node.start ?? 1) + index}. ` : "• ";
          const [first, ...rest] = item.children;
          const runs = first?.type === "paragraph" ? phrasingRuns(first.children, settings) : [];
          out.push(
            paragraph(settings, {
              children: [new TextRun(marker), ...runs],
              indent: { left: indent + 360, hanging: 360 },
            }),
          );
          const after = first?.type === "paragraph" ? rest : item.children;
          out.push(...blockContent(after, options, indent + 360));
        });
        break;
      case "blockquote":
        out.push(...blockContent(node.children, options, indent + 720));
        break;
      case "code":
        out.push(
          paragraph(settings, {
            children: node.value
              .split("\n")
              .map(
                (line, index) =>
                  new TextRun({ text: line, font: settings.codeFont, break: index > 0 ? 1 : 0 }),
              ),
            ...indented,
          }),
        );
        break;
      case "table":
        out.push(wordTable(node.children, settings));
        break;
      case "yaml":
      case "html":
      case "thematicBreak":
      case "definition":
      case "footnoteDefinition":
        break;
      default:
        if ("children" in node)
          out.push(...blockContent(node.children as RootContent[], options, indent));
    }
  }
  return out;
}

const thin = { style: BorderStyle.SINGLE, size: 4, color: "000000" } as const;
const none = { style: BorderStyle.NONE, size: 0, color: "FFFFFF" } as const;

/**
 * Column widths in twips that fit `textWidth`: each column at least as wide as its longest word
 * (words split at hyphens, as Word may break there), the rest shared by average cell length.
 */
export function columnWidths(
  cells: readonly string[][],
  textWidth: number,
  fontSize: number,
): number[] {
  const count = Math.max(0, ...cells.map((row) => row.length));
  const charTwips = fontSize * 10; // An average Times character is about half an em wide.
  const padding = 230; // Word's default cell margins, left and right.
  const minimums: number[] = [];
  const averages: number[] = [];
  for (let column = 0; column < count; column++) {
    const texts = cells.map((row) => row[column] ?? "");
    const longest = Math.max(
      1,
      ...texts.flatMap((text) => text.split(/[\s-]+/).map((word) => word.length)),
    );
    minimums.push(longest * charTwips + padding);
    averages.push(texts.reduce((sum, text) => sum + text.length, 0) / Math.max(1, texts.length));
  }
  const minimumTotal = minimums.reduce((sum, width) => sum + width, 0);
  if (minimumTotal >= textWidth)
    return minimums.map((width) => Math.floor((width * textWidth) / minimumTotal));
  const spare = textWidth - minimumTotal;
  const averageTotal = averages.reduce((sum, average) => sum + average, 0) || 1;
  return minimums.map((width, column) =>
    Math.floor(width + (spare * (averages[column] ?? 0)) / averageTotal),
  );
}

/** A Word table from mdast table rows; the first `headerRows` rows repeat on each page. */
export function wordTable(rows: readonly Nodes[], settings: BlockSettings, headerRows = 1): Table {
  const tableRows = rows.filter((row) => row.type === "tableRow");
  const widths = columnWidths(
    tableRows.map((row) => row.children.map((cell) => mdastToString(cell))),
    settings.textWidth,
    settings.tableFontSize,
  );
  const cellSettings = { ...settings, line: settings.tableLine };
  const size = Math.round(settings.tableFontSize * 2);
  return new Table({
    layout: TableLayoutType.FIXED,
    columnWidths: widths,
    width: { size: widths.reduce((sum, width) => sum + width, 0), type: WidthType.DXA },
    borders: {
      top: thin,
      bottom: thin,
      left: none,
      right: none,
      insideHorizontal: thin,
      insideVertical: none,
    },
    rows: tableRows.map((row, index) => {
      const header = index < headerRows;
      return new TableRow({
        tableHeader: header,
        cantSplit: true,
        children: row.children.map(
          (cell, column) =>
            new TableCell({
              width: { size: widths[column] ?? 0, type: WidthType.DXA },
              children: [
                paragraph(cellSettings, {
                  children: phrasingRuns(cell.children, settings, {
                    size,
                    ...(header ? { bold: true } : {}),
                  }),
                }),
              ],
            }),
        ),
      });
    }),
  });
}

/** The parts of a compiled `:::table` float: caption, rows (header rows first), footnotes. */
export interface TableParts {
  id: string | undefined;
  caption: PhrasingContent[];
  headerRows: Nodes[];
  bodyRows: Nodes[];
  footnotes: RootContent[];
}

/** Split a compiled `:::table` float into its parts, by the `hName`s the tables transform set. */
export function tableParts(node: Parent): TableParts {
  const parts: TableParts = {
    id: undefined,
    caption: [],
    headerRows: [],
    bodyRows: [],
    footnotes: [],
  };
  const visitPart = (child: Nodes): void => {
    const name = child.data?.hName;
    if (child.type === "paragraph" && name === "caption") {
      parts.caption = child.children;
      return;
    }
    if (child.type === "tableRow") {
      parts.bodyRows.push(child);
      return;
    }
    if (name === "thead" && "children" in child) {
      parts.headerRows.push(...child.children);
      return;
    }
    if (name === "div" && "children" in child) {
      parts.footnotes.push(...(child.children as RootContent[]));
      return;
    }
    if (name === "table") {
      const id = child.data?.hProperties?.id;
      if (typeof id === "string") parts.id = id;
    }
    if ("children" in child) for (const grandchild of child.children) visitPart(grandchild);
  };
  for (const child of node.children) visitPart(child);
  if (parts.id === undefined && "attributes" in node) {
    const attributes = node.attributes as Record<string, string | null | undefined> | undefined;
    parts.id = attributes?.id ?? undefined;
  }
  return parts;
}

/** The legend of a compiled `:::figure` float: the paragraphs of its `figcaption`. */
export function figureLegend(node: Parent): PhrasingContent[][] {
  const legend: PhrasingContent[][] = [];
  for (const child of node.children) {
    if (child.data?.hName !== "figcaption") continue;
    if (child.type === "paragraph") legend.push(child.children);
    else if ("children" in child)
      for (const part of child.children as RootContent[])
        if (part.type === "paragraph") legend.push(part.children);
  }
  return legend;
}

/** A float's id, as the figure and table transforms record it. */
export function floatId(node: Parent): string | undefined {
  const id = node.data?.hProperties?.id;
  if (typeof id === "string") return id;
  const attributes = (node as { attributes?: Record<string, string | null | undefined> })
    .attributes;
  return attributes?.id ?? undefined;
}
