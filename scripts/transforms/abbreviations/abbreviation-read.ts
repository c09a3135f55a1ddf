/**
 * Reading the blocks of a manuscript for abbreviations: every abbreviation-like word becomes a
 * `Use` of a listed entry or of an unlisted key, with the definition written next to it, if
 * any. One pass over the words of each block; every lookup is a Map lookup.
 */
import type { Block } from "./abbreviation-blocks.ts";
import { exemptionOf, type Reading } from "./abbreviation-context.ts";
import { authorInitials } from "./abbreviation-exemptions.ts";
import {
  findInitialsLongFormStart,
  findLongFormStart,
  findReorderedLongFormStart,
  isExplainedAfter,
  longFormWindow,
  longFormWords,
  normaliseWord,
  sameLongForm,
  sameWordsAnyOrder,
} from "./abbreviation-long-form.ts";
import {
  abbreviationKey,
  isAbbreviationLike,
  needsLongForm,
  wordPattern,
} from "./abbreviation-tokens.ts";
import {
  type AbbreviationList,
  type Definition,
  type Listed,
  push,
  type Use,
  type Word,
} from "./abbreviation-uses.ts";

export type { AbbreviationList } from "./abbreviation-uses.ts";

/** What may separate the words of a long form. */
const gapInLongForm = /^[\s\-‐–'’/]*$/u;
/** ", long form" after an abbreviation in a footnote entry, read from a given offset. */
const entryPattern = /,\s+([^;.]+)/uy;

/** What the reader needs to know about the manuscript besides its list. */
export interface ReadingContext {
  /** The authors' names as the front matter writes them. */
  authors?: readonly string[];
  /** The titles of the cited journals. */
  journals?: readonly string[];
}

/** Index the front matter's `abbreviations:` list. */
export function indexList(
  list: Readonly<Record<string, string>>,
  ignored: Iterable<string>,
  context: ReadingContext = {},
): AbbreviationList {
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
  const initials = new Set((context.authors ?? []).flatMap(authorInitials));
  const journalWords = new Set<string>();
  for (const title of context.journals ?? []) {
    const first = title.match(wordPattern)?.[0];
    if (first && needsLongForm(first)) journalWords.add(first);
  }
  return { listed, multiPart, longFormStarts, ignored: new Set(ignored), initials, journalWords };
}

/** Hyphens and dashes that join the parts of an abbreviation (`IL-6`, `ICMPS‐SF`, `6‑MP`). */
const hyphens = /^[-‐‑‒–]$/u;
/** What may follow the first part of a joined abbreviation: `IL-6`, `TNF-α`, `MHC-II`, `-SF`. */
const joinedTail = /^(?:\p{N}+\p{Ll}?|\p{Script=Greek}+|[IVX]+|\p{Lu}{1,2})$/u;

/** The words right before "(" at word `index`, back to punctuation, at most `limit`. */
function wordsBefore({ text, words }: Reading, index: number, limit: number): Word[] {
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
}

/** The words after word `index`, up to the end of the clause, at most `limit`. */
function wordsAfter({ text, words }: Reading, index: number, limit: number): string[] {
  const found: string[] = [];
  for (let at = index + 1; at < words.length && found.length < limit; at++) {
    const word = words[at];
    const previous = words[at - 1];
    if (!word || !previous) break;
    if (/[.!?;:()[\]{}\uFFFC]/u.test(text.slice(previous.end, word.start))) break;
    found.push(word.value);
  }
  return found;
}

/** Record a listed long form written out at word `index` (not as "long form (ABBR)"). */
function recordLongForms(reading: Reading, index: number, list: AbbreviationList, order: number) {
  const { block, text, words } = reading;
  const word = words[index];
  if (!word) return;
  for (const candidate of list.longFormStarts.get(normaliseWord(word.value)) ?? []) {
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
    // "RAST (radioallergosorbent test)": the long form of a definition, abbreviation first.
    const previous = words[index - 1];
    const definedBefore =
      previous !== undefined &&
      /^\s*\($/.test(text.slice(previous.end, word.start)) &&
      (abbreviationKey(previous.value) === candidate.key ||
        text.endsWith(candidate.abbreviation, previous.end)) &&
      text.charAt(last.end) === ")";
    if (!defines && !definedBefore) {
      candidate.longForms.push({ block, start: word.start, end: last.end, order });
    }
  }
}

/**
 * The token at word `index`: the word itself, a listed multi-part abbreviation ("IL-6"), or two
 * words joined by one hyphen or dash that make one abbreviation: a number before an
 * abbreviation (`6-MP`), or an abbreviation before a number, Greek letters, a Roman numeral or
 * one or two capitals (`COVID-19`, `TNF-α`, `MHC-II`, `ICMPS‐SF`). Parts that are listed on
 * their own stay apart.
 */
function tokenAt(
  { text, words }: Reading,
  index: number,
  list: AbbreviationList,
): { token: string; end: number } {
  const word = words[index];
  if (!word) return { token: "", end: 0 };
  for (const full of list.multiPart.get(word.value) ?? []) {
    const boundary = text.charAt(word.start + full.length);
    if (text.startsWith(full, word.start) && !/[\p{L}\p{N}]/u.test(boundary)) {
      return { token: full, end: word.start + full.length };
    }
  }
  const next = words[index + 1];
  if (
    next &&
    next.start === word.end + 1 &&
    hyphens.test(text.charAt(word.end)) &&
    !list.listed.has(abbreviationKey(word.value)) &&
    !list.listed.has(abbreviationKey(next.value))
  ) {
    const numberFirst = /^\p{N}+$/u.test(word.value) && needsLongForm(next.value);
    const tailAfter = isAbbreviationLike(word.value) && joinedTail.test(next.value);
    if (numberFirst || tailAfter) {
      return { token: text.slice(word.start, next.end), end: next.end };
    }
  }
  return { token: word.value, end: word.end };
}

/** "ABBR, long form" at word `index` of a table footnote or a figure legend. */
function footnoteEntry(
  reading: Reading,
  index: number,
  end: number,
  letters: string,
  entry: Listed | undefined,
): Definition | undefined {
  const { text, words } = reading;
  const word = words[index];
  if (!word) return undefined;
  const previous = words[index - 1];
  const before = previous ? text.slice(previous.end, word.start) : text.slice(0, word.start);
  entryPattern.lastIndex = end;
  const after = entryPattern.exec(text);
  const startsSegment = previous ? /[;.]\s*$/.test(before) : before.trim() === "";
  const longForm = after?.[1]?.trim();
  if (!after || !longForm || !startsSegment) return undefined;
  const longWords = longForm.match(wordPattern) ?? [];
  const matches = entry ? sameLongForm(longForm, entry.expansion) : true;
  if (!matches && findLongFormStart(longWords, letters) === undefined) return undefined;
  return { longForm, start: end + after[0].indexOf(longForm), matches };
}

/** "long form (ABBR)" ending at word `index`. */
function parenthesisDefinition(
  reading: Reading,
  index: number,
  letters: string,
  entry: Listed | undefined,
): Definition | undefined {
  const word = reading.words[index];
  if (!word) return undefined;
  const listedWords = entry?.words ?? [];
  const before = wordsBefore(
    reading,
    index,
    Math.max(longFormWindow(letters), listedWords.length + 2),
  );
  const tail = before.slice(-listedWords.length);
  const exact =
    entry !== undefined &&
    listedWords.length > 0 &&
    tail.length === listedWords.length &&
    tail.every((w, i) => normaliseWord(w.value) === listedWords[i]);
  const values = before.map((w) => w.value);
  const start =
    findLongFormStart(values, letters) ??
    findReorderedLongFormStart(values, letters) ??
    findInitialsLongFormStart(values, letters);
  // Without matching letters it is a parenthetical use ("Yes (aCL)"), not a definition.
  const first = exact ? tail[0] : start !== undefined ? before[start] : undefined;
  if (!first) return undefined;
  return {
    longForm: reading.text.slice(first.start, word.start - 1).trim(),
    start: first.start,
    matches:
      exact ||
      !entry ||
      sameWordsAnyOrder(reading.text.slice(first.start, word.start - 1), entry.expansion),
  };
}

/**
 * "ABBR (long form)" after the token ending at `end`: the parenthesis holds the long form alone,
 * which starts with the abbreviation's first letter and holds its letters in order
 * ("RAST (radioallergosorbent test)").
 */
function longFormAfter(
  { text }: Reading,
  end: number,
  letters: string,
  entry: Listed | undefined,
): Definition | undefined {
  if (!text.startsWith(" (", end)) return undefined;
  const near = text.slice(end + 2, end + 123);
  const close = near.indexOf(")");
  const inside = close < 0 ? "" : near.slice(0, close);
  if (inside === "" || inside.length > 120 || /[()[\]\uFFFC]/u.test(inside)) return undefined;
  const words = inside.match(wordPattern) ?? [];
  if (words.length < 1 || words.some((word) => needsLongForm(word))) return undefined;
  if (findLongFormStart(words, letters) !== 0) return undefined;
  const matches = entry ? sameLongForm(inside, entry.expansion) : true;
  return { longForm: inside.trim(), start: end + 2, matches };
}

/** The statement a heading opens, when it lists people. */
function statementOf(heading: string): Reading["statement"] {
  if (/contribut/i.test(heading)) return "contributions";
  if (/acknowledg/i.test(heading)) return "acknowledgments";
  return undefined;
}

/** Words written in italics anywhere in `blocks`, and the gene families among them (`SDHx`). */
function italicWords(blocks: readonly Block[]): { italic: Set<string>; families: Set<string> } {
  const italic = new Set<string>();
  const families = new Set<string>();
  for (const block of blocks) {
    for (const segment of block.segments) {
      if (segment.parent.type !== "emphasis") continue;
      for (const match of segment.node.value.matchAll(wordPattern)) {
        const word = match[0];
        if (!needsLongForm(word) && !/^\p{Lu}{2,}\p{Ll}$/u.test(word)) continue;
        italic.add(word);
        if (/^\p{Lu}{2,}x$/u.test(word)) families.add(word.slice(0, -1));
      }
    }
  }
  return { italic, families };
}

/**
 * Read `blocks` in order: each use of a listed abbreviation goes to its entry's `uses`, each
 * listed long form written out to its `longForms`; the uses of unlisted abbreviations are
 * returned by key.
 */
export function readUses(blocks: readonly Block[], list: AbbreviationList): Map<string, Use[]> {
  const unlisted = new Map<string, Use[]>();
  const { italic, families } = italicWords(blocks);
  let statement: Reading["statement"];
  let order = 0;
  for (const block of blocks) {
    const text = block.text;
    const words: Word[] = [];
    for (const match of text.matchAll(wordPattern)) {
      words.push({ value: match[0], start: match.index, end: match.index + match[0].length });
    }
    if (block.scope.kind === "heading") statement = statementOf(text);
    const reading: Reading = { block, text, words, statement, italic, families };
    const titleLike = block.scope.kind === "heading" || block.scope.kind === "title";
    // A heading in capitals ("CASE REPORT") is not full of abbreviations.
    const upperOnly = titleLike && !/\p{Ll}/u.test(text);
    const running = block.scope.kind === "running";

    let skipUntil = -1;
    for (const [index, word] of words.entries()) {
      order++;
      if (word.start < skipUntil) continue;
      if (running) recordLongForms(reading, index, list, order);

      const { token, end } = tokenAt(reading, index, list);
      if (token !== word.value) skipUntil = end;
      const key = token !== word.value ? token : abbreviationKey(token);
      const entry = list.listed.get(key);
      if (!entry) {
        if (list.ignored.has(token) || list.ignored.has(key) || upperOnly) continue;
        if (exemptionOf(reading, index, token, end, list) !== undefined) continue;
      }

      const use: Use = { token, key, block, start: word.start, end, order };
      const letters = entry?.key ?? key;
      const written = block.definesInline
        ? footnoteEntry(reading, index, end, letters, entry)
        : undefined;
      if (written) use.entry = written;
      else if (text.charAt(word.start - 1) === "(" && /^[);,]$/.test(text.charAt(end))) {
        const definition = parenthesisDefinition(reading, index, letters, entry);
        if (definition) use.definition = definition;
      }
      if (!use.definition && !use.entry) {
        const definition = longFormAfter(reading, end, letters, entry);
        if (definition) use.definition = definition;
      }

      if (entry) {
        entry.uses.push(use);
      } else {
        if (!use.definition && !use.entry) {
          use.explained = isExplainedAfter(
            wordsAfter(reading, index, 3 + letters.length * 3),
            letters,
          );
        }
        push(unlisted, key, use);
      }
    }
  }
  return unlisted;
}
