/**
 * The Markdown table `npm run bench` prints for README.md (scripts/bench/bench-table.ts).
 */
import { describe, expect, it } from "vitest";
import {
  escapeCell,
  formatMet,
  formatRatio,
  markdownTable,
  resultsTable,
} from "../../scripts/bench/bench-table.ts";

describe("markdownTable", () => {
  it("pads every column to its widest cell, under a separator row", () => {
    expect(markdownTable(["Case", "Ratio"], [["sample → HTML", "1.20×"]])).toBe(
      ["| Case          | Ratio |", "|---------------|-------|", "| sample → HTML | 1.20× |"].join(
        "\n",
      ),
    );
  });

  it("escapes pipes and flattens line breaks so a cell cannot break the table", () => {
    expect(escapeCell("a | b\nc")).toBe("a \\| b c");
    const table = markdownTable(["A"], [["x|y"]]);
    expect(table.split("\n")[2]).toBe("| x\\|y |");
  });

  it("fills missing cells", () => {
    expect(markdownTable(["A", "B"], [["1"]]).split("\n")[2]).toBe("| 1   |     |");
  });
});

describe("resultsTable", () => {
  it("has the columns Case, Env, Casepress, Peer, Ratio, Goal, Met in that order", () => {
    const table = resultsTable([
      {
        case: "sample → HTML, cold",
        env: "NODE_EXTRA_CA_CERTS unset",
        casepress: "240 ms",
        peer: "pandoc --citeproc: 200 ms",
        ratio: formatRatio(1.2),
        goal: "≤ 1.2× pandoc",
        met: formatMet({ met: true }),
      },
    ]);
    const [head, , row] = table.split("\n");
    expect(head?.split("|").map((cell) => cell.trim())).toEqual([
      "",
      "Case",
      "Env",
      "Casepress",
      "Peer",
      "Ratio",
      "Goal",
      "Met",
      "",
    ]);
    expect(row).toContain("| 1.20× |");
    expect(row).toContain("| yes |");
  });
});

describe("formatRatio and formatMet", () => {
  it("shows a dash for no ratio and the gap for a missed goal", () => {
    expect(formatRatio(undefined)).toBe("–");
    expect(formatRatio(Number.NaN)).toBe("–");
    expect(formatMet({ met: false, gap: "8.0 ms over" })).toBe("**no**: 8.0 ms over");
    expect(formatMet(undefined)).toBe("");
  });
});
