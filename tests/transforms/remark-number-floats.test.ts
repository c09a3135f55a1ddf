import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatNumber, toAlpha, toRoman } from "../../scripts/transforms/numbering.ts";
import { resolveCrossReferences } from "../../scripts/transforms/remark-cross-references.ts";
import { transformFigures } from "../../scripts/transforms/remark-figures.ts";
import { numberFloats } from "../../scripts/transforms/remark-number-floats.ts";
import { transformTables } from "../../scripts/transforms/remark-tables.ts";
import {
  compileFile,
  compileFixture,
  compileMarkdown,
  frontMatter,
  messagesOf,
} from "../helpers.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");
const png = readFileSync(join(fixtures, "figures", "ids", "images", "good.png"));

describe("numbering", () => {
  it("writes Roman numerals", () => {
    expect([1, 2, 3, 4, 5, 9, 14, 40, 49, 90, 400, 1994, 3999].map(toRoman)).toEqual([
      "I",
      "II",
      "III",
      "IV",
      "V",
      "IX",
      "XIV",
      "XL",
      "XLIX",
      "XC",
      "CD",
      "MCMXCIV",
      "MMMCMXCIX",
    ]);
    expect(toRoman(0)).toBe("0");
    expect(toRoman(4000)).toBe("4000");
  });

  it("writes letters, then pairs of letters", () => {
    expect([1, 2, 26, 27, 52, 53, 702, 703].map(toAlpha)).toEqual([
      "A",
      "B",
      "Z",
      "AA",
      "AZ",
      "BA",
      "ZZ",
      "AAA",
    ]);
  });

  it("formats in each style", () => {
    expect(formatNumber(12, "arabic")).toBe("12");
    expect(formatNumber(12, "roman")).toBe("XII");
    expect(formatNumber(12, "alpha")).toBe("L");
  });
});

describe("remarkNumberFloats", () => {
  it("numbers floats called out only from a legend after those of the running text", async () => {
    const { file } = await compileFixture(join(fixtures, "cross-references", "forward"));
    expect(file.data.floats?.get("fig-later")).toMatchObject({ number: 1, calledOut: true });
    expect(file.data.floats?.get("fig-legend-only")).toMatchObject({ number: 2, calledOut: true });
    expect(messagesOf(file, "figure-not-called-out")).toEqual([]);
  });

  it("numbers floats never called out last, in source order, and reports them", async () => {
    const { file } = await compileFixture(join(fixtures, "figures", "ids"));
    expect(file.data.floats?.get("fig-lonely")).toMatchObject({ label: "Fig 7", calledOut: false });
    expect(messagesOf(file, "figure-not-called-out")[0]?.reason).toContain("`(@fig-lonely)`");
  });

  it("changes nothing when the float transforms run a second time", async () => {
    const { tree, file } = await compileFile(join(fixtures, "tables", "pipe", "input.md"), {
      root: join(fixtures, "tables", "pipe"),
    });
    const once = JSON.stringify(tree);
    const again = structuredClone(tree);
    transformFigures(again, file);
    transformTables(again, file);
    const journal = file.data.journal;
    numberFloats(again, file, journal && { labels: journal.labels, numbering: journal.numbering });
    resolveCrossReferences(again, file);
    expect(JSON.stringify(again)).toBe(once);
  });

  it("numbers 200 figures called out in reverse order", async () => {
    const build = (count: number) => {
      const parts = [frontMatter(), "# Case report", ""];
      // Called out in reverse, so every number differs from the source order.
      parts.push(
        Array.from({ length: count }, (_, i) => `(@fig-${count - i}, **A**)`).join(" "),
        "",
      );
      for (let i = 1; i <= count; i++) {
        parts.push(
          `:::figure{#fig-${i}}`,
          `![Figure ${i}](a.png)`,
          "",
          `Legend ${i}. **A**, one. **B**, two.`,
          ":::",
          "",
        );
      }
      return parts.join("\n");
    };
    // Its cost is measured by `npm run bench` and counted in tests/scale.test.ts, not timed here.
    const large = await compileMarkdown(build(200), { files: { "a.png": png } });
    expect(large.file.data.floats?.get("fig-200")?.label).toBe("Fig 1");
    expect(large.file.data.floats?.get("fig-1")?.label).toBe("Fig 200");
    expect(messagesOf(large.file, "figure-panel-unknown")).toEqual([]);
  });
});
