/**
 * Tables as the journal sets them. A `:::table{#tbl-id}` container holds a caption paragraph,
 * then a GFM pipe table, then footnote paragraphs; or, with `src="tables/x.csv"`, a caption and
 * footnotes while the rows come from the CSV file (header row first), each cell parsed as
 * inline Markdown so emphasis and citations work there too. CSV cells meet the body's rules:
 * the nesting guard of `parse/nesting-depth.ts`, the raw HTML and URL policy of
 * `remark-raw-html.ts`, with every message placed at the cell in the CSV file; and a CSV
 * longer than `maxCsvRows` rows or `maxCsvCharacters` characters is refused
 * (`table-csv-too-large`). It renders as
 *
 *   <div class="table-wrap">
 *     <table id="tbl-id" class="table"><caption><b class="table-label">Table I.</b> Caption</caption>
 *       <thead>…</thead><tbody>…</tbody></table>
 *     <div class="table-footnotes"><p>aCL, Anticardiolipin antibody; LA, lupus antibody.</p></div>
 *   </div>
 *
 * The container stays a `containerDirective` (citations in cells are numbered where the table is
 * first called out). Rows with more or fewer cells than the header are errors: GFM would drop or
 * pad cells silently. The abbreviations the footnotes define go to `file.data.floatAbbreviations`.
 */

