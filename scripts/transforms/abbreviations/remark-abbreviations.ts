/**
 * Check abbreviations against the front matter's `abbreviations:` list and mark every use with
 * `<abbr title>`.
 *
 * The text is read in scopes: the running text (the sections in reading order, without
 * headings, figures and tables), each figure or table on its own (caption, legend, cells and
 * footnotes), and the title and headings. One tokenising pass turns each block of text into
 * words and every lookup is a Map lookup, so the work is linear in the size of the manuscript.
 * The rules are the `abbreviation-*` ids in `rules.ts`; the journal README explains them.
 *
 * The steps live beside this file: `abbreviation-blocks.ts` (the text and its source places),
 * `abbreviation-read.ts` (uses and definitions), `abbreviation-report.ts` (the rules) and
 * `abbreviation-mark.ts` (`<abbr>`); the word rules are in `abbreviation-tokens.ts` and
 * `abbreviation-long-form.ts`, shared with the legends (`abbreviation-definitions.ts`).
 */
import type { Root } from "mdast";
import type { VFile } from "vfile";
import { collectBlocks, frontMatterBlock, sourceLocator } from "./abbreviation-blocks.ts";
import { markUses } from "./abbreviation-mark.ts";
import { indexList, readUses } from "./abbreviation-read.ts";
import { reportAbbreviations } from "./abbreviation-report.ts";

/** Options for `remarkAbbreviations`: the journal profile's `abbreviations` settings. */
export interface Options {
  /** Abbreviations the journal accepts without a definition (`DNA`, `HIV`); default none. */
  allow?: readonly string[];
  /** Fewer uses than this are reported as `abbreviation-few-uses`; 0 (the default) turns it off. */
  minUses?: number;
}

/** What the text does with abbreviations, for `casepress abbreviations`. */
export interface AbbreviationSummary {
  /** Each abbreviation the text defines ("long form (ABBR)", "ABBR (long form)", a legend entry), with its long form as first written. */
  defined: Map<string, string>;
  /** The listed abbreviations the text, tables or legends use. */
  used: Set<string>;
}

const summaries = new WeakMap<VFile, AbbreviationSummary>();

/** The summary `checkAbbreviations` left for `file`, if it ran. */
export function abbreviationSummary(file: VFile): AbbreviationSummary | undefined {
  return summaries.get(file);
}

/** Check the abbreviations of `tree` and mark their uses (see the module doc). */
export function checkAbbreviations(tree: Root, file: VFile, options: Options = {}): void {
  const frontMatter = file.data.frontMatter;
  // Without usable front matter there is no list to check against; its own error says so.
  if (!frontMatter) return;
  const locateFrontMatter = file.data.locateFrontMatter ?? (() => undefined);
  const locator = sourceLocator(file);
  const written = frontMatter.abbreviations ?? {};
  const list = indexList(
    written,
    [...(options.allow ?? []), ...(frontMatter["abbreviations-ignore"] ?? [])],
    {
      authors: frontMatter.authors.map((author) => author.name),
      journals: [...(file.data.referenceItems?.values() ?? [])].flatMap((item) => {
        const title = item["container-title"];
        return typeof title === "string" ? [title] : [];
      }),
    },
  );

  const blocks = collectBlocks(tree, locator);
  for (const key of ["short-title", "title"] as const) {
    const value = frontMatter[key];
    if (value) blocks.unshift(frontMatterBlock(value, locateFrontMatter([key]), locator));
  }
  const unlisted = readUses(blocks, list);
  reportAbbreviations(file, list.listed, unlisted, {
    list: written,
    minUses: options.minUses ?? 0,
    locateFrontMatter,
  });
  markUses(list.listed, locator);

  const defined = new Map<string, string>();
  const used = new Set<string>();
  for (const entry of new Set(list.listed.values())) {
    const written = entry.uses.map((use) => use.definition ?? use.entry).find(Boolean);
    if (written) defined.set(entry.abbreviation, written.longForm);
    if (entry.uses.some((use) => !use.entry)) used.add(entry.abbreviation);
  }
  for (const [key, uses] of unlisted) {
    const first = uses.find((use) => use.definition ?? use.entry);
    const written = first?.definition ?? first?.entry;
    if (written && !defined.has(key)) defined.set(key, written.longForm);
  }
  summaries.set(file, { defined, used });
}

/** unified plugin: check abbreviations and mark their uses (see `checkAbbreviations`). */
export function remarkAbbreviations(options: Options = {}) {
  return (tree: Root, file: VFile) => checkAbbreviations(tree, file, options);
}
