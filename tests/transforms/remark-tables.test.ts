import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runFixtureFolder, runMarkdown, testFixtures } from "../fixture-runner.ts";
import { collapseHtml, frontMatter, isFloatRule, messagesOf } from "../helpers.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "tables");

// The whole pipeline: the labels ("Table I") come from the journal each fixture names.
describe("table fixtures (input.md → expected.html, expected-messages.txt)", () => {
  testFixtures(fixtures, { keep: isFloatRule });
});

describe("remarkTables", () => {
  it("numbers tables in Roman by first callout and records their footnotes' abbreviations", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "pipe"));
    expect(file.data.floats?.get("tbl-second")?.label).toBe("Table I");
    expect(file.data.floats?.get("tbl-first")?.label).toBe("Table II");
    expect(Object.fromEntries(file.data.floatAbbreviations?.get("tbl-first") ?? [])).toEqual({
      aCL: "Anticardiolipin antibody",
      LA: "lupus antibody",
    });
  });

  it("reports a row's cell count at the row, also for a pipe inside code", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "pipe"));
    const reasons = messagesOf(file, "table-row-cells").map((message) => message.reason);
    expect(reasons[0]).toMatch(/^Unexpected 4 cells in this row, expected 3 like the header row/);
    expect(reasons[1]).toMatch(/^Unexpected 1 cell in this row, expected 3/);
    expect(reasons[2]).toContain("written `\\|`");
  });

  it("reports CSV problems in the CSV file, at the row", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "csv"));
    const [row] = messagesOf(file, "table-row-cells");
    expect(row?.file).toMatch(/tables\/cases\.csv$/);
    expect(row?.line).toBe(4);
  });

  it("numbers citations in a CSV cell where the table is first called out", async () => {
    const bibliography = JSON.stringify([
      {
        id: "late",
        type: "book",
        title: "Late",
        author: [{ family: "Late", given: "A." }],
        issued: { "date-parts": [[2001]] },
      },
      {
        id: "early",
        type: "book",
        title: "Early",
        author: [{ family: "Early", given: "B." }],
        issued: { "date-parts": [[2002]] },
      },
    ]);
    const markdown = `${frontMatter("bibliography: refs.json")}\n# Case report\n\nFirst the table (@tbl-a), then [@early].\n\n:::table{#tbl-a src="a.csv"}\nCaption\n:::\n`;
    const { file, html } = await runMarkdown(markdown, {
      files: { "refs.json": bibliography, "a.csv": 'Study,Note\n[@late],"*x*, y"\n' },
    });
    expect(file.data.references?.map((reference) => reference.key)).toEqual(["late", "early"]);
    expect(collapseHtml(html)).toContain(
      '<tbody><tr><td><sup class="citation" id="cite-1"><a href="#ref-late">1</a></sup></td><td><em>x</em>, y</td></tr></tbody>',
    );
  });
});
