/**
 * The body word count that journal word limits apply to.
 *
 * Counted: the running text of the sections, in reading order, including narrative citation
 * names ("Zizic et al"), which print as prose. Not counted: the front matter (title, authors,
 * key words, statements), headings, figures and tables with their captions, legends and
 * footnotes, Markdown footnotes, code, raw HTML, citation numbers, cross-reference callouts
 * ("Fig 1", "Table I") with their panel letters ("(Fig 1, A)"), and a section headed "References" or "Bibliography".
 *
 * A word is a run of letters and digits, which may be joined by a hyphen, an apostrophe, a
 * period, a comma or a slash between two letters or digits: "African-American", "patient's",
 * "6.3", "39,000" and "g/dL" are one word each; "10 × 6 cm" is three ("×" is not a word).
 */
import type { Parent, Root, RootContent } from "mdast";
import { toString as textOf } from "mdast-util-to-string";
import type { Point } from "unist";

/** One counted word: the pattern above, global and Unicode-aware. */
export const countedWord = /[\p{L}\p{M}\p{N}]+(?:[-‐'’.,/][\p{L}\p{M}\p{N}]+)*/gu;

/** The body word count of a manuscript. */
export interface BodyWordCount {
  /** How many words the body has. */
  count: number;
  /** The source place of the `n`th word (1-based), when its text has one. */
  placeOf(n: number): Point | undefined;
}

/** Count the words in a plain string with the same rule as the body count. */
export function countWords(text: string): number {
  let count = 0;
  for (const _ of text.matchAll(countedWord)) count++;
  return count;
}

/** Text that may sit between a callout and its panel letters. */
const panelSeparator = /^[\s,;&\-–—]*(?:and[\s,;&\-–—]*)?$/u;
const skippedSections = /^(?:references|bibliography|literature cited)$/i;
const skippedNodes: ReadonlySet<string> = new Set([
  "yaml",
  "heading",
  "code",
  "html",
  "footnoteDefinition",
  "footnoteReference",
  "definition",
  "inlineCode",
  "citation",
  "crossReference",
  "image",
  "imageReference",
]);

/** The text of a node, images' alt text left out. */
function plainText(node: RootContent): string {
  return textOf(node, { includeImageAlt: false });
}

/** Count the body words of `tree` (see the module doc for what counts). */
export function countBodyWords(tree: Root): BodyWordCount {
  let count = 0;
  // Each counted stretch of text with the count before it, to place a word later.
  const marks: { before: number; value: string; start: Point | undefined }[] = [];
  const addText = (value: string, start: Point | undefined): void => {
    const words = countWords(value);
    if (words > 0) marks.push({ before: count, value, start });
    count += words;
  };
  let inSkippedSection = false;
  const walk = (parent: Parent): void => {
    // Adjacent text nodes (split by the abbreviation marks) are counted as one text.
    let pending: { value: string; start: Point | undefined } | undefined;
    let afterCallout = false;
    for (const child of parent.children) {
      // Panel letters of a callout, "(@fig-ulcer, **A**)", belong to the callout.
      if (child.type === "text") {
        if (pending) pending.value += child.value;
        else pending = { value: child.value, start: child.position?.start };
        if (!panelSeparator.test(child.value)) afterCallout = false;
        continue;
      }
      if (pending) addText(pending.value, pending.start);
      pending = undefined;
      const panelLetter: boolean =
        child.type === "strong" && afterCallout && /^[A-Z]$/.test(plainText(child).trim());
      afterCallout = child.type === "crossReference" || panelLetter;
      if (panelLetter) continue;
      if (child.type === "heading" && child.depth === 1) {
        inSkippedSection = skippedSections.test(plainText(child).trim());
      }
      if (inSkippedSection || skippedNodes.has(child.type)) continue;
      const isFloat =
        child.type === "containerDirective" && (child.name === "figure" || child.name === "table");
      if (!isFloat && "children" in child) walk(child);
    }
    if (pending) addText(pending.value, pending.start);
  };
  walk(tree);

  const placeOf = (n: number): Point | undefined => {
    let low = 0;
    let high = marks.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((marks[middle]?.before ?? 0) < n) low = middle;
      else high = middle - 1;
    }
    const mark = marks[low];
    if (!mark?.start || n <= mark.before) return undefined;
    let seen = mark.before;
    for (const match of mark.value.matchAll(countedWord)) {
      seen++;
      if (seen === n) {
        const before = mark.value.slice(0, match.index);
        const lastBreak = before.lastIndexOf("\n");
        return {
          line: mark.start.line + (before.split("\n").length - 1),
          column: lastBreak === -1 ? mark.start.column + match.index : match.index - lastBreak,
        };
      }
    }
    return undefined;
  };
  return { count, placeOf };
}
