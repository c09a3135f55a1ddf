import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseBibliography } from "../../scripts/bibliography/bibliography.ts";
import { fixtures, parse, problemLine, read } from "./helpers.ts";

describe("normalising entries", () => {
  it("reads numeric ids and text variables as strings", () => {
    const text = JSON.stringify([
      { id: 7, type: "article-journal", volume: 65, issue: 1, title: "T" },
    ]);
    const [entry] = parseBibliography({ path: "x.json", text }).entries;
    expect(entry?.key).toBe("7");
    expect(entry?.item).toMatchObject({ id: "7", volume: "65", issue: "1" });
  });

  it("turns capital initials into initials citeproc keeps (DR → D. R.)", () => {
    const bib = parse("input.bib", read(path.join(fixtures, "bibtex/input.bib")));
    expect(bib.entries[1]?.item.author?.[2]).toEqual({ family: "Miller", given: "D. R." });
  });

  it("strips a DOI's resolver prefix and reports a DOI used twice", () => {
    const text = JSON.stringify([
      { id: "a", type: "book", title: "A", DOI: "https://doi.org/10.1000/ABC" },
      { id: "b", type: "book", title: "B", DOI: "doi: 10.1000/abc" },
    ]);
    const result = parse("x.json", text);
    expect(result.entries.map((entry) => entry.item.DOI)).toEqual(["10.1000/ABC", "10.1000/abc"]);
    expect(result.problems.map(problemLine)).toEqual([
      "1:111 warning bibliography-duplicate-doi Duplicate DOI `10.1000/abc`: entry `b` has the same DOI as `a` (line 1), expected one entry per work. Merge them and cite one key.",
    ]);
  });

  it("reports a variable of the wrong shape and leaves it out", () => {
    const text = '[{"id": "a", "type": "book", "title": "T",\n  "author": "Doe", "issued": 2001}]';
    const result = parse("x.json", text);
    expect(result.problems.map(problemLine)).toEqual([
      '2:3 error bibliography-malformed Entry `a`: `author` is a string, expected a list of names such as `[{"family": "Miller", "given": "D. R."}]`. Fix the value; it is ignored until then.',
      '2:20 error bibliography-malformed Entry `a`: `issued` is a number, expected `{"date-parts": [[2011, 7]]}`. Fix the value; it is ignored until then.',
    ]);
    expect(result.entries[0]?.item).toEqual({ id: "a", type: "book", title: "T" });
  });
});
