import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderBodyHtml } from "../../scripts/render/render-page.ts";
import { numberRuns } from "../../scripts/transforms/remark-citations.ts";
import { runMarkdown, testFixtures } from "../fixture-runner.ts";
import { messageLines, messagesOf, readText } from "../helpers.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "citations");
const bibliography = await readText(join(fixtures, "references.json"));

function frontMatter(extra = ""): string {
  return `---\ntitle: Citation test\nauthors:\n  - name: Ada Test\nbibliography: references.json\n${extra}---\n\n`;
}

// The whole pipeline: numbering and the reference list need the bibliography loaded and the
// floats numbered. Each folder holds its own copy of the shared references.json.
describe("citation fixtures (input.md → expected.html, expected-messages.txt)", () => {
  testFixtures(fixtures, { keep: (ruleId) => /^(citation|bibliography)-/.test(ruleId) });
});

describe("numberRuns", () => {
  it("joins three or more consecutive numbers and keeps pairs apart", () => {
    expect(numberRuns([19, 1, 3, 4, 5, 6, 7, 8])).toEqual([
      [1, 1],
      [3, 8],
      [19, 19],
    ]);
    expect(numberRuns([2, 1])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(numberRuns([4, 4, 5])).toEqual([
      [4, 4],
      [5, 5],
    ]);
  });
});

describe("remarkCitations", () => {
  it("numbers a table's citations where the table is first called out, not where it sits", async () => {
    const markdown = `${frontMatter()}:::table{#tbl-x}
Caption

| Case | Source |
|---|---|
| 1 | @r7 |
| 2 | [@r8] |
:::

Text cites [@chatterjee2006] and [@walsh1995] first, then the table (@tbl-x), then [@zizic1985].
`;
    const { file } = await runMarkdown(markdown, {
      files: { "references.json": bibliography },
    });
    expect(
      file.data.references?.map((reference) => `${reference.number}:${reference.key}`),
    ).toEqual(["1:chatterjee2006", "2:walsh1995", "3:r7", "4:r8", "5:zizic1985"]);
  });

  it("reports an unknown key with a suggestion, at the citation", async () => {
    const { file } = await runMarkdown(`${frontMatter()}Text [@chaterjee2006].\n`, {
      files: { "references.json": bibliography },
    });
    const [message] = messagesOf(file, "citation-key-unknown");
    expect(message?.reason).toContain("Did you mean `chatterjee2006`?");
    expect([message?.line, message?.column, message?.fatal]).toEqual([8, 6, true]);
  });

  it("warns about entries never cited, at the entry in the bibliography", async () => {
    const { file } = await runMarkdown(`${frontMatter()}Text [@chatterjee2006].\n`, {
      files: { "references.json": bibliography },
    });
    const uncited = messagesOf(file, "bibliography-entry-uncited");
    expect(uncited).toHaveLength(7);
    expect(uncited[0]?.file).toMatch(/references\.json$/);
    expect(uncited[0]?.line).toBe(3);
  });

  it("warns when a citation follows a number or unit", async () => {
    const { file } = await runMarkdown(
      `${frontMatter()}An ulcer of 10 cm[@chatterjee2006] and a word [@walsh1995].\n`,
      {
        files: { "references.json": bibliography },
      },
    );
    expect(messageLines(file).filter((line) => line.includes("citation-after-number"))).toEqual([
      "8:18 warning citation-after-number",
    ]);
  });

  it("reports `[@]` without a key", async () => {
    const { file } = await runMarkdown(`${frontMatter()}Text [@].\n`, {
      files: { "references.json": bibliography },
    });
    expect(messageLines(file).filter((line) => line.includes("citation-key-empty"))).toEqual([
      "8:6 error citation-key-empty",
    ]);
  });

  it("reports a missing bibliography at its front matter line", async () => {
    const { file } = await runMarkdown(
      `${frontMatter().replace("references.json", "nowhere.json")}Text [@a].\n`,
    );
    expect(messageLines(file).filter((line) => line.includes("bibliography-missing"))).toEqual([
      "5:15 error bibliography-missing",
    ]);
  });

  it("never treats fig- or tbl- keys as citations", async () => {
    const { file } = await runMarkdown(`${frontMatter()}See @fig-one and [@tbl-two].\n`, {
      files: { "references.json": bibliography },
    });
    expect(messagesOf(file, "citation-key-unknown")).toHaveLength(0);
  });

  it("is idempotent: a second run changes nothing", async () => {
    const compiled = await runMarkdown(
      `${frontMatter()}Text [@chatterjee2006], and @walsh1995.\n`,
      {
        files: { "references.json": bibliography },
      },
    );
    const first = await renderBodyHtml(compiled.tree, compiled.file);
    const { resolveCitations } = await import("../../scripts/transforms/remark-citations.ts");
    resolveCitations(compiled.tree, compiled.file);
    expect(await renderBodyHtml(compiled.tree, compiled.file)).toBe(first);
  });
});
