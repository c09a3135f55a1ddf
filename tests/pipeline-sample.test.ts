/** End-to-end checks of the sample manuscript's HTML: the article's numbering and reference list. */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile, readText, renderHtml, repositoryDirectory } from "./helpers.ts";

let html = "";
let messages: string[] = [];

beforeAll(async () => {
  const compiled = await compileFile(join(repositoryDirectory, "manuscript", "case-report.md"), {
    root: repositoryDirectory,
  });
  messages = compiled.file.messages
    .filter((message) => message.fatal === true)
    .map((message) => `${message.line}:${message.column} ${message.ruleId} ${message.reason}`);
  html = await renderHtml(compiled);
});

function textOf(fragment: string): string {
  return fragment.replace(/<[^>]+>/g, "").replace(/&#x26;/g, "&");
}

describe("the sample manuscript", () => {
  it("compiles without errors", () => {
    expect(messages).toEqual([]);
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

  it("prints the 12 references exactly as the article did", async () => {
    const list = /<section[^>]*id="references"[^>]*>.*?<ol>(.*?)<\/ol>/s.exec(html)?.[1] ?? "";
    const items = [...list.matchAll(/<li id="ref-[^"]+">(.*?)<\/li>/gs)].map((match, index) => {
      const entry = (match[1] ?? "")
        .replace(/\s*<a class="backlink".*$/s, "")
        .replace(/<\/?i>/g, "*");
      return `${index + 1}. ${textOf(entry)}`;
    });
    const expected = (
      await readText(
        join(repositoryDirectory, "tests", "fixtures", "references", "references-expected.txt"),
      )
    )
      .trim()
      .split("\n");
    expect(items).toHaveLength(12);
    // Ref 3 is the documented exception: its data lists only 3 authors, so no "et al".
    expected[2] = (expected[2] ?? "").replace("Burt RK, et al.", "Burt RK.");
    expect(items).toEqual(expected);
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
