/**
 * Check abbreviations against the front matter's `abbreviations:` list and mark every use with
 * `<abbr title>`.
 *
 * The text is read in scopes: the running text (the sections in reading order, without
 * headings, figures and tables), each figure or table on its own (caption, legend, cells and
 * footnotes), and the title and headings. One tokenising pass turns each block of text into
 * words and every lookup is a Map lookup, so the work is linear in the size of the manuscript.
 * The rules are the `abbreviation-*` ids in `rules.ts`; the journal README explains them.
 */
import type { Root } from "mdast";
import type { Point, Position } from "unist";
import type { VFile } from "vfile";
import { report } from "../../diagnostics/diagnostics.ts";
import { sortedAbbreviations } from "../../render/render-front-matter.ts";
import {
  collectBlocks,
  frontMatterBlock,
  type Scope,
  sourceLocator,
} from "./abbreviation-blocks.ts";
import {
  findLongFormStart,
  isExplainedAfter,
  longFormWindow,
  longFormWords,
  normaliseWord,
  sameLongForm,
} from "./abbreviation-long-form.ts";
import { markUses } from "./abbreviation-mark.ts";
import {
  abbreviationKey,
  degreeSymbols,
  intrinsicSkip,
  isAbbreviationLike,
  numeralLabels,
  wordPattern,
} from "./abbreviation-tokens.ts";
import { type Listed, push, type Use, type Word } from "./abbreviation-uses.ts";

