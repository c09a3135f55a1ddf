/**
 * End-to-end checks of the sample manuscript's HTML: the whole page against the committed
 * `tests/fixtures/sample/expected-page.html` (what `build` writes, byte for byte; regenerate with
 * `UPDATE_EXPECTED=1` and review the diff), the article's numbering and its reference list.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assetsDirectoryName } from "../scripts/cli/build.ts";
import { casepressVersion } from "../scripts/loaders/load-journal.ts";
import { renderPage } from "../scripts/render/render-page.ts";
import { rewriteAssetUrls } from "../scripts/transforms/remark-asset-urls.ts";
import { expectFileContent } from "./fixture-runner.ts";
import { compileFile, readText, repositoryDirectory } from "./helpers.ts";

const sampleFixtures = join(repositoryDirectory, "tests", "fixtures", "sample");
let html = "";
let messages: string[] = [];

beforeAll(async () => {
  const compiled = await compileFile(join(repositoryDirectory, "manuscript", "case-report.md"), {
    root: repositoryDirectory,
  });
  const { file, tree } = compiled;
  messages = file.messages
    .filter((message) => message.fatal === true)
    .map((message) => `${message.line}:${message.column} ${message.ruleId} ${message.reason}`);
  const journal = file.data.journal;
  if (!journal || !file.data.resources) throw new Error("the sample did not compile");
  // As `build` renders it, so the page equals the built `case-report.html`.
  const assets = assetsDirectoryName("case-report");
  rewriteAssetUrls(tree, file.data.resources, assets);
  html = await renderPage(tree, file, journal, {
    assetsDirectory: assets,
    generator: `Casepress ${casepressVersion}`,
  });
});

/** Numbered reference lines as printed: "3. Mandelbrot DA, … *Nephrol Dial Transplant*. …". */
function printedReferences(page: string): string[] {
  const list = /<section[^>]*id="references"[^>]*>.*?<ol>(.*?)<\/ol>/s.exec(page)?.[1] ?? "";
  return [...list.matchAll(/<li id="ref-[^"]+">(.*?)<\/li>/gs)].map((match, index) => {
    const entry = (match[1] ?? "")
      .replace(/\s*<a class="backlink".*$/s, "")
      .replace(/<\/?i>/g, "*");
    return `${index + 1}. ${textOf(entry)}`;
  });
}

function textOf(fragment: string): string {
  return fragment.replace(/<[^>]+>/g, "").replace(/&#x26;/g, "&");
}

describe("the sample manuscript", () => {
  it("compiles without errors", () => {
    expect(messages).toEqual([]);
  });

  it("renders the committed page byte for byte", async () => {
    await expectFileContent(join(sampleFixtures, "expected-page.html"), html);
  });

  it("shows the article's citation sequence", () => {
    const citations = [...html.matchAll(/<sup class="citation"[^>]*>(.*?)<\/sup>/g)].map((match) =>
      textOf(match[1] ?? ""),
    );
    // Document order: the table (refs 7-10) sits in the source before the paragraphs citing 4-6.
    expect(citations).toEqual([
      "1,2",
      "1",
      "1",
      "3",
      "7",
      "8",
      "9",
      "10",
      "4",
      "4,5",
      "5",
      "4",
      "6",
      "6",
      "2,3,11",
      "12",
    ]);
  });

  it("prints the 12 references of the committed list", async () => {
    const items = printedReferences(html);
    expect(items).toHaveLength(12);
    await expectFileContent(
      join(sampleFixtures, "expected-references.txt"),
      `${items.join("\n")}\n`,
    );
  });

  it("differs from the article's printed list only in reference 3", async () => {
    const article = (
      await readText(
        join(repositoryDirectory, "tests", "fixtures", "references", "references-expected.txt"),
      )
    )
      .trim()
      .split("\n");
    const items = printedReferences(html);
    const differences = items.flatMap((line, index) =>
      line === article[index] ? [] : [{ printed: line, article: article[index] }],
    );
    // Ref 3's data lists only 3 authors, so it prints no "et al" where the article did.
    expect(differences).toEqual([
      {
        printed: expect.stringContaining("Mandelbrot DA, Santos PW, Burt RK. Resolution"),
        article: expect.stringContaining("Mandelbrot DA, Santos PW, Burt RK, et al. Resolution"),
      },
    ]);
  });

  it("links every citation number to an entry and every entry back to a citation", () => {
    const targets = new Set(
      [...html.matchAll(/<sup class="citation"[^>]*>(.*?)<\/sup>/g)].flatMap((match) =>
        [...(match[1] ?? "").matchAll(/href="#(ref-[^"]+)"/g)].map((link) => link[1]),
      ),
    );
    for (const target of targets) expect(html).toContain(`<li id="${target}">`);
    const backlinks = [...html.matchAll(/<a class="backlink" href="#(cite-\d+)"/g)].map(
      (match) => match[1],
    );
    expect(backlinks).toHaveLength(12);
    for (const backlink of backlinks) expect(html).toContain(`id="${backlink}"`);
  });

  it("renders narrative citations as surname plus superscript", () => {
    expect(html).toMatch(
      /Zizic et al<sup class="citation"[^>]*><a href="#ref-zizic1985">6<\/a><\/sup>/,
    );
  });
});
