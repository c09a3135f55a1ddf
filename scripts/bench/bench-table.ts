/**
 * The tables `npm run bench` prints: a Markdown table ready to paste into README.md (cells
 * escaped, columns padded so it reads as plain text too). Pure.
 */

/** One row of the results table. */
export interface TableRow {
  case: string;
  /** The environment variant's label ("as is", "NODE_EXTRA_CA_CERTS unset"). */
  env: string;
  casepress: string;
  peer: string;
  ratio: string;
  goal: string;
  met: string;
}

/** The results table's columns, in order, with their headers. */
export const RESULT_COLUMNS: readonly { key: keyof TableRow; header: string }[] = [
  { key: "case", header: "Case" },
  { key: "env", header: "Env" },
  { key: "casepress", header: "Casepress" },
  { key: "peer", header: "Peer" },
  { key: "ratio", header: "Ratio" },
  { key: "goal", header: "Goal" },
  { key: "met", header: "Met" },
];

/** A cell's text with Markdown's table syntax escaped and line breaks flattened. */
export function escapeCell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/\s*\n\s*/g, " ");
}

/** A Markdown table of `rows` under `headers`, each column padded to its widest cell. */
export function markdownTable(headers: readonly string[], rows: readonly string[][]): string {
  const cells = [headers, ...rows].map((row) =>
    headers.map((_, column) => escapeCell(row[column] ?? "")),
  );
  const widths = headers.map((_, column) =>
    Math.max(3, ...cells.map((row) => [...(row[column] ?? "")].length)),
  );
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell + " ".repeat((widths[column] ?? 0) - [...cell].length)).join(" | ")} |`;
  const [head, ...body] = cells;
  return [
    line(head ?? []),
    `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`,
    ...body.map(line),
  ].join("\n");
}

/** The results table: one row per case and environment variant. */
export function resultsTable(rows: readonly TableRow[]): string {
  return markdownTable(
    RESULT_COLUMNS.map((column) => column.header),
    rows.map((row) => RESULT_COLUMNS.map((column) => row[column.key])),
  );
}

/** A ratio for the Ratio column ("0.62×"), or "–". */
export function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "–" : `${value.toFixed(2)}×`;
}

/** The Met column: "yes", or "no" with the gap. */
export function formatMet(judged: { met: boolean; gap?: string } | undefined): string {
  if (judged === undefined) return "";
  return judged.met ? "yes" : `**no**: ${judged.gap ?? "missed"}`;
}
