/**
 * The warm-rebuild caches against a fresh parse: the sample manuscript is edited at random, a
 * sequence of edits at a time as an author would type, and after every edit the tree the
 * section cache builds (reusing the unchanged sections' trees) must equal a fresh parse of the
 * whole text, positions included. `npm test` runs a fixed seed and a modest count; `npm run
 * fuzz` (FUZZ_RUNS=10000) runs many more, and FUZZ_SEED picks another seed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { manuscriptParser } from "../scripts/parse/parse-manuscript.ts";
import { SectionParseCache, splitSections } from "../scripts/parse/section-cache.ts";
import { repositoryDirectory } from "./helpers.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 40);
const seed = Number(process.env.FUZZ_SEED ?? 20_261_203);

const sample = readFileSync(join(repositoryDirectory, "manuscript", "case-report.md"), "utf8");
const parse = (text: string) => manuscriptParser.parse(text);

/** Text the edits insert: the constructs that decide where a section may start. */
const snippets = [
  "# A new section\n",
  "\n# Heading\n\n",
  "## Sub\n",
  "#",
  "\n#\n",
  "###### six\n",
  "####### seven\n",
  "```\n",
  "````\n",
  "```js\n",
  "``` a`b\n",
  "~~~\n",
  "   ```\n",
  "    ```\n",
  ":::note\n",
  ":::figure{#fig-x}\n",
  "::: spaced\n",
  ":::\n",
  "::::\n",
  "   :::\n",
  "- item\n",
  "1. item\n",
  "  continued\n",
  "> quote\n",
  ">",
  "    indented code\n",
  "| a | b |\n|---|---|\n",
  "Setext\n===\n",
  "---\n",
  "\n",
  "\n\n",
  " ",
  "\t",
  "text ",
  "*",
  "[@reiter2011]",
  "[x]: /url\n",
  "[^1]: a note\n",
  "[^1]",
  "<!--\n",
  "-->\n",
  "<div>\n",
  "<pre>\n",
  "\r\n",
  "\r",
  "\\",
  "é",
  "\uFEFF",
];

type Edit =
  | { kind: "insert"; at: number; text: string }
  | { kind: "delete"; at: number; length: number }
  | { kind: "duplicate"; at: number; length: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...snippets), fc.string({ maxLength: 6 })),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.nat(200) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), length: fc.nat(400) }),
);

/** Apply `change` to `text`; insertions land at a line start half of the time. */
function apply(text: string, change: Edit): string {
  let at = change.at % (text.length + 1);
  if (change.kind === "insert") {
    if (change.at % 2 === 0) at = text.lastIndexOf("\n", at - 1) + 1;
    return text.slice(0, at) + change.text + text.slice(at);
  }
  const end = Math.min(text.length, at + change.length);
  if (change.kind === "delete") return text.slice(0, at) + text.slice(end);
  return text.slice(0, end) + text.slice(at, end) + text.slice(end);
}

describe("section parse cache", () => {
  it("builds the tree of a fresh parse over random edits, positions included", () => {
    const cache = new SectionParseCache();
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        let text = sample;
        expect(cache.parse(text, parse)).toEqual(parse(text));
        for (const change of edits) {
          text = apply(text, change);
          expect(cache.parse(text, parse)).toEqual(parse(text));
        }
      }),
      { numRuns: runs, seed },
    );
    // The property is not passed by never splitting or never reusing.
    expect(cache.work.reused).toBeGreaterThan(cache.work.parsed);
  }, 600_000);

  it("re-parses only the section that changed", () => {
    const cache = new SectionParseCache();
    cache.parse(sample, parse);
    const sections = splitSections(sample)?.length ?? 0;
    expect(sections).toBeGreaterThan(3);
    const edited = sample.replace("# Discussion\n", "# Discussion\n\nOne more sentence.\n");
    const before = { ...cache.work };
    expect(cache.parse(edited, parse)).toEqual(parse(edited));
    expect(cache.work.parsed - before.parsed).toBe(1);
    expect(cache.work.reused - before.reused).toBe(sections - 1);
  });

  it("hands out copies, so a transform's edit never reaches the next parse", () => {
    const cache = new SectionParseCache();
    const first = cache.parse(sample, parse);
    const node = first.children.at(-1);
    if (!node?.position) throw new Error("the sample has no last node");
    node.position.start.line = -1;
    first.children.length = 0;
    expect(cache.parse(sample, parse)).toEqual(parse(sample));
  });

  it.each([
    ["a link reference definition", "\n[ref]: https://example.org\n"],
    ["a footnote definition", "\n[^note]: A note.\n"],
    ["an HTML block", "\n<div>\n\n# Inside?\n\n</div>\n"],
    ["a lone carriage return", "\rText.\n"],
    ["a leading byte order mark", "", "\uFEFF"],
  ])("parses a text with %s whole, and equal to a fresh parse", (_, extra, before = "") => {
    const text = `${before}${sample}${extra}\n# Used later\n\nSee [ref] and [^note].\n`;
    expect(splitSections(text)).toBeUndefined();
    const cache = new SectionParseCache();
    expect(cache.parse(text, parse)).toEqual(parse(text));
    expect(cache.work).toEqual({ parsed: 0, reused: 0, whole: 1 });
  });

  it("never splits inside front matter", () => {
    const text = "---\ntitle: x\n\n# not a heading: YAML comment\n---\n\n# One\n\nText.\n";
    expect(splitSections(text)?.map((section) => section.line)).toEqual([0, 6]);
    expect(new SectionParseCache().parse(text, parse)).toEqual(parse(text));
  });

  it("never splits inside fenced code or a directive container", () => {
    const text = [
      "# One",
      "",
      "```",
      "",
      "# Not a section (code)",
      "```",
      "",
      ":::note",
      "",
      "# Not a section (container)",
      "",
      ":::",
      "",
      "# Two",
      "",
    ].join("\n");
    expect(splitSections(text)?.map((section) => section.line)).toEqual([0, 13]);
    expect(new SectionParseCache().parse(text, parse)).toEqual(parse(text));
  });
});
