/** The journal profile's checks and the body word count. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Root } from "mdast";
import { describe, expect, it } from "vitest";
import { rules } from "../../scripts/diagnostics/rules.ts";
import { loadJournal } from "../../scripts/loaders/load-journal.ts";
import { remarkJournalRules } from "../../scripts/transforms/remark-journal-rules.ts";
import { remarkValidateFrontMatter } from "../../scripts/transforms/remark-validate-front-matter.ts";
import { countBodyWords, countWords } from "../../scripts/transforms/word-count.ts";
import { runFixtureFolder, runMarkdown, testFixtures } from "../fixture-runner.ts";
import { compileFile, frontMatter, messagesOf, repositoryDirectory } from "../helpers.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "journal-rules");
const ownRules = new Set([
  "journal-section-missing",
  "journal-limit-exceeded",
  "journal-statement-missing",
  "corresponding-author-incomplete",
  "affiliation-unknown",
  "affiliation-unused",
]);
const own = (id: string) => ownRules.has(id);
const cases = readdirSync(fixtures, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

// The whole pipeline: the rules come from the journal each fixture names, and the counts need
// every transform before them (citations numbered, floats found).
describe("journal rule fixtures (input.md → expected-messages.txt)", () => {
  testFixtures(fixtures, { keep: own });

  it("cover every journal rule with its registry severity", () => {
    const expected = cases.flatMap((name) =>
      readFileSync(join(fixtures, name, "expected-messages.txt"), "utf8")
        .split("\n")
        .filter(Boolean),
    );
    const covered = new Set(expected.map((line) => line.split(" ")[2]));
    expect([...ownRules].filter((id) => !covered.has(id))).toEqual([]);
    for (const line of expected) {
      const [, severity, id] = line.split(" ");
      expect(rules[id as keyof typeof rules].severity, line).toBe(severity);
    }
  });
});

describe("remarkJournalRules", () => {
  it("says which limit was exceeded, by how much, and what the word count counts", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "limits"));
    const reasons = messagesOf(file, "journal-limit-exceeded").map((message) => message.reason);
    expect(reasons).toContainEqual(
      expect.stringContaining("Unexpected 21 words of body text, expected at most 20"),
    );
    expect(reasons).toContainEqual(
      expect.stringContaining("Unexpected 2 references, expected at most 1"),
    );
    expect(reasons).toContainEqual(
      expect.stringContaining("Unexpected 3 key words, expected at most 2"),
    );
    expect(reasons.join("\n")).toContain("without the title, headings, legends, tables");
    expect(file.data.bodyWords).toBe(21);
  });

  it("suggests the nearest affiliation id", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "affiliations"));
    expect(messagesOf(file, "affiliation-unknown")[0]?.reason).toContain(
      "Did you mean `derm-consult`?",
    );
  });

  it("places a missing section after the last required one present", async () => {
    const markdown = `${frontMatter("journal: jaad-case-reports", "funding: None.", "conflicts: None declared.")}\n# Introduction\n\nText.\n\n# Case report\n\nText.\n\n# Acknowledgments\n\nText.\n`;
    const { file } = await runMarkdown(markdown);
    const [missing] = messagesOf(file, "journal-section-missing");
    expect(missing?.reason).toContain("expected a `# Discussion` heading after “Case report”");
    expect(missing?.line).toBe(markdown.split("\n").indexOf("# Acknowledgments") + 1);
  });

  it("checks nothing the profile leaves out (the preprint has no limits or sections)", async () => {
    const markdown = `${frontMatter("journal: preprint", "funding: None.", "conflicts: None declared.")}\n# Whatever\n\nText.\n`;
    const { file } = await runMarkdown(markdown);
    expect(file.messages.filter((message) => own(message.ruleId ?? ""))).toEqual([]);
  });

  it("finds the sample manuscript within every JAAD Case Reports limit", async () => {
    const { file } = await compileFile(join(repositoryDirectory, "manuscript", "case-report.md"), {
      root: repositoryDirectory,
    });
    expect(file.messages.filter((message) => own(message.ruleId ?? ""))).toEqual([]);
    const journal = loadJournal("jaad-case-reports", repositoryDirectory);
    if ("rule" in journal) throw new Error(journal.message);
    expect(file.data.bodyWords).toBeGreaterThan(900);
    expect(file.data.bodyWords).toBeLessThanOrEqual(journal.limits.words ?? 0);
  });
});

describe("remarkJournalRules options (parse + front matter + this plugin)", () => {
  const folder = join(fixtures, "sections");

  it("checks only what its options ask for", async () => {
    const none = await runFixtureFolder(folder, {
      plugins: [remarkValidateFrontMatter, [remarkJournalRules, { journalName: "Any" }]],
    });
    expect(none.messages).toEqual([]);
  });

  it("names the journal and the sections its options require", async () => {
    const { file } = await runFixtureFolder(folder, {
      plugins: [
        remarkValidateFrontMatter,
        [remarkJournalRules, { journalName: "Test Journal", requiredSections: ["Methods"] }],
      ],
    });
    expect(file.messages.map((message) => message.reason)).toEqual([
      expect.stringMatching(/^Missing section “Methods”: Test Journal requires “Methods”;/),
    ]);
  });

  it("applies a limit from its options", async () => {
    const { messages } = await runFixtureFolder(folder, {
      plugins: [
        remarkValidateFrontMatter,
        [remarkJournalRules, { journalName: "Test Journal", limits: { authors: 0 } }],
      ],
    });
    expect(messages).toEqual(["input.md:5:5 error journal-limit-exceeded"]);
  });
});

describe("word count", () => {
  it("counts joined words once and skips symbols", () => {
    expect(countWords("An African-American woman’s 6.3 g/dL and 39,000 per mm³")).toBe(9);
    expect(countWords("10 × 6 cm")).toBe(3);
    expect(countWords("(Original magnification: ×4.)")).toBe(3);
  });

  it("counts running text only: no headings, floats, citations or callouts", async () => {
    const markdown = [
      frontMatter("bibliography: refs.json"),
      "# Case report",
      "",
      "One two three [@alpha] (@fig-a, **A**) four.",
      "",
      ":::figure{#fig-a}",
      "![Alt](a.png)",
      "",
      "Legend words are not counted. **A**, Nor these.",
      ":::",
      "",
      "# References",
      "",
      "Nothing here counts either.",
      "",
    ].join("\n");
    const refs = JSON.stringify([{ id: "alpha", type: "article-journal", title: "A" }]);
    const { tree } = await runMarkdown(markdown, { files: { "refs.json": refs } });
    const counted = countBodyWords(tree as Root);
    expect(counted.count).toBe(4);
    const fourth = counted.placeOf(4);
    expect(fourth?.line).toBe(markdown.split("\n").findIndex((line) => line.startsWith("One")) + 1);
    expect(fourth?.column).toBe(40);
    expect(counted.placeOf(5)).toBeUndefined();
  });
});
