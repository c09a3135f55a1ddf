import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { locateCsvCells } from "../../scripts/loaders/csv-cells.ts";

function cellsOf(text: string) {
  // csv-parse with `raw: true` returns each record's raw text; its types miss that overload.
  const records = parse(text, {
    raw: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as unknown as { record: string[]; raw: string }[];
  return locateCsvCells(records.map((record) => record.raw)).map((cells) =>
    cells.map(({ line, column, verbatim }) => `${line}:${column}${verbatim ? "" : "q"}`),
  );
}

describe("locateCsvCells", () => {
  it("finds each field's start, across empty lines, quotes, escaped quotes and line breaks", () => {
    const text = 'a,b\n\n"x, ""y""",z\r\n"multi\nline",é<sup>2</sup>,\n,,c';
    expect(cellsOf(text)).toEqual([
      ["1:1", "1:3"],
      ["3:1q", "3:12"],
      ["4:1q", "5:7", "5:21"],
      ["6:1", "6:2", "6:3"],
    ]);
  });
});
