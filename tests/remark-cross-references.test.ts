import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isRuleId, rules } from "../scripts/rules.ts";
import { compileFixture, compileMarkdown, frontMatter, messagesOf, runFixture } from "./helpers.ts";

const fixtures = join(import.meta.dirname, "fixtures", "cross-references");
const areas = new Set(["figures", "tables", "cross-references", "paths"]);
const ownRule = (id: string) => isRuleId(id) && areas.has(rules[id].source);

describe("cross-reference fixtures (input.md → expected.html, expected-messages.txt)", () => {
  const cases = readdirSync(fixtures, { withFileTypes: true }).filter((entry) =>
    entry.isDirectory(),
  );
  for (const { name } of cases) {
    it(name, async () => {
      const run = await runFixture(join(fixtures, name), ownRule);
      expect(run.messages).toEqual(run.expectedMessages);
      expect(run.missingHtml).toEqual([]);
    });
  }
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
