import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compileFixture,
  compileMarkdown,
  frontMatter,
  isFloatRule,
  messagesOf,
  testFixtureFolders,
} from "../helpers.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "cross-references");

describe("cross-reference fixtures (input.md → expected.html, expected-messages.txt)", () => {
  testFixtureFolders(fixtures, isFloatRule);
});

describe("remarkCrossReferences", () => {
  it("suggests the closest id for an unknown one", async () => {
    const { file } = await compileFixture(join(fixtures, "forward"));
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
