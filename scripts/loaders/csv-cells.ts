/**
 * Where each CSV cell starts in its file. csv-parse gives each record's raw text (`raw: true`),
 * and the raw texts of the records, skipped empty lines included, follow one another without
 * gaps; this walks them once to find each field's first character, so messages about a cell's
 * content (raw HTML, unsafe URLs, nesting) point into the CSV file.
 */
import type { Point } from "unist";

/** Where a cell starts, and whether its text is written as is (unquoted). */
export interface CsvCellStart extends Point {
  /** False for a quoted cell, whose text differs from the value (quotes, `""`). */
  verbatim: boolean;
}

/**
 * The start of every field of every record, given the records' raw texts in order (with
 * csv-parse's defaults: `,` between fields, `"` quotes, `""` an escaped quote). Linear.
 */
export function locateCsvCells(rawRecords: string[]): CsvCellStart[][] {
  let line = 1;
  let column = 1;
  const records: CsvCellStart[][] = [];
  for (const raw of rawRecords) {
    const cells: CsvCellStart[] = [];
    let quoted = false;
    let atFieldStart = true;
    for (let index = 0; index < raw.length; index++) {
      const char = raw[index];
      const newline = char === "\n" || (char === "\r" && raw[index + 1] !== "\n");
      const blank = cells.length === 0 && (char === "\n" || char === "\r");
      if (atFieldStart && !blank) {
        // Empty lines before a record belong to its raw text but hold no field.
        cells.push({ line, column, verbatim: char !== '"' });
        atFieldStart = char === ",";
        quoted = char === '"';
      } else if (quoted && char === '"') {
        if (raw[index + 1] === '"') {
          index++;
          column++;
        } else quoted = false;
      } else if (!quoted && char === ",") {
        atFieldStart = true;
      }
      if (newline) {
        line++;
        column = 1;
      } else column++;
    }
    records.push(cells);
  }
  return records;
}
