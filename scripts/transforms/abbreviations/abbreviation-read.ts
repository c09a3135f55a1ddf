/**
 * Reading the blocks of a manuscript for abbreviations: every abbreviation-like word becomes a
 * `Use` of a listed entry or of an unlisted key, with the definition written next to it, if
 * any. One pass over the words of each block; every lookup is a Map lookup.
 */
import type { Block } from "./abbreviation-blocks.ts";
import {
  findLongFormStart,
  isExplainedAfter,
  longFormWindow,
  longFormWords,
  normaliseWord,
  sameLongForm,
} from "./abbreviation-long-form.ts";
import {
  abbreviationKey,
  degreeSymbols,
  needsLongForm,
  numeralLabels,
  wordPattern,
} from "./abbreviation-tokens.ts";
import { type Definition, type Listed, push, type Use, type Word } from "./abbreviation-uses.ts";

/** What may separate the words of a long form. */
const gapInLongForm = /^[\s\-‐–'’/]*$/u;
/** ", long form" after an abbreviation in a footnote entry, read from a given offset. */
const entryPattern = /,\s+([^;.]+)/uy;

/** The front matter's list, indexed for the reader. */
export interface AbbreviationList {
  /** Entries by key (plural-free) and, for "IL-6", by the abbreviation as written. */
  listed: Map<string, Listed>;
  /** Multi-part abbreviations ("IL-6") by their first part. */
  multiPart: Map<string, string[]>;
  /** Entries by the first word of their long form. */
  longFormStarts: Map<string, Listed[]>;
  /** Words never reported: the journal's allow-list and `abbreviations-ignore`. */
  ignored: ReadonlySet<string>;
}

/** Index the front matter's `abbreviations:` list. */
export function indexList(
  list: Readonly<Record<string, string>>,
  ignored: Iterable<string>,
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
  return { listed, multiPart, longFormStarts, ignored: new Set(ignored) };
}

/** A block being read: its text and words. */
interface Reading {
  block: Block;
  text: string;
  words: Word[];
}

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
    if (!defines) candidate.longForms.push({ block, start: word.start, end: last.end, order });
  }
}

/** The token at `word`: the word itself, or a listed multi-part abbreviation ("IL-6"). */
function tokenAt(text: string, word: Word, list: AbbreviationList): { token: string; end: number } {
  for (const full of list.multiPart.get(word.value) ?? []) {
    const boundary = text.charAt(word.start + full.length);
    if (text.startsWith(full, word.start) && !/[\p{L}\p{N}]/u.test(boundary)) {
      return { token: full, end: word.start + full.length };
    }
  }
  return { token: word.value, end: word.end };
}

/** Whether an unlisted `token` at word `index` needs no long form. */
function isLeftAlone(reading: Reading, index: number, token: string): boolean {
  if (!needsLongForm(token)) return true;
  const { text, words } = reading;
  const word = words[index];
  const previous = words[index - 1];
  const gapBefore = previous && word ? text.slice(previous.end, word.start) : "";
  const previousValue = previous?.value ?? "";
  const previousWord = previousValue.toLowerCase();
  // "stage IV", not intravenous.
  if (token === "IV" && numeralLabels.has(previousWord)) return true;
  // "Jane Roe, MD, PhD".
  const afterName = /^\p{Lu}\p{Ll}/u.test(previousValue) || degreeSymbols.has(previousValue);
  if (degreeSymbols.has(token) && /^,\s*$/.test(gapBefore) && afterName) return true;
  // Hemoglobin variants are nomenclature: "hemoglobin SC", "Hb SS".
  const hemoglobin = /^(?:hemoglobin|haemoglobin|hb)$/.test(previousWord);
  return hemoglobin && /^[\s-]$/.test(gapBefore) && /^\p{Lu}{1,3}$/u.test(token);
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
  const start = findLongFormStart(
    before.map((w) => w.value),
    letters,
  );
  // Without matching letters it is a parenthetical use ("Yes (aCL)"), not a definition.
  const first = exact ? tail[0] : start !== undefined ? before[start] : undefined;
  if (!first) return undefined;
  return {
    longForm: reading.text.slice(first.start, word.start - 1).trim(),
    start: first.start,
    matches: exact || !entry,
  };
}

/**
 * Read `blocks` in order: each use of a listed abbreviation goes to its entry's `uses`, each
 * listed long form written out to its `longForms`; the uses of unlisted abbreviations are
 * returned by key.
 */
export function readUses(blocks: readonly Block[], list: AbbreviationList): Map<string, Use[]> {
  const unlisted = new Map<string, Use[]>();
  let order = 0;
  for (const block of blocks) {
    const text = block.text;
    const words: Word[] = [];
    for (const match of text.matchAll(wordPattern)) {
      words.push({ value: match[0], start: match.index, end: match.index + match[0].length });
    }
    const reading: Reading = { block, text, words };
    const titleLike = block.scope.kind === "heading" || block.scope.kind === "title";
    // A heading in capitals ("CASE REPORT") is not full of abbreviations.
    const upperOnly = titleLike && !/\p{Ll}/u.test(text);
    const running = block.scope.kind === "running";

    let skipUntil = -1;
    for (const [index, word] of words.entries()) {
      order++;
      if (word.start < skipUntil) continue;
      if (running) recordLongForms(reading, index, list, order);

      const { token, end } = tokenAt(text, word, list);
      if (token !== word.value) skipUntil = end;
      const key = token !== word.value ? token : abbreviationKey(token);
      const entry = list.listed.get(key);
      if (!entry) {
        if (list.ignored.has(token) || list.ignored.has(key) || upperOnly) continue;
        if (isLeftAlone(reading, index, token)) continue;
      }

      const use: Use = { token, key, block, start: word.start, end, order };
      const letters = entry?.key ?? key;
      const written = block.definesInline
        ? footnoteEntry(reading, index, end, letters, entry)
        : undefined;
      if (written) use.entry = written;
      else if (text.charAt(word.start - 1) === "(" && text.charAt(end) === ")") {
        const definition = parenthesisDefinition(reading, index, letters, entry);
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
