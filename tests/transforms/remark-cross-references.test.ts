import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { remarkCitationSyntax } from "../../scripts/transforms/remark-citation-syntax.ts";
import { remarkCrossReferences } from "../../scripts/transforms/remark-cross-references.ts";
import { remarkDirectiveText } from "../../scripts/transforms/remark-directive-text.ts";
import { remarkFigures } from "../../scripts/transforms/remark-figures.ts";
import { remarkNumberFloats } from "../../scripts/transforms/remark-number-floats.ts";
import {
  remarkLoadFixtureFiles,
  runFixtureFolder,
  runMarkdown,
  testFixtures,
} from "../fixture-runner.ts";
import { frontMatter, isFloatRule, messagesOf } from "../helpers.ts";

/** Parse plus what cross-references need: directives, `@id` syntax, laid-out and numbered floats. */
const plugins = [
  remarkDirectiveText,
  remarkCitationSyntax,
  remarkLoadFixtureFiles,
  remarkFigures,
  remarkNumberFloats,
  remarkCrossReferences,
];
const crossReferenceRules = (id: string) => /^(cross-reference|figure-panel)-/.test(id);

const fixtures = join(import.meta.dirname, "..", "fixtures", "cross-references");

// The whole pipeline: the labels ("Table I", "Figure 1") come from the journal each fixture names.
describe("cross-reference fixtures (input.md → expected.html, expected-messages.txt)", () => {
  testFixtures(fixtures, { keep: isFloatRule });
});

describe("remarkCrossReferences", () => {
  it("suggests the closest id for an unknown one", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "forward"));
    const reasons = messagesOf(file, "cross-reference-unknown").map((message) => message.reason);
    expect(reasons).toEqual([
      "Unknown cross-reference `@fig-latr`: no figure has that id. Did you mean `fig-later`?",
      "Unknown cross-reference `@tbl-nothing`: no table has that id.",
    ]);
  });

  it("never treats fig- and tbl- keys as citations", async () => {
    const { file } = await runMarkdown(
      `${frontMatter()}\n# Case report\n\nSee [@fig-nothing] and @tbl-nothing.\n`,
    );
    expect(messagesOf(file, "citation-key-unknown")).toEqual([]);
    expect(messagesOf(file, "cross-reference-unknown")).toHaveLength(2);
  });

  it("links a callout to its float and checks its panel letters (parse + the plugins it needs)", async () => {
    const markdown = [
      "See (@fig-a, **B**) and (@fig-a, **C**).",
      "",
      ":::figure{#fig-a}",
      "Legend: **A**, the ulcer; **B**, its border.",
      ":::",
      "",
    ].join("\n");
    const { html, messages, file } = await runMarkdown(markdown, {
      plugins,
      keep: crossReferenceRules,
    });
    expect(html).toContain(
      '<p>See (<a class="cross-reference" href="#fig-a">Fig 1</a>, <b>B</b>) and (<a class="cross-reference" href="#fig-a">Fig 1</a>, <b>C</b>).</p>',
    );
    expect(messages).toEqual(["input.md:1:34 error figure-panel-unknown"]);
    expect(messagesOf(file, "figure-panel-unknown")[0]?.reason).toBe(
      "Unexpected panel **C** of `fig-a` (Fig 1), expected one its legend defines (A, B).",
    );
  });
});
