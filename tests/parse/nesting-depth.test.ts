/**
 * The pre-parse guard of scripts/parse/nesting-depth.ts against micromark's quadratic costs, and
 * proof by counting that what it accepts parses in linear work. The work is counted, not timed:
 * micromark's two quadratic mechanisms are `Array#splice` on a paragraph's event list (each
 * splice moves the events after its start) and `Array#includes` on the list of footnote
 * definitions (each call compares with every definition). The counters add up the elements each
 * call moves or compares while one parse runs.
 */
import { VFile } from "vfile";
import { describe, expect, it } from "vitest";
import {
  findDeepNesting,
  maxFootnoteLabels,
  maxParagraphConstructs,
} from "../../scripts/parse/nesting-depth.ts";
import { manuscriptParser } from "../../scripts/parse/parse-manuscript.ts";

/** Elements micromark moved with `splice` and compared with `includes` while parsing `text`. */
function parseWork(text: string): { moved: number; compared: number } {
  const { splice, includes } = Array.prototype;
  let moved = 0;
  let compared = 0;
  // Counting wrappers, restored below; `this` is whichever array micromark calls them on.
  Array.prototype.splice = function (this: unknown[], start: number, ...rest: unknown[]) {
    const from = start < 0 ? Math.max(0, this.length + start) : Math.min(start, this.length);
    moved += this.length - from;
    return Reflect.apply(splice, this, [start, ...rest]) as unknown[];
  };
  Array.prototype.includes = function (this: unknown[], ...args: unknown[]) {
    compared += this.length;
    return Reflect.apply(includes, this, args) as boolean;
  };
  try {
    manuscriptParser.parse(new VFile(text));
  } finally {
    Array.prototype.splice = splice;
    Array.prototype.includes = includes;
  }
  return { moved, compared };
}

/** `count` paragraphs, each of `runs` `[a]` bracket runs. */
const bracketParagraphs = (count: number, runs: number) =>
  Array.from({ length: count }, () => "[a] ".repeat(runs)).join("\n\n");

/** `count` footnote calls, one a paragraph, then their `count` definitions. */
const footnotes = (count: number) =>
  [
    ...Array.from({ length: count }, (_, index) => `Text[^n${index}].\n`),
    ...Array.from({ length: count }, (_, index) => `[^n${index}]: Note ${index}.`),
  ].join("\n");

describe("findDeepNesting: bracket runs in one paragraph", () => {
  it(`accepts ${maxParagraphConstructs} and refuses one more, at that bracket`, () => {
    expect(findDeepNesting(bracketParagraphs(1, maxParagraphConstructs))).toBeUndefined();
    const over = findDeepNesting(`Intro\n${"[a] ".repeat(maxParagraphConstructs + 1)}`);
    expect(over).toEqual({
      line: 2,
      column: maxParagraphConstructs * 4 + 1,
      depth: maxParagraphConstructs + 1,
      kind: "constructs",
    });
  });

  it("counts per paragraph: many full paragraphs pass, each list item and definition alone", () => {
    expect(findDeepNesting(bracketParagraphs(10, maxParagraphConstructs))).toBeUndefined();
    const items = Array.from({ length: 1_000 }, () => "- [a] [b] [c]").join("\n");
    expect(findDeepNesting(items)).toBeUndefined();
    const definitions = Array.from({ length: 3_000 }, (_, i) => `[d${i}]: u${i}`).join("\n");
    expect(findDeepNesting(definitions)).toBeUndefined();
  });

  it("counts inline HTML but not the lines of a raw HTML block, which are no inline text", () => {
    expect(findDeepNesting(`Text\n${"<dl>".repeat(10_000)}\n`)).toBeUndefined();
    expect(findDeepNesting(`<div>\n${"[a] ".repeat(3_000)}\n`)).toBeUndefined();
    expect(findDeepNesting(`x ${"<b> ".repeat(3_000)}`)?.kind).toBe("constructs");
  });

  it("what it accepts costs micromark the same work per character at 1× and 4×", () => {
    const one = bracketParagraphs(1, maxParagraphConstructs);
    const four = bracketParagraphs(4, maxParagraphConstructs);
    const perCharacter = (text: string) => parseWork(text).moved / text.length;
    expect(perCharacter(four) / perCharacter(one)).toBeCloseTo(1, 1);
    // The mechanism the cap bounds: one paragraph of 4× the runs costs about 4× per character.
    const dense = bracketParagraphs(1, 4 * maxParagraphConstructs);
    expect(perCharacter(dense) / perCharacter(one)).toBeGreaterThan(3.5);
  });
});

describe("findDeepNesting: footnote labels", () => {
  it(`accepts ${maxFootnoteLabels} labels and refuses the next, at its \`[^\``, () => {
    const half = maxFootnoteLabels / 2;
    expect(findDeepNesting(footnotes(half))).toBeUndefined();
    const text = footnotes(half + 1);
    const over = findDeepNesting(text);
    // Calls come first (2 lines each), so label 2,001 is the definition of note 999.
    expect(over).toEqual({
      line: 2 * (half + 1) + half,
      column: 1,
      depth: maxFootnoteLabels + 1,
      kind: "footnotes",
    });
  });

  it("ignores `[^` inside fenced code", () => {
    const fenced = `\`\`\`\n${"[^a] ".repeat(maxFootnoteLabels + 1)}\n\`\`\`\n`;
    expect(findDeepNesting(fenced)).toBeUndefined();
  });

  it("at the cap, micromark's definition lookups stay within labels × cap", () => {
    const half = maxFootnoteLabels / 2;
    const { compared } = parseWork(footnotes(half));
    expect(compared).toBeLessThanOrEqual(maxFootnoteLabels * maxFootnoteLabels);
    // The mechanism the cap bounds: twice the notes, four times the comparisons.
    const double = parseWork(footnotes(half * 2)).compared;
    expect(double / compared).toBeGreaterThan(3.5);
  });
});
