/**
 * Placing abbreviation uses in the source costs linear work (issue 12, item 9: 64k table rows
 * holding an abbreviation took 319 s, 83% of it in `pointInText`). Counted, not timed.
 */
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { positionWork } from "../../../scripts/transforms/abbreviations/abbreviation-blocks.ts";
import { compileMarkdown, frontMatter, messagesOf } from "../../helpers.ts";

const head = `${frontMatter("abbreviations:", "  SLE: systemic lupus erythematosus")}\n# Case report\n\nIn systemic lupus erythematosus (SLE) it was seen (@tbl-x).\n\n`;

/** Characters read to place every use, and the manuscript's length. */
async function placing(markdown: string): Promise<{ work: number; length: number }> {
  const before = positionWork.characters;
  const { file, directory } = await compileMarkdown(markdown);
  rmSync(directory, { recursive: true, force: true });
  expect(messagesOf(file, "abbreviation-first-use-undefined")).toEqual([]);
  return { work: positionWork.characters - before, length: markdown.length };
}

describe("placing abbreviation uses is linear", () => {
  const shapes: Record<string, (n: number) => string> = {
    // Cells are small text nodes that match the source.
    "table rows": (n) =>
      `${head}:::table{#tbl-x}\nCases\n\n| A | B |\n| --- | --- |\n${Array.from({ length: n }, (_, i) => `| ${i} | SLE |`).join("\n")}\n:::\n`,
    // One text node whose indented lines differ from the source: the old code re-read the
    // value up to each use.
    "lines of a list item": (n) =>
      `${head}- start\n${Array.from({ length: n }, (_, i) => `  row ${i} SLE`).join("\n")}\n`,
  };
  for (const [name, make] of Object.entries(shapes)) {
    it(name, async () => {
      const small = await placing(make(200));
      const large = await placing(make(800));
      // Each character is read a bounded number of times: for its line index, when checking
      // that a use matches the source, and when splitting the text around the uses.
      expect(small.work).toBeLessThanOrEqual(3 * small.length);
      expect(large.work).toBeLessThanOrEqual(3 * large.length);
    });
  }
});
