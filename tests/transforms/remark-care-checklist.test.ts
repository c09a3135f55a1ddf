/** The CARE checklist: where each item is covered, from front matter, headings and cues. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { PluggableList } from "unified";
import { describe, expect, it } from "vitest";
import { formatChecklistMarkdown } from "../../scripts/diagnostics/format-checklist.ts";
import { rules } from "../../scripts/diagnostics/rules.ts";
import {
  careChecklist,
  remarkCareChecklist,
} from "../../scripts/transforms/remark-care-checklist.ts";
import { remarkValidateFrontMatter } from "../../scripts/transforms/remark-validate-front-matter.ts";
import {
  expectFileContent,
  expectFixture,
  runFixtureFolder,
  runMarkdown,
} from "../fixture-runner.ts";
import { compileFile, repositoryDirectory } from "../helpers.ts";

const fixtures = join(repositoryDirectory, "tests", "fixtures", "care");
const own = (id: string) => id.startsWith("care-");
const plugins: PluggableList = [remarkValidateFrontMatter, [remarkCareChecklist, { report: true }]];

describe("CARE fixtures (input.md → expected-messages.txt, expected-checklist.md)", () => {
  const names = readdirSync(fixtures, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    it(name, async () => {
      const directory = join(fixtures, name);
      const result = await runFixtureFolder(directory, { plugins, keep: own });
      await expectFixture(directory, result);
      result.file.path = "input.md";
      await expectFileContent(
        join(directory, "expected-checklist.md"),
        formatChecklistMarkdown([result.file]),
      );
    });
  }
});

describe("the CARE items", () => {
  it("are the 13 items of the checklist, numbered in order", () => {
    expect(careChecklist.items.map((item) => `${item.number} ${item.topic}`)).toEqual([
      "1 Title",
      "2 Key words",
      "3 Abstract",
      "4 Introduction",
      "5 Patient information",
      "6 Clinical findings",
      "7 Timeline",
      "8 Diagnostic assessment",
      "9 Therapeutic intervention",
      "10 Follow-up and outcomes",
      "11 Discussion",
      "12 Patient perspective",
      "13 Informed consent",
    ]);
    expect(rules["care-item-missing"].severity).toBe("info");
  });

  it("report nothing unless asked, but still fill the checklist", async () => {
    const { file } = await runMarkdown(
      "---\ntitle: T\nauthors: [{name: A}]\n---\n\n# Case\n\nText.\n",
      {
        plugins: [remarkValidateFrontMatter, remarkCareChecklist],
      },
    );
    expect(file.messages.filter((message) => own(message.ruleId ?? ""))).toEqual([]);
    expect(
      file.data.careChecklist?.entries.filter((entry) => entry.covered).map((e) => e.id),
    ).toEqual(["title"]);
  });

  it("take a consent statement from the front matter when there is one", async () => {
    const { file } = await runMarkdown(
      "---\ntitle: T\nauthors: [{name: A}]\nconsent: The patient consented in writing.\n---\n\n# Case\n\nText.\n",
      { plugins: [remarkValidateFrontMatter, remarkCareChecklist] },
    );
    const consent = file.data.careChecklist?.entries.find(
      (entry) => entry.id === "informed-consent",
    );
    expect(consent).toMatchObject({ covered: true, via: "front matter", line: 4 });
  });
});

describe("the sample manuscript", () => {
  it("lists every item with its line or as missing, and raises nothing by default", async () => {
    const { file } = await compileFile(join(repositoryDirectory, "manuscript", "case-report.md"), {
      root: repositoryDirectory,
    });
    const lines = file.data.careChecklist?.entries.map(
      (entry) => `${entry.number} ${entry.covered ? `${entry.section}:${entry.line}` : "missing"}`,
    );
    expect(lines).toEqual([
      "1 front matter:2",
      "2 front matter:28",
      "3 missing",
      "4 Introduction:55",
      "5 Case report:61",
      "6 Case report:63",
      "7 missing",
      "8 Case report:71",
      "9 Case report:61",
      "10 Case report:87",
      "11 Discussion:95",
      "12 missing",
      "13 missing",
    ]);
    expect(file.messages.filter((message) => own(message.ruleId ?? ""))).toEqual([]);
  });
});