/** What may separate the words of a long form. */
const gapInLongForm = /^[\s\-‐–'’/]*$/u;
/** ", long form" after an abbreviation in a footnote entry, read from a given offset. */
const entryPattern = /,\s+([^;.]+)/uy;

/** The label of a float in messages: "Table I", else its id. */
function floatName(file: VFile, scope: Scope): string {
  const label = scope.floatId ? file.data.floats?.get(scope.floatId)?.label : undefined;
  return label ?? `the ${scope.floatKind ?? "float"} \`${scope.floatId ?? "?"}\``;
}

/** " Did you mean `aCL`?" for a listed abbreviation written in other capitals (`ACL`). */
function otherCapitals(token: string, listed: readonly string[]): string {
  const wanted = abbreviationKey(token).toLowerCase();
  const match = listed.find((name) => abbreviationKey(name).toLowerCase() === wanted);
  return match ? ` Did you mean \`${match}\`? Matching is case-sensitive.` : "";
}

/** Text on one line, for messages. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ");
}

/** Options for `remarkAbbreviations`: the journal profile's abbreviation settings. */
export interface Options {
  /** The journal profile's `abbreviations` settings (default: no allow-list, no minimum). */
  abbreviations?: {
    /** Abbreviations the journal accepts without a definition (`DNA`, `HIV`). */
    allow: readonly string[];
    /** Fewer uses than this are reported as `abbreviation-few-uses`; 0 turns the check off. */
    "min-uses": number;
  };
}

/** Check the abbreviations of `tree` and mark their uses (see the module doc). */
export function checkAbbreviations(tree: Root, file: VFile, options: Options = {}): void {
  const frontMatter = file.data.frontMatter;
  // Without usable front matter there is no list to check against; its own error says so.
  if (!frontMatter) return;
  const locateFrontMatter = file.data.locateFrontMatter ?? (() => undefined);
  const locator = sourceLocator(file);
  const list = frontMatter?.abbreviations ?? {};
  const ignored = new Set([
    ...(options.abbreviations?.allow ?? []),
    ...(frontMatter?.["abbreviations-ignore"] ?? []),
  ]);
  const minUses = options.abbreviations?.["min-uses"] ?? 0;

  // The list, by key (plural-free), by first part (for "IL-6") and by first long-form word.
  const listed = new Map<string, Listed>();
  const multiPart = new Map<string, string[]>();
  const longFormStarts = new Map<string, Listed[]>();
  for (const [abbreviation, expansion] of Object.entries(list)) {
    const key = abbreviationKey(abbreviation);
    const entry: Listed = {
      abbreviation,
      key,
      expansion,
      words: longFormWords(expansion),
      uses: [],
      longForms: [],
    };
    listed.set(key, entry);
    const parts = abbreviation.match(wordPattern) ?? [];
    if (parts.length !== 1 || parts[0] !== abbreviation) {
      if (parts[0]) push(multiPart, parts[0], abbreviation);
      listed.set(abbreviation, entry);
    }
    if (entry.words[0]) push(longFormStarts, entry.words[0], entry);
  }

  const blocks = collectBlocks(tree, locator);
  for (const key of ["short-title", "title"] as const) {
    const value = frontMatter?.[key];
    if (value) blocks.unshift(frontMatterBlock(value, locateFrontMatter([key]), locator));
  }

  const unlisted = new Map<string, Use[]>();
  let order = 0;
  for (const block of blocks) {
    const text = block.text;
    const words: Word[] = [];
    for (const match of text.matchAll(wordPattern)) {
      words.push({ value: match[0], start: match.index, end: match.index + match[0].length });
    }
    const titleLike = block.scope.kind === "heading" || block.scope.kind === "title";
    // A heading in capitals ("CASE REPORT") is not full of abbreviations.
    const upperOnly = titleLike && !/\p{Ll}/u.test(text);
    const running = block.scope.kind === "running";

    /** The words right before "(" at word `index`, back to punctuation, at most `limit`. */
    const wordsBefore = (index: number, limit: number): Word[] => {
      const found: Word[] = [];
      for (let at = index - 1; at >= 0 && found.length < limit; at--) {
        const word = words[at];
        const next = words[at + 1];
        if (!word || !next) break;
        const gap = text.slice(word.end, at === index - 1 ? next.start - 1 : next.start);
        if (!gapInLongForm.test(gap) || (at === index - 1 && gap.length === 0)) break;
        found.unshift(word);
      }
      return found;
    };
    /** The words after word `index`, up to the end of the clause, at most `limit`. */
    const wordsAfter = (index: number, limit: number): string[] => {
      const found: string[] = [];
      for (let at = index + 1; at < words.length && found.length < limit; at++) {
        const word = words[at];
        const previous = words[at - 1];
        if (!word || !previous) break;
        if (/[.!?;:()[\]{}\uFFFC]/u.test(text.slice(previous.end, word.start))) break;
        found.push(word.value);
      }
      return found;
    };

    let skipUntil = -1;
    for (const [index, word] of words.entries()) {
      order++;
      if (word.start < skipUntil) continue;

      // A listed long form written out in running text.
      if (running) {
        for (const candidate of longFormStarts.get(normaliseWord(word.value)) ?? []) {
          const last = words[index + candidate.words.length - 1];
          if (!last) continue;
          let same = true;
          for (let offset = 1; offset < candidate.words.length && same; offset++) {
            const current = words[index + offset];
            const previous = words[index + offset - 1];
            same =
              current !== undefined &&
              previous !== undefined &&
              gapInLongForm.test(text.slice(previous.end, current.start)) &&
              normaliseWord(current.value) === candidate.words[offset];
          }
          if (!same) continue;
          const following = words[index + candidate.words.length];
          const defines =
            following !== undefined &&
            /^\s*\($/.test(text.slice(last.end, following.start)) &&
            (abbreviationKey(following.value) === candidate.key ||
              text.startsWith(candidate.abbreviation, following.start));
          if (!defines)
            candidate.longForms.push({ block, start: word.start, end: last.end, order });
        }
      }

      let token = word.value;
      let end = word.end;
      for (const full of multiPart.get(token) ?? []) {
        const boundary = text.charAt(word.start + full.length);
        if (text.startsWith(full, word.start) && !/[\p{L}\p{N}]/u.test(boundary)) {
          token = full;
          end = word.start + full.length;
          skipUntil = end;
          break;
        }
      }
      const key = token !== word.value ? token : abbreviationKey(token);
      const entry = listed.get(key);
      if (!entry) {
        if (ignored.has(token) || ignored.has(key) || upperOnly) continue;
        if (!isAbbreviationLike(token) || intrinsicSkip(token)) continue;
        const previous = words[index - 1];
        const gapBefore = previous ? text.slice(previous.end, word.start) : "";
        const previousValue = previous?.value ?? "";
        const previousWord = previousValue.toLowerCase();
        // "stage IV", not intravenous.
        if (token === "IV" && numeralLabels.has(previousWord)) continue;
        // "Jane Roe, MD, PhD".
        const afterName = /^\p{Lu}\p{Ll}/u.test(previousValue) || degreeSymbols.has(previousValue);
        if (degreeSymbols.has(token) && /^,\s*$/.test(gapBefore) && afterName) continue;
        // Hemoglobin variants are nomenclature: "hemoglobin SC", "Hb SS".
        const hemoglobin = /^(?:hemoglobin|haemoglobin|hb)$/.test(previousWord);
        if (hemoglobin && /^[\s-]$/.test(gapBefore) && /^\p{Lu}{1,3}$/u.test(token)) continue;
      }

      const use: Use = { token, key, block, start: word.start, end, order };
      const letters = entry?.key ?? key;

      // "ABBR, long form" in a table footnote or a figure legend.
      if (block.definesInline) {
        const previous = words[index - 1];
        const before = previous ? text.slice(previous.end, word.start) : text.slice(0, word.start);
        entryPattern.lastIndex = end;
        const after = entryPattern.exec(text);
        const startsSegment = previous ? /[;.]\s*$/.test(before) : before.trim() === "";
        const longForm = after?.[1]?.trim();
        if (after && longForm && startsSegment) {
          const longWords = longForm.match(wordPattern) ?? [];
          const matches = entry ? sameLongForm(longForm, entry.expansion) : true;
          if (matches || findLongFormStart(longWords, letters) !== undefined) {
            use.entry = { longForm, start: end + after[0].indexOf(longForm), matches };
          }
        }
      }

      // "long form (ABBR)".
      if (!use.entry && text.charAt(word.start - 1) === "(" && text.charAt(end) === ")") {
        const listedWords = entry?.words ?? [];
        const before = wordsBefore(
          index,
          Math.max(longFormWindow(letters), listedWords.length + 2),
        );
        const tail = before.slice(-listedWords.length);
        const exact =
          entry !== undefined &&
          listedWords.length > 0 &&
          tail.length === listedWords.length &&
          tail.every((w, i) => normaliseWord(w.value) === listedWords[i]);
        const start = findLongFormStart(
          before.map((w) => w.value),
          letters,
        );
        // Without matching letters it is a parenthetical use ("Yes (aCL)"), not a definition.
        const first = exact ? tail[0] : start !== undefined ? before[start] : undefined;
        if (first) {
          use.definition = {
            longForm: text.slice(first.start, word.start - 1).trim(),
            start: first.start,
            matches: exact || !entry,
          };
        }
      }

      if (entry) {
        entry.uses.push(use);
      } else {
        if (!use.definition && !use.entry) {
          use.explained = isExplainedAfter(wordsAfter(index, 3 + letters.length * 3), letters);
        }
        push(unlisted, key, use);
      }
    }
  }

  const place = (use: Use): Point | undefined => use.block.locate(use.start, use.end);
  const entryPlace = (entry: Listed): Position | undefined =>
    locateFrontMatter(["abbreviations", entry.abbreviation]);
  const definitionText = (entry: Listed) => `“${entry.expansion} (${entry.abbreviation})”`;
  const lineOf = (use: Use) => place(use)?.line ?? "?";
  const listedNames = Object.keys(list);
  const where = (use: Use) => (use.block.scope.kind === "title" ? "the title" : "a heading");

  for (const entry of new Set(listed.values())) {
    const uses = entry.uses.filter((use) => !use.entry);
    if (uses.length === 0) {
      report(
        file,
        "abbreviation-unused",
        `Unused abbreviation \`${entry.abbreviation}\`: it is listed but appears nowhere in the text, tables or legends. Remove it from \`abbreviations:\`, or use it.`,
        entryPlace(entry),
      );
      continue;
    }
    if (minUses > 0 && uses.length < minUses) {
      const times = uses.length === 1 ? "once" : `${uses.length} times`;
      report(
        file,
        "abbreviation-few-uses",
        `Abbreviation \`${entry.abbreviation}\` is used ${times}, fewer than the journal's minimum of ${minUses}; consider writing “${entry.expansion}” instead and removing it from the list.`,
        entryPlace(entry),
      );
    }

    const runningUses = uses.filter((use) => use.block.scope.kind === "running");
    const definitions = runningUses.filter((use) => use.definition);
    const first = runningUses[0];
    const definition = definitions[0];
    if (first && !definition) {
      report(
        file,
        "abbreviation-first-use-undefined",
        `Unexpected first use of \`${first.token}\` without its long form, expected ${definitionText(entry)} where the text first uses it.`,
        place(first),
      );
    } else if (first && definition && first !== definition) {
      report(
        file,
        "abbreviation-used-before-definition",
        `Unexpected \`${first.token}\` before its definition on line ${lineOf(definition)}, expected ${definitionText(entry)} here, at its first use in the text.`,
        place(first),
      );
    }

    for (const use of entry.uses) {
      const written = use.definition ?? use.entry;
      if (!written || written.matches) continue;
      report(
        file,
        "abbreviation-expansion-mismatch",
        `Unexpected long form “${oneLine(written.longForm)}” for \`${entry.abbreviation}\`, expected “${entry.expansion}” as in \`abbreviations:\`; make them agree.`,
        use.block.locate(written.start, written.start + written.longForm.length),
      );
    }

    if (definition) {
      for (const again of definitions.slice(1)) {
        report(
          file,
          "abbreviation-long-form-repeated",
          `Unexpected second definition of \`${entry.abbreviation}\` (first on line ${lineOf(definition)}), expected \`${again.token}\` alone.`,
          place(again),
        );
      }
      for (const written of entry.longForms) {
        if (written.order <= definition.order) continue;
        report(
          file,
          "abbreviation-long-form-repeated",
          `Unexpected long form “${oneLine(written.block.text.slice(written.start, written.end))}” after \`${entry.abbreviation}\` was defined on line ${lineOf(definition)}, expected \`${entry.abbreviation}\`.`,
          written.block.locate(written.start, written.end),
        );
      }
    }

    // Only in tables or legends: each of them must expand it.
    if (runningUses.length === 0) {
      const expandedIn = new Set(
        entry.uses
          .filter((use) => use.entry || use.definition)
          .map((use) => use.block.scope.floatId),
      );
      const checked = new Set<string>();
      for (const use of uses) {
        const id = use.block.scope.floatId;
        if (use.block.scope.kind !== "float" || id === undefined || checked.has(id)) continue;
        checked.add(id);
        const recorded = file.data.floatAbbreviations?.get(id);
        if (expandedIn.has(id) || recorded?.has(entry.abbreviation) || recorded?.has(use.token)) {
          continue;
        }
        const kind = use.block.scope.floatKind ?? "table";
        report(
          file,
          "abbreviation-float-undefined",
          `Unexpected \`${use.token}\` in ${floatName(file, use.block.scope)} without its long form: the text never uses it, so expected “${entry.abbreviation}, ${entry.expansion}” in the ${kind}'s ${kind === "figure" ? "legend" : "footnote"}.`,
          place(use),
        );
      }
    }

    for (const use of uses) {
      if (use.block.scope.kind !== "heading" && use.block.scope.kind !== "title") continue;
      report(
        file,
        "abbreviation-in-heading",
        `Unexpected abbreviation \`${use.token}\` in ${where(use)}, expected the long form “${entry.expansion}”.`,
        place(use),
      );
    }
  }

  for (const [key, uses] of unlisted) {
    const inText: Use[] = [];
    for (const use of uses) {
      if (use.block.scope.kind === "heading" || use.block.scope.kind === "title") {
        report(
          file,
          "abbreviation-in-heading",
          `Unexpected abbreviation \`${use.token}\` in ${where(use)}, expected a long form (\`${use.token}\` is not in \`abbreviations:\` either).`,
          place(use),
        );
      } else {
        inText.push(use);
      }
    }
    const defined = inText.find((use) => use.definition ?? use.entry);
    const written = defined?.definition ?? defined?.entry;
    if (defined && written) {
      report(
        file,
        "abbreviation-unlisted-definition",
        `Unexpected definition of \`${defined.token}\` (“${oneLine(written.longForm)}”) that \`abbreviations:\` does not list; add \`${defined.token}: ${oneLine(written.longForm)}\` to the list.${otherCapitals(key, listedNames)}`,
        place(defined),
      );
      continue;
    }
    const first = inText[0];
    if (!first || (inText.length === 1 && first.explained)) continue;
    const times = inText.length === 1 ? "once" : `${inText.length} times`;
    report(
      file,
      "abbreviation-unlisted",
      `Unexpected abbreviation \`${first.token}\` (used ${times}) that \`abbreviations:\` does not list; add it with its long form, or to \`abbreviations-ignore:\` if it needs none.${otherCapitals(key, listedNames)}`,
      place(first),
    );
  }

  const sorted = sortedAbbreviations(list).map(([abbreviation]) => abbreviation);
  const misplaced = listedNames.findIndex((abbreviation, index) => sorted[index] !== abbreviation);
  const unsorted = listedNames[misplaced];
  if (unsorted !== undefined) {
    report(
      file,
      "abbreviation-list-unsorted",
      `Unexpected \`${unsorted}\` at position ${misplaced + 1} of \`abbreviations:\`, expected the list sorted alphabetically ignoring case (${sorted.join(", ")}). The “Abbreviations used” box is sorted anyway.`,
      locateFrontMatter(["abbreviations", unsorted]),
    );
  }

  markUses(listed, locator);
}

/** unified plugin: check abbreviations and mark their uses (see `checkAbbreviations`). */
export function remarkAbbreviations(options: Options = {}) {
  return (tree: Root, file: VFile) => checkAbbreviations(tree, file, options);
}
