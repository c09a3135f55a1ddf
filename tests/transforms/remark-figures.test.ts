import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VFile } from "vfile";
import { describe, expect, it } from "vitest";
import { emptyResources } from "../../scripts/loaders/resources.ts";
import { manuscriptParser } from "../../scripts/parse/parse-manuscript.ts";
import { gridColumns, remarkFigures } from "../../scripts/transforms/remark-figures.ts";
import { runFixtureFolder, runMarkdown, testFixtures } from "../fixture-runner.ts";
import { collapseHtml, frontMatter, isFloatRule, messagesOf } from "../helpers.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "figures");
const png = readFileSync(join(fixtures, "ids", "images", "good.png"));

// The whole pipeline: the labels ("Fig 1") come from the journal each fixture names.
describe("figure fixtures (input.md → expected.html, expected-messages.txt)", () => {
  testFixtures(fixtures, { keep: isFloatRule });
});

describe("remarkFigures", () => {
  it("numbers by first callout, not by source order", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "callout-order"));
    const floats = [...(file.data.floats?.values() ?? [])].map((float) => [float.id, float.label]);
    expect(floats).toEqual([
      ["fig-one", "Fig 2"],
      ["fig-two", "Fig 3"],
      ["fig-three", "Fig 1"],
    ]);
    const [order] = messagesOf(file, "figure-callout-order");
    expect(order?.reason).toContain("`fig-three` (Fig 1) after `fig-two` (Fig 3)");
  });

  it("records the panels a legend defines and the abbreviations it expands", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "panels"));
    expect(file.data.floats?.get("fig-ulcer")?.panels).toEqual(["A", "B"]);
    expect(file.data.floats?.get("fig-plain")?.panels).toEqual([]);
    expect(Object.fromEntries(file.data.floatAbbreviations?.get("fig-ulcer") ?? [])).toEqual({
      HE: "hematoxylin-eosin",
      PAS: "periodic acid-Schiff",
    });
    expect(Object.fromEntries(file.data.floatAbbreviations?.get("fig-plain") ?? [])).toEqual({
      MRI: "magnetic resonance imaging",
    });
    const reasons = messagesOf(file, "figure-panel-unknown").map((message) => message.reason);
    expect(reasons[0]).toContain(
      "panel **C** of `fig-ulcer` (Fig 1), expected one its legend defines (A, B)",
    );
    expect(reasons[1]).toContain("its legend defines no panels");
  });

  it("explains low resolution with the print width and the pixels needed", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "file-checks"));
    const [low] = messagesOf(file, "figure-resolution-low");
    expect(low?.reason).toContain("500 px wide, 143 dpi at its print width of 3.5 in");
    expect(low?.reason).toContain("the file declares 72 dpi");
    expect(low?.reason).toContain("at least 1050 px wide");
  });

  it("checks resolution against the journal's own minimum and column width", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "file-checks"), { journal: "preprint" });
    // The preprint profile takes 150 dpi at 6.5 in: 500 px is 77 dpi there.
    expect(messagesOf(file, "figure-resolution-low")[0]?.reason).toContain("77 dpi");
  });

  it("takes a legend written on the line right after the image", async () => {
    const markdown = `${frontMatter()}\nSee @fig-a.\n\n:::figure{#fig-a}\n![Alt](a.png)\nThe legend.\n:::\n`;
    const { file, html } = await runMarkdown(markdown, { files: { "a.png": png } });
    expect(file.messages.filter((message) => isFloatRule(message.ruleId ?? ""))).toEqual([]);
    expect(collapseHtml(html)).toContain(
      '<div class="figure-images"><img src="a.png" alt="Alt" width="1050" height="600"></div><figcaption><b class="figure-label">Fig 1.</b> The legend.</figcaption>',
    );
  });

  it("lays several images out in a square-ish grid", () => {
    expect([1, 2, 3, 4, 5, 9, 10].map(gridColumns)).toEqual([1, 2, 2, 2, 3, 3, 4]);
  });
});

describe("remarkFigures options", () => {
  /** Run the plugin alone, with `options`, on one 2,000 px wide PNG; no journal on the file. */
  function run(options: Parameters<typeof remarkFigures>[0]) {
    const file = new VFile({ value: "![A calf.](a.png)\n" });
    file.data.resources = emptyResources();
    file.data.resources.images.set("a.png", {
      status: "ok",
      absolutePath: "/project/a.png",
      format: "png",
      width: 2000,
      height: 1000,
    });
    const processor = manuscriptParser().use(remarkFigures, options);
    processor.runSync(processor.parse(file), file);
    return file.messages.map((message) => message.ruleId);
  }

  it("takes the journal's figure rules as options, not from file.data.journal", () => {
    expect(run({})).toEqual([]);
    expect(run({ "min-dpi": 600 })).toEqual(["figure-resolution-low"]);
    expect(run({ formats: ["tiff"] })).toEqual(["figure-format-unsupported"]);
  });
});
