/** The citation tokeniser: what it finds, and that its work grows linearly with hostile input. */
import { describe, expect, it } from "vitest";
import { findCitations, type ScanWork } from "../../scripts/transforms/remark-citation-syntax.ts";

/** Characters the scanner reads for `text`. */
function workFor(text: string): number {
  const work: ScanWork = { characters: 0 };
  findCitations(text, work);
  return work.characters;
}

describe("findCitations", () => {
  it("finds bracket groups, narrative keys and empty keys", () => {
    expect(findCitations("As [@a; -@b, p. 3] and @c. said; [see @d] [@] x@y.z")).toEqual([
      { start: 3, end: 18, mode: "parenthetical", keys: ["a", "b"] },
      { start: 23, end: 25, mode: "narrative", keys: ["c"] },
      { start: 38, end: 40, mode: "narrative", keys: ["d"] },
      { start: 42, end: 45, mode: "parenthetical", keys: [undefined] },
    ]);
  });
});

describe("the scanner's work is linear (issue 12, item 9)", () => {
  // Each input at n and 4n: linear work reads about 4 times the characters, never 16 times.
  const cases: Record<string, (n: number) => string> = {
    "`[@` followed by n letters": (n) => `[@${"a".repeat(n)}`,
    "n `[a]` in one paragraph": (n) => "[a] ".repeat(n),
    "n `[` before one `]`": (n) => `${"[@a ".repeat(n)}]`,
    "n `@` in a row": (n) => "@".repeat(n),
    "a key of n dots": (n) => `@a${".".repeat(n)}`,
  };
  for (const [name, make] of Object.entries(cases)) {
    it(name, () => {
      const small = make(5_000);
      const large = make(20_000);
      expect(workFor(small)).toBeLessThanOrEqual(4 * small.length + 4);
      expect(workFor(large)).toBeLessThanOrEqual(4 * large.length + 4);
    });
  }
});
