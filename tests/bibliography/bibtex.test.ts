import path from "node:path";
import { describe, expect, it } from "vitest";
import { citationJsWork } from "../../scripts/bibliography/citation-js.ts";
import { fixtures, jaad, parse, read, seedItems } from "./helpers.ts";

const bibFixture = () => parse("input.bib", read(path.join(fixtures, "bibtex/input.bib")));

describe("BibTeX", () => {
  it("prints the same entries as the CSL-JSON of the same references", () => {
    const items = seedItems();
    const printed = jaad.format(items);
    const expected = new Map(items.map((item, index) => [item.id, printed[index]]));
    const bib = bibFixture();
    expect(bib.problems).toEqual([]);
    expect(bib.entries.map((entry) => entry.key)).toEqual(["reiter2011", "enoch2005", "walsh1995"]);
    expect(jaad.format(bib.entries.map((entry) => entry.item))).toEqual(
      bib.entries.map((entry) => expected.get(entry.key)),
    );
  });

  it("keeps the NLM abbreviation from BibLaTeX shortjournal", () => {
    const bib = bibFixture();
    expect(bib.entries.map((entry) => entry.item["container-title-short"])).toEqual([
      "J Am Acad Dermatol",
      "Int Wound J",
      "J Am Acad Dermatol",
    ]);
    expect(bib.entries[0]?.item["container-title"]).toBe(
      "Journal of the American Academy of Dermatology",
    );
  });

  it("accepts upper-case extensions and .bibtex", () => {
    const text = "@article{a1, title = {T}, author = {Doe, J.}, journal = {J}, year = 2000}";
    expect(parse("refs.BIBTEX", text).entries.map((entry) => entry.key)).toEqual(["a1"]);
  });

  it("expands the macros an entry uses when another entry is broken", () => {
    const text = [
      '@string{jaad = "J Am Acad Dermatol"}',
      '@string{unused = "Never used"}',
      "@article{good, title = {T}, author = {Doe, J.}, journal = jaad, year = 2000}",
      "@article{broken, title = {T} author = {Doe, J.}}",
    ].join("\n");
    const result = parse("x.bib", text);
    expect(result.entries.map((entry) => [entry.key, entry.item["container-title"]])).toEqual([
      ["good", "J Am Acad Dermatol"],
    ]);
    expect(result.problems.map((problem) => [problem.line, problem.rule])).toEqual([
      [4, "bibliography-malformed"],
    ]);
  });

  // Work is counted as the characters handed to citation-js, never timed.
  it("reads a file with a broken entry in work proportional to its size", () => {
    const file = (count: number) => {
      const chunks: string[] = [];
      for (let index = 0; index < count; index++) {
        chunks.push(`@string{j${index} = "Journal ${index}"}`);
        chunks.push(
          `@article{k${index}, title = {T}, author = {Doe, J.}, journal = j${index}, year = 2000}`,
        );
      }
      chunks.push("@article{broken, title = {T} author = {Doe, J.}}");
      return chunks.join("\n");
    };
    const work = (count: number) => {
      const text = file(count);
      const before = citationJsWork.characters;
      const result = parse("x.bib", text);
      expect(result.entries).toHaveLength(count);
      return (citationJsWork.characters - before) / text.length;
    };
    const small = work(50);
    const large = work(500);
    // Each character is handed over about twice (whole file, then entry by entry), at any size.
    expect(large).toBeLessThan(small * 1.2);
    expect(large).toBeLessThan(3);
  });

  it("does not take an @ inside a comment line for an entry", () => {
    // Each "@" looks back over blanks only, so a long line of them stays cheap.
    const text = `% ${"@x ".repeat(20_000)}\n@article{a, title = {T}, author = {D, J}, journal = {J}, year = 1}`;
    const result = parse("x.bib", text);
    expect(result.entries.map((entry) => entry.key)).toEqual(["a"]);
    expect(result.problems).toEqual([]);
  });
});
