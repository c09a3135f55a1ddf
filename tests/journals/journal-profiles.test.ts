/**
 * Journal profiles as data: the bundled profiles (`case-report`, `acg-case-reports`,
 * `bmj-case-reports`) each check their own rules and none of another journal's, print their
 * citation style, abstract and statements, and a journal added as a folder builds with no code.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadJournal } from "../../scripts/loaders/load-journal.ts";
import { defaultJournal } from "../../scripts/pipeline.ts";
import { resolveStatements } from "../../scripts/schemas/journal-profile.ts";
import { runFixtureFolder, testFixtures } from "../fixture-runner.ts";
import {
  compileFile,
  compileMarkdown,
  frontMatter,
  renderHtml,
  repositoryDirectory,
} from "../helpers.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "journals");
const journalRule = (id: string) =>
  id.startsWith("journal-") ||
  id.startsWith("front-matter-") ||
  id === "corresponding-author-incomplete";

describe("journal profile fixtures (input.md → expected-messages.txt, expected.html)", () => {
  testFixtures(fixtures, { keep: journalRule });
});

describe("bundled profiles", () => {
  it("uses the neutral case-report profile when a manuscript names no journal", async () => {
    expect(defaultJournal).toBe("case-report");
    const { file } = await runFixtureFolder(join(fixtures, "case-report-default"));
    expect(file.data.journal?.id).toBe("case-report");
    // 5 authors, 7 key words, 8 references, no funding or conflicts: none is JAAD's business here.
    expect(file.messages.filter((message) => journalRule(message.ruleId ?? ""))).toEqual([]);
  });

  it("gives an ACG manuscript ACG's rules and none of JAAD's", async () => {
    const acg = await runFixtureFolder(join(fixtures, "acg-case-reports"));
    const jaad = await runFixtureFolder(join(fixtures, "jaad-on-acg-manuscript"));
    const reasons = acg.file.messages.map((message) => message.reason).join("\n");
    expect(reasons).toContain("ACG Case Reports Journal requires “Author contributions”");
    expect(reasons).toContain("ACG Case Reports Journal requires “Informed consent”");
    expect(reasons).toContain("Unexpected 101 words in the abstract, expected at most 100");
    expect(reasons).toContain("Unexpected 5 key words, expected at most 4");
    expect(reasons).not.toContain("JAAD");
    // The same manuscript under JAAD: its author and reference limits, and no abstract.
    const jaadReasons = jaad.file.messages.map((message) => message.reason).join("\n");
    expect(jaadReasons).toContain("Unexpected 5 authors, expected at most 4 for JAAD Case Reports");
    expect(jaadReasons).toContain("JAAD Case Reports prints no abstract");
    expect(reasons).not.toContain("authors, expected at most");
  });

  it("prints bracketed Vancouver citations for BMJ Case Reports", async () => {
    const { html } = await runFixtureFolder(join(fixtures, "bmj-case-reports"));
    expect(html).toContain(
      'rare <span class="citation" id="cite-1">[<a href="#ref-chatterjee2006">1</a>]</span>, as Walsh and Fairley <span',
    );
    expect(html).toMatch(/\[<a href="#ref-zizic1985">3<\/a>-<a href="#ref-r5">5<\/a>\]/);
    expect(html).not.toContain("<sup");
    // On the line, a number before a bracketed citation cannot read as an exponent.
    expect(html).toContain('on day 3 <span class="citation" id="cite-4">');
    const bmj = await compileFile(join(fixtures, "bmj-case-reports", "input.md"));
    expect(
      bmj.file.messages.filter((message) => message.ruleId === "citation-after-number"),
    ).toEqual([]);
    const superscript = await compileFile(join(fixtures, "bmj-case-reports", "input.md"), {
      journal: "case-report",
    });
    expect(superscript.file.messages.map((message) => message.ruleId)).toContain(
      "citation-after-number",
    );
  });

  it("prints the abstract, ORCID links and statements where the profile says", async () => {
    const compiled = await compileFile(join(fixtures, "bmj-case-reports", "input.md"));
    const html = await renderHtml(compiled);
    expect(html).toContain('<h2 class="abstract-title" id="abstract-title">Summary</h2>');
    expect(html).toMatch(
      /<section class="back-matter">.*Patient's perspective.*Patient consent for publication/s,
    );
    expect(html).not.toContain('class="funding"><span');
    const acg = await renderHtml(await compileFile(join(fixtures, "acg-case-reports", "input.md")));
    expect(acg).toContain(
      '<a class="orcid" href="https://orcid.org/0000-0002-1825-0097" title="ORCID iD 0000-0002-1825-0097" aria-label="ORCID iD 0000-0002-1825-0097">iD</a>',
    );
    expect(acg).toContain(
      '<p class="funding"><span class="note-label">Financial disclosure:</span> None.</p>',
    );
    const jaad = await renderHtml(
      await compileFile(join(fixtures, "jaad-on-acg-manuscript", "input.md")),
    );
    expect(jaad).not.toContain("abstract-title");
  });

  it("prints a structured abstract under its headings and checks them", async () => {
    const folder = mkdtempSync(join(tmpdir(), "casepress-abstract-"));
    try {
      cpSync(
        join(repositoryDirectory, "templates", "case-report"),
        join(folder, "templates", "structured"),
        {
          recursive: true,
        },
      );
      const profilePath = join(folder, "templates", "structured", "profile.json");
      const profile = JSON.parse(readFileSync(profilePath, "utf8")) as Record<string, unknown>;
      profile.abstract = {
        form: "structured",
        headings: ["Introduction", "Case", "Conclusion"],
        words: 9,
      };
      writeFileSync(profilePath, JSON.stringify(profile));
      const markdown = `${frontMatter("journal: structured", "abstract:", "  Introduction: Rare ulcers.", "  Cse: A woman had them for years and years.")}\nText.\n`;
      writeFileSync(join(folder, "input.md"), markdown);
      const compiled = await compileFile(join(folder, "input.md"));
      const reasons = compiled.file.messages.map((message) => message.reason);
      expect(reasons).toContainEqual(expect.stringContaining("Unexpected abstract heading “Cse”"));
      expect(reasons).toContainEqual(expect.stringContaining("Did you mean `Case`?"));
      expect(reasons).toContainEqual(
        expect.stringContaining("Missing abstract headings “Case”, “Conclusion”"),
      );
      expect(reasons).toContainEqual(
        expect.stringContaining("Unexpected 10 words in the abstract"),
      );
      const html = await renderHtml(compiled);
      expect(html).toContain('<span class="abstract-heading">Introduction:</span> Rare ulcers.');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("reads statement types, labels and places from the profile", () => {
    const bmj = loadJournal("bmj-case-reports", repositoryDirectory);
    if ("rule" in bmj) throw new Error(bmj.message);
    const statements = resolveStatements(bmj);
    expect(statements.map((statement) => statement.type).slice(0, 3)).toEqual([
      "patient-perspective",
      "contributions",
      "funding",
    ]);
    expect(statements.find((statement) => statement.type === "consent")).toEqual({
      type: "consent",
      label: "Patient consent for publication",
      required: true,
      place: "back",
    });
    const jaad = loadJournal("jaad-case-reports", repositoryDirectory);
    if ("rule" in jaad) throw new Error(jaad.message);
    expect(
      resolveStatements(jaad)
        .filter((statement) => statement.required)
        .map((s) => s.type),
    ).toEqual(["funding", "conflicts"]);
  });
});

describe("a journal added as a folder", () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it("builds with no code: its statements, citation style and abstract come from profile.json", async () => {
    const csl = readFileSync(
      join(repositoryDirectory, "templates", "case-report", "vancouver.csl"),
      "utf8",
    );
    const profile = {
      name: "Journal of New Cases",
      csl: "style.csl",
      "citation-style": "brackets",
      "required-sections": ["Case"],
      "require-corresponding-author": false,
      statements: {
        ethics: { label: "Ethical approval", required: true, place: "notes" },
        "data-availability": { label: "Data sharing", place: "back" },
      },
      abstract: { form: "plain", required: true, label: "Synopsis" },
      limits: { words: 50 },
    };
    const markdown = `${frontMatter(
      "journal: new-cases",
      "abstract: A short synopsis.",
      "ethics: Not required for a single case.",
      "data-availability: All data are in the article.",
      "bibliography: references.json",
    )}\n# Case\n\nLeg ulcers are rare [@chatterjee2006; @walsh1995].\n`;
    const compiled = await compileMarkdown(markdown, {
      files: {
        "templates/new-cases/profile.json": JSON.stringify(profile),
        "templates/new-cases/style.csl": csl,
        "templates/new-cases/template.html":
          "<!doctype html><html><head><title>{{title}}</title></head><body><h1>{{journal-name}}</h1>{{title-block}}{{body}}{{back-matter}}{{references}}{{article-notes}}</body></html>",
        "references.json": readFileSync(
          join(fixtures, "bmj-case-reports", "references.json"),
          "utf8",
        ),
      },
    });
    folders.push(compiled.directory);
    expect(compiled.file.messages.filter((message) => message.fatal).map(String)).toEqual([]);
    expect(compiled.file.data.journal?.id).toBe("new-cases");
    const html = await renderHtml(compiled);
    expect(html).toContain("<h1>Journal of New Cases</h1>");
    expect(html).toContain('<h2 class="abstract-title" id="abstract-title">Synopsis</h2>');
    expect(html).toContain('[<a href="#ref-chatterjee2006">1</a>,<a href="#ref-walsh1995">2</a>]');
    expect(html).toContain(
      '<span class="note-label">Ethical approval:</span> Not required for a single case.',
    );
    expect(html).toMatch(
      /<section class="back-matter">.*Data sharing.*All data are in the article\./s,
    );
  });

  it("reports a statement type it does not know, with a suggestion", async () => {
    const compiled = await compileMarkdown(`${frontMatter("journal: bad-statements")}\nText.\n`, {
      files: {
        "templates/bad-statements/profile.json": JSON.stringify({
          name: "Bad",
          csl: "style.csl",
          statements: { consnet: { required: true } },
        }),
        "templates/bad-statements/style.csl": "<style/>",
        "templates/bad-statements/template.html": "{{body}}",
      },
    });
    folders.push(compiled.directory);
    const [problem] = compiled.file.messages.filter(
      (message) => message.ruleId === "journal-profile-invalid",
    );
    expect(problem?.reason).toContain('`statements` Unrecognized key: "consnet"');
    expect(problem?.reason).toContain("Did you mean `consent`?");
  });
});
