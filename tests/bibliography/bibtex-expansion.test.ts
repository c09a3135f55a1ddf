import { describe, expect, it } from "vitest";
import type { BibliographyResult } from "../../scripts/bibliography/bibliography.ts";
import { EXPANSION_LIMITS } from "../../scripts/bibliography/bibtex-expansion.ts";
import { citationJsWork } from "../../scripts/bibliography/citation-js.ts";
import { parse } from "./helpers.ts";

/** `@string{s0 = "xx"}` and `doublings` macros that each use the one before twice. */
const bomb = (doublings: number, use = "s24") =>
  [
    '@string{s0 = "xx"}',
    ...Array.from(
      { length: doublings },
      (_, index) => `@string{s${index + 1} = s${index} # s${index}}`,
    ),
    `@article{bomb, title = ${use}, author = {Doe, J.}, journal = {J}, year = 2000}`,
    "@article{ok, title = {Fine}, author = {Doe, J.}, journal = {J}, year = 2001}",
  ].join("\n");

/** What reading cost and produced: characters handed to citation-js, and the items' size. */
const measure = (file: string, text: string) => {
  const before = citationJsWork.characters;
  const result = parse(file, text);
  return {
    result,
    handed: citationJsWork.characters - before,
    itemBytes: JSON.stringify(result.entries.map((entry) => entry.item)).length,
  };
};

const rulesOf = (result: BibliographyResult) =>
  result.problems.map((problem) => `${problem.line}:${problem.column} ${problem.rule}`);

describe("BibTeX expansion cap", () => {
  it("leaves out a @string bomb and reports the macro that crosses the cap", () => {
    const text = bomb(24);
    const { result, handed, itemBytes } = measure("bomb.bib", text);
    expect(result.entries.map((entry) => entry.key)).toEqual(["ok"]);
    expect(rulesOf(result)).toEqual([
      "13:9 bibliography-expansion-limit",
      "26:24 bibliography-expansion-limit",
    ]);
    expect(result.problems[0]?.message).toContain("`s12` expands to 16,382 characters");
    expect(result.problems[1]?.message).toContain("builds on `s12` (line 13)");
    // Unbounded before: 2^25 characters in the title, 50 MB of HTML.
    expect(handed).toBeLessThan(2 * text.length);
    expect(itemBytes).toBeLessThan(1_000);
  });

  it("stays bounded when the macros double a thousand times", () => {
    const { result, handed, itemBytes } = measure("bomb.bib", bomb(1000, "s1000"));
    expect(result.entries.map((entry) => entry.key)).toEqual(["ok"]);
    expect(result.problems).toHaveLength(2);
    expect(handed).toBeLessThan(2_000);
    expect(itemBytes).toBeLessThan(1_000);
  });

  it("expands a journal macro used by every entry, as before", () => {
    const count = 2_000;
    const text = [
      '@string{jaad = "Journal of the American Academy of Dermatology"}',
      ...Array.from(
        { length: count },
        (_, index) =>
          `@article{k${index}, title = {T${index}}, author = {Doe, J.}, journal = jaad, year = 2000}`,
      ),
    ].join("\n");
    const result = parse("x.bib", text);
    expect(result.problems).toEqual([]);
    expect(result.entries).toHaveLength(count);
    expect(result.entries[count - 1]?.item["container-title"]).toBe(
      "Journal of the American Academy of Dermatology",
    );
  });

  it("caps the whole file: copies of a long macro stop at the file's budget", () => {
    const long = "a".repeat(EXPANSION_LIMITS.macro - 10);
    const count = 300;
    const text = [
      `@string{long = "${long}"}`,
      ...Array.from({ length: count }, (_, index) => `@misc{k${index}, title = long, year = 2000}`),
    ].join("\n");
    const { result, itemBytes } = measure("x.bib", text);
    const kept = result.entries.length;
    expect(kept).toBeGreaterThan(40);
    expect(kept).toBeLessThan(count);
    expect(rulesOf(result)).toEqual([`${kept + 2}:1 bibliography-expansion-limit`]);
    expect(result.problems[0]?.message).toContain(
      `this entry and ${count - kept - 1} after it are left out`,
    );
    expect(itemBytes).toBeLessThan(text.length + EXPANSION_LIMITS.file + 100 * count);
  });

  it("counts crossref parents into the entries that inherit from them", () => {
    const title = "t".repeat(5_000);
    const chain = Array.from({ length: 40 }, (_, index) =>
      index === 0
        ? `@book{b0, title = {${title}}, publisher = {P}, year = 2000}`
        : `@book{b${index}, crossref = {b${index - 1}}, note = {${title}}}`,
    );
    const result = parse("x.bib", chain.join("\n"));
    // b18 carries 19 × 5,000 characters and a little; b19 would carry more than the entry cap.
    expect(result.entries.map((entry) => entry.key)).toEqual(
      Array.from({ length: 19 }, (_, index) => `b${index}`),
    );
    expect(rulesOf(result)[0]).toBe("20:1 bibliography-expansion-limit");
    expect(result.problems[0]?.message).toContain("through its macros and crossref parents");
    expect(result.entries[1]?.item.publisher).toBe("P");
  });

  it("reads a crossref cycle without looping", () => {
    const text = [
      "@book{a, crossref = {b}, title = {A}, year = 2000}",
      "@book{b, crossref = {a}, title = {B}, year = 2001}",
    ].join("\n");
    const result = parse("x.bib", text);
    expect(result.entries.map((entry) => entry.key)).toEqual(["a", "b"]);
  });

  it("bounds the work of reading entries one by one when one is broken", () => {
    // A macro padded with blanks, used by every entry: reading an entry alone hands citation-js
    // the macro's definition too, so its text counts against the file's budget.
    const padded = `@string{pad = "P"${" ".repeat(50_000)}}`;
    const count = 500;
    const text = [
      padded,
      ...Array.from({ length: count }, (_, index) => `@misc{k${index}, title = pad, year = 2000}`),
      "@misc{broken, title = {T} year = 2000}",
    ].join("\n");
    const { result, handed } = measure("x.bib", text);
    expect(result.entries.length).toBeGreaterThan(10);
    expect(result.entries.length).toBeLessThan(count);
    expect(result.problems.map((problem) => problem.rule)).toEqual([
      "bibliography-expansion-limit",
      "bibliography-malformed",
    ]);
    // Unbounded before: every entry was read with every macro before it (25 million here).
    expect(handed).toBeLessThan(2 * (text.length + EXPANSION_LIMITS.file));
  });
});
