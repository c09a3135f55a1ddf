import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runFixtureFolder, testFixtures } from "../fixture-runner.ts";
import { compileMarkdown, frontMatter, isFloatRule, messagesOf } from "../helpers.ts";

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
    const { file } = await compileMarkdown(
      `${frontMatter()}\n# Case report\n\nSee [@fig-nothing] and @tbl-nothing.\n`,
    );
    expect(messagesOf(file, "citation-key-unknown")).toEqual([]);
    expect(messagesOf(file, "cross-reference-unknown")).toHaveLength(2);
  });
});
