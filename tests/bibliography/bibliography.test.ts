import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBibliography } from "../../scripts/bibliography/bibliography.ts";
import {
  asPrinted,
  fixtures,
  jaad,
  lines,
  preprint,
  problemLine,
  read,
  references,
  repo,
  seedItems,
} from "./helpers.ts";

describe("fixtures", () => {
  for (const name of readdirSync(fixtures).sort()) {
    const folder = path.join(fixtures, name);
    const input = readdirSync(folder).find((file) => file.startsWith("input."));
    if (!input) continue;
    it(name, () => {
      const result = parseBibliography({ path: input, text: read(path.join(folder, input)) });
      expect(result.problems.map(problemLine)).toEqual(
        lines(read(path.join(folder, "expected-problems.txt"))),
      );
      expect(result.entries.map((entry) => `${entry.key} ${entry.line}:${entry.column}`)).toEqual(
        lines(read(path.join(folder, "expected-entries.txt"))),
      );
      for (const entry of result.entries) expect(entry.file).toBe(input);
      const items = result.entries.map((entry) => entry.item);
      for (const [style, formatter] of [
        ["jaad", jaad],
        ["preprint", preprint],
      ] as const) {
        const expected = path.join(folder, `expected-${style}.txt`);
        if (existsSync(expected))
          expect(asPrinted(formatter.format(items))).toEqual(lines(read(expected)));
      }
    });
  }
});

describe("any format", () => {
  const only = (result: { problems: Parameters<typeof problemLine>[0][] }) =>
    result.problems.map(problemLine);

  it("name an unknown extension", () => {
    expect(only(parseBibliography({ path: "refs.txt", text: "x" }))).toEqual([
      "1:1 error bibliography-malformed Unknown bibliography format `.txt`, expected a `.json` (CSL-JSON), `.bib`/`.bibtex` or `.ris` file. Export the references in one of these formats.",
    ]);
  });

  it("report files with no entries in them", () => {
    expect(
      only(parseBibliography({ path: "x.bib", text: "https://doi.org/10.1000/182\n" }))[0],
    ).toMatch(/Found no BibTeX entry/);
    expect(
      only(parseBibliography({ path: "x.ris", text: "https://doi.org/10.1000/182\n" }))[0],
    ).toMatch(/outside a record/);
    expect(parseBibliography({ path: "x.bib", text: "% only a comment\n" }).problems).toEqual([]);
  });

  it("never throw, and keep every position inside the file", () => {
    const alphabet = fc.constantFrom(..."@{}(),=\"'%#\\ \n\tabcTYER-  0123:[]".split(""));
    const inputs = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 120 }),
      fc.json().map((json) => json.slice(0, Math.max(0, json.length - 1))),
      fc.json(),
    );
    fc.assert(
      fc.property(inputs, fc.constantFrom("x.json", "x.bib", "x.ris"), (text, file) => {
        const result = parseBibliography({ path: file, text });
        const lineCount = text.split("\n").length;
        for (const problem of result.problems) {
          expect(problem.line).toBeGreaterThanOrEqual(1);
          expect(problem.line).toBeLessThanOrEqual(lineCount);
          expect(problem.column).toBeGreaterThanOrEqual(1);
          expect(problem.message).not.toBe("");
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});

describe("the reference article's fixture", () => {
  it("has one printed reference per CSL-JSON entry, naming its first author and year", () => {
    const items = seedItems();
    const printed = lines(read(path.join(references, "references-expected.txt")));
    expect(printed).toHaveLength(items.length);
    for (const [index, item] of items.entries()) {
      const line = printed[index] ?? "";
      expect(line.startsWith(`${index + 1}. `)).toBe(true);
      expect(line).toContain(item.author?.[0]?.family ?? "(no author)");
      expect(line).toContain(String(item.issued?.["date-parts"]?.[0]?.[0]));
    }
  });

  // The shared seed lives beside the main checkout, not in a clone: skipped, with the reason.
  const seed = path.resolve(repo, "../shared/seed");
  it("keeps its fixture copies identical to the shared seed", (context) => {
    if (!existsSync(seed)) {
      context.skip(`no shared seed at ${seed} (only beside the main checkout)`);
      return;
    }
    for (const name of ["references.csl.json", "references-expected.txt"]) {
      expect(read(path.join(references, name))).toBe(read(path.join(seed, name)));
    }
  });
});