import type { Paragraph, Root, RootContent, Table, TableCell, TableRow } from "mdast";
import type {} from "mdast-util-to-hast";
import { toString as textOf } from "mdast-util-to-string";
import type { Point, Position } from "unist";
import { visit } from "unist-util-visit";
import { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import { isRuleId } from "../diagnostics/rules.ts";
import type { CsvCellStart } from "../loaders/csv-cells.ts";
import { displayPath } from "../loaders/load-manuscript.ts";
import { findDeepNesting, findDeepNode, maxNestingDepth } from "../parse/nesting-depth.ts";
import { manuscriptParser } from "../parse/parse-manuscript.ts";
import { remarkCitationSyntax } from "./remark-citation-syntax.ts";
import { remarkDirectiveText } from "./remark-directive-text.ts";
import {
  type FloatNode,
  type FloatPart,
  floatId,
  isFloatNode,
  recordFloatAbbreviations,
  withLabel,
} from "./remark-number-floats.ts";
import { remarkRawHtml } from "./remark-raw-html.ts";
import { type ResourceKind, reportResourceFailure } from "./resource-messages.ts";

/**
 * Turns parsed CSV cells into mdast as the body is: directives back to text, raw HTML and URLs
 * through the one HTML policy, then citations.
 */
const cellTransforms = manuscriptParser()
  .use([remarkDirectiveText, remarkRawHtml, remarkCitationSyntax])
  .freeze();

/** Options for `remarkTables`. */
export interface Options {
  /**
   * The most rows, header included, a CSV table may have (default 2,000). A longer table is
   * refused with `table-csv-too-large`: it could not be typeset, and parsing it is slow.
   */
  maxCsvRows?: number;
  /** The most characters of cell text a CSV table may have (default 1,000,000). */
  maxCsvCharacters?: number;
}

/** The default `maxCsvRows`. */
export const defaultMaxCsvRows = 2_000;
/** The default `maxCsvCharacters`. */
export const defaultMaxCsvCharacters = 1_000_000;

/** Escape a CSV cell so it stays one GFM table cell: pipes escaped, line breaks as spaces. */
function asPipeCell(value: string): string {
  return value
    .replace(/\r?\n|\r/g, " ")
    .replace(/\\(?=\|)/g, "\\\\")
    .replace(/\|/g, "\\|");
}

/** Where one cell of the generated pipe table came from in the CSV file. */
interface CellOrigin {
  /** The cell text's first column in the generated line. */
  column: number;
  /** Where the cell starts in the CSV file. */
  start: Point;
  /** Whether generated columns map one to one onto CSV columns (unquoted, nothing escaped). */
  exact: boolean;
}

/** The rows of one CSV file as loaded: cell values, and where each cell and row starts. */
interface CsvSource {
  rows: string[][];
  cells: CsvCellStart[][];
  rowLines: number[];
}

/**
 * Write CSV rows as one GFM pipe table (rows padded to the header's width; short rows are
 * reported apart), and note where each generated cell came from so points map back.
 */
function pipeTable(source: CsvSource): { markdown: string; origins: CellOrigin[][] } {
  const width = source.rows[0]?.length ?? 0;
  const lines: string[] = [];
  const origins: CellOrigin[][] = [];
  for (const [index, row] of source.rows.entries()) {
    const rowStart: Point = { line: source.rowLines[index] ?? 1, column: 1 };
    let column = 3;
    const texts: string[] = [];
    const rowOrigins: CellOrigin[] = [];
    for (let cell = 0; cell < width; cell++) {
      const value = row[cell] ?? "";
      const text = asPipeCell(value) || " ";
      const start = source.cells[index]?.[cell];
      rowOrigins.push({
        column,
        start: start ? { line: start.line, column: start.column } : rowStart,
        exact: start?.verbatim === true && text === value,
      });
      texts.push(text);
      column += text.length + 3;
    }
    lines.push(`| ${texts.join(" | ")} |`);
    origins.push(rowOrigins);
    if (index === 0) {
      lines.push(`|${" --- |".repeat(width)}`);
      origins.push(rowOrigins);
    }
  }
  return { markdown: lines.join("\n"), origins };
}

/** Map a point of the generated pipe table back into the CSV file. */
function csvPoint(origins: CellOrigin[][], point: Point | undefined): Point {
  const row = origins[(point?.line ?? 1) - 1] ?? origins[0] ?? [];
  const column = point?.column ?? 1;
  const origin = row.findLast((cell) => cell.column <= column) ?? row[0];
  if (!origin) return { line: 1, column: 1 };
  if (!origin.exact) return origin.start;
  return { line: origin.start.line, column: origin.start.column + column - origin.column };
}

/**
 * Parse CSV rows as one GFM pipe table, so every cell is inline Markdown exactly as in a pipe
 * table, in one parse, under the body's depth guard and HTML policy. Problems in cells are
 * reported in the CSV file at the cell; the nodes themselves get the container's place.
 */
function parseCsvCells(
  source: CsvSource,
  file: VFile,
  place: Position | undefined,
  csvFile: string,
): TableRow[] {
  const { markdown, origins } = pipeTable(source);
  const tooDeep = (depth: number, point: Point | undefined) =>
    report(
      file,
      "table-csv-too-large",
      `Unexpected nesting ${depth} levels deep in a CSV cell, expected at most ${maxNestingDepth}; flatten the cell's content.`,
      csvPoint(origins, point),
      { file: csvFile },
    );
  const deep = findDeepNesting(markdown);
  if (deep) {
    tooDeep(deep.depth, deep);
    return [];
  }
  const cellFile = new VFile({ value: markdown });
  let tree: Root;
  try {
    tree = cellTransforms.parse(cellFile);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    tooDeep(maxNestingDepth, undefined);
    return [];
  }
  const deepNode = findDeepNode(tree);
  if (deepNode) {
    tooDeep(deepNode.depth, deepNode.point);
    return [];
  }
  cellTransforms.runSync(tree, cellFile);
  for (const message of cellFile.messages) {
    const rule =
      message.ruleId && isRuleId(message.ruleId) ? message.ruleId : "table-csv-malformed";
    const at = message.line ? { line: message.line, column: message.column ?? 1 } : undefined;
    report(file, rule, message.reason, csvPoint(origins, at), { file: csvFile });
  }
  const table = tree.children.find((child): child is Table => child.type === "table");
  const parsed = table?.children ?? [];
  // Positions point into the generated text; the container's place is the honest one.
  const holder: Root = { type: "root", children: parsed };
  visit(holder, (node) => {
    if (place) node.position = place;
    else delete node.position;
  });
  return parsed;
}

function rowCellsMessage(found: number, expected: number): string {
  return `Unexpected ${found} cell${found === 1 ? "" : "s"} in this row, expected ${expected} like the header row; add or remove cells (a \`|\` inside a cell, also in code, is written \`\\|\`).`;
}

/** The body rows whose cell count differs from the header's, reported at their source line. */
function checkPipeRows(table: Table, file: VFile): void {
  const width = table.children[0]?.children.length ?? 0;
  for (const row of table.children.slice(1)) {
    if (row.children.length !== width) {
      report(
        file,
        "table-row-cells",
        rowCellsMessage(row.children.length, width),
        row.position?.start,
      );
    }
  }
}

interface CsvRows {
  rows: TableRow[];
  ok: boolean;
}

const csvKind: ResourceKind = {
  noun: "CSV table",
  missing: "table-csv-missing",
  unreadable: "table-csv-malformed",
};

function loadCsvRows(
  src: string,
  node: FloatNode,
  file: VFile,
  limits: Required<Options>,
): CsvRows {
  const place = node.position?.start;
  const resource = file.data.resources?.csv.get(src) ?? {
    status: "missing" as const,
    absolutePath: src,
  };
  if (resource.status !== "ok") {
    reportResourceFailure(file, resource, csvKind, src, place);
    return { rows: [], ok: false };
  }
  const csvFile = displayPath(resource.absolutePath, file.cwd);
  if (resource.rows.length === 0) {
    report(
      file,
      "table-csv-malformed",
      `Unexpected empty CSV table \`${src}\`, expected a header row and data rows.`,
      { line: 1, column: 1 },
      { file: csvFile },
    );
    return { rows: [], ok: false };
  }
  const tooLarge = (found: string, expected: string, line: number) => {
    report(
      file,
      "table-csv-too-large",
      `Unexpected CSV table \`${src}\` with ${found}, expected at most ${expected}; split it or move it to supplementary material.`,
      { line, column: 1 },
      { file: csvFile },
    );
    return { rows: [], ok: false };
  };
  if (resource.rows.length > limits.maxCsvRows) {
    return tooLarge(
      `more than ${limits.maxCsvRows.toLocaleString("en-US")} rows`,
      `${limits.maxCsvRows.toLocaleString("en-US")} rows`,
      resource.rowLines[limits.maxCsvRows] ?? 1,
    );
  }
  let characters = 0;
  for (const [index, row] of resource.rows.entries()) {
    for (const cell of row) characters += cell.length;
    if (characters > limits.maxCsvCharacters) {
      return tooLarge(
        `more than ${limits.maxCsvCharacters.toLocaleString("en-US")} characters of cell text`,
        `${limits.maxCsvCharacters.toLocaleString("en-US")} characters`,
        resource.rowLines[index] ?? 1,
      );
    }
  }
  const width = resource.rows[0]?.length ?? 0;
  for (const [index, row] of resource.rows.entries()) {
    if (index > 0 && row.length !== width) {
      report(
        file,
        "table-row-cells",
        rowCellsMessage(row.length, width),
        { line: resource.rowLines[index] ?? 1, column: 1 },
        { file: csvFile },
      );
    }
  }
  return { rows: parseCsvCells(resource, file, node.position, csvFile), ok: true };
}

const alignClass = { left: "align-left", right: "align-right", center: "align-center" } as const;

/** Render the rows' cells as `<th scope="col">` (header) and `<td>`; GFM alignment as a class. */
function markCells(rows: TableRow[], align: Table["align"]): void {
  for (const [rowIndex, row] of rows.entries()) {
    for (const [cellIndex, cell] of row.children.entries()) {
      const alignment = align?.[cellIndex];
      const className = alignment ? [alignClass[alignment]] : undefined;
      const header = rowIndex === 0;
      cell.data = {
        ...cell.data,
        hName: header ? "th" : "td",
        hProperties: { ...(header ? { scope: "col" } : {}), ...(className ? { className } : {}) },
      };
    }
  }
}

/** Pad short rows with empty cells and cut long ones, as GFM renders them (after reporting). */
function fitRows(rows: TableRow[]): void {
  const width = rows[0]?.children.length ?? 0;
  for (const row of rows.slice(1)) {
    while (row.children.length < width)
      row.children.push({ type: "tableCell", children: [] } satisfies TableCell);
    if (row.children.length > width) row.children.length = width;
  }
}

function transformTable(node: FloatNode, file: VFile, limits: Required<Options>): void {
  const id = floatId(node);
  const written = node.attributes?.id;
  if (!id) {
    const reason = written
      ? `Unexpected table id \`${written}\`, expected one starting with \`tbl-\` (\`#tbl-${written.replace(/^(tbl|fig)-?/, "") || "name"}\`) so the text can call it out.`
      : "Missing table id, expected `:::table{#tbl-name}` so the text can call it out as `@tbl-name`.";
    report(file, "table-id-missing", reason, node.position?.start);
  }
  const src = node.attributes?.src ?? undefined;
  const children = [...node.children];
  const first = children[0];
  const captionSource = first?.type === "paragraph" ? first : undefined;
  if (captionSource) children.shift();
  if (!captionSource || textOf(captionSource).trim() === "") {
    report(
      file,
      "table-caption-empty",
      "Missing table caption, expected a caption paragraph on the line after `:::table`, before the table.",
      node.position?.start,
    );
  }

  let rows: TableRow[] = [];
  let align: Table["align"] = null;
  if (src) {
    rows = loadCsvRows(src, node, file, limits).rows;
    const inline = children.find((child) => child.type === "table");
    if (inline) {
      report(
        file,
        "table-source-conflict",
        `Unexpected pipe table in a \`:::table\` that takes its rows from \`${src}\`, expected one of the two; remove the pipe table or the \`src\` attribute.`,
        inline.position?.start,
      );
    }
  } else {
    const index = children.findIndex((child) => child.type === "table");
    const table = children[index];
    if (table?.type === "table") {
      children.splice(index, 1);
      checkPipeRows(table, file);
      rows = table.children;
      align = table.align ?? null;
    } else {
      report(
        file,
        "table-missing",
        'Missing table, expected a pipe table (`| a | b |`) after the caption, or a CSV file as `:::table{#tbl-name src="tables/name.csv"}`.',
        node.position?.start,
      );
    }
  }
  fitRows(rows);
  markCells(rows, align);

  const footnotes = children;
  const captionText = captionSource ? textOf(captionSource) : "";
  recordFloatAbbreviations(
    file,
    id,
    [captionText, ...footnotes.map((block) => textOf(block))].join("\n"),
  );

  const caption: Paragraph = {
    type: "paragraph",
    children: withLabel("table", captionSource?.children ?? []),
    data: { hName: "caption" },
  };
  if (captionSource?.position) caption.position = captionSource.position;
  const tableParts: RootContent[] = [caption];
  const [head, ...body] = rows;
  if (head) tableParts.push({ type: "floatPart", children: [head], data: { hName: "thead" } });
  if (body.length > 0)
    tableParts.push({ type: "floatPart", children: body, data: { hName: "tbody" } });
  const tableNode: FloatPart = {
    type: "floatPart",
    children: tableParts,
    data: {
      hName: "table",
      hProperties: { ...(written ? { id: written } : {}), className: ["table"] },
    },
  };
  const parts: FloatPart[] = [tableNode];
  if (footnotes.length > 0) {
    parts.push({
      type: "floatPart",
      children: footnotes,
      data: { hName: "div", hProperties: { className: ["table-footnotes"] } },
    });
  }
  node.children = parts;
  node.data = { ...node.data, hName: "div", hProperties: { className: ["table-wrap"] } };
}

/** Lay out and check every table of `tree`. */
export function transformTables(tree: Root, file: VFile, options: Options = {}): void {
  const limits: Required<Options> = {
    maxCsvRows: options.maxCsvRows ?? defaultMaxCsvRows,
    maxCsvCharacters: options.maxCsvCharacters ?? defaultMaxCsvCharacters,
  };
  visit(tree, (node) => {
    if (!isFloatNode(node) || node.name !== "table") return undefined;
    // A table already laid out (the transform ran before) is left as it is.
    if (node.data?.hName !== "div") transformTable(node, file, limits);
    return "skip";
  });
}

/** unified plugin: tables (see module doc); `options` set the CSV limits. */
export function remarkTables(options: Options = {}) {
  return (tree: Root, file: VFile) => transformTables(tree, file, options);
}
