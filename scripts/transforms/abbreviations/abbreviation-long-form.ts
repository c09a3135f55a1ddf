/**
 * Long forms of abbreviations: comparing them, and finding them next to an abbreviation in the
 * text. `findLongFormStart` follows the idea of Schwartz and Hearst (2003): walk the letters of
 * the short form from the end and find each, in order, in the words before the parenthesis; the
 * first letter must start a word.
 */

const alphanumeric = /[\p{L}\p{N}]/u;

/** Small words a long form may hold whose initials the abbreviation leaves out. */
const smallWords = new Set([
  "of",
  "the",
  "and",
  "in",
  "for",
  "with",
  "to",
  "a",
  "an",
  "on",
  "by",
  "or",
  "at",
]);

/** A word lowercased and without a plural ending, so "Antibodies" and "antibody" compare equal. */
export function normaliseWord(word: string): string {
  const lower = word.toLowerCase();
  if (lower.length > 3 && lower.endsWith("ies")) return `${lower.slice(0, -3)}y`;
  if (lower.length > 2 && lower.endsWith("s") && !lower.endsWith("ss")) return lower.slice(0, -1);
  return lower;
}

/** The normalised words of a long form (split on anything that is not a letter or digit). */
export function longFormWords(text: string): string[] {
  return (text.match(/[\p{L}\p{M}\p{N}]+/gu) ?? []).map(normaliseWord);
}

/** Whether two long forms are the same, ignoring case, hyphens, spacing and plural endings. */
export function sameLongForm(a: string, b: string): boolean {
  const left = longFormWords(a);
  const right = longFormWords(b);
  return left.length === right.length && left.every((word, index) => word === right[index]);
}

/** Whether two long forms hold the same words in any order, small words aside ("Paragangliomas of the head and neck" and "Head and neck paraganglioma"). */
export function sameWordsAnyOrder(a: string, b: string): boolean {
  const content = (text: string) =>
    longFormWords(text)
      .filter((word) => !smallWords.has(word))
      .sort();
  const left = content(a);
  const right = content(b);
  return left.length === right.length && left.every((word, index) => word === right[index]);
}

/** The letters and digits of a short form, lowercased, without a plural `s` (`APLAs` → `apla`). */
export function shortFormLetters(key: string): string {
  return [...key.toLowerCase()].filter((char) => alphanumeric.test(char)).join("");
}

/** How many words before an abbreviation may hold its long form. */
export function longFormWindow(key: string): number {
  const length = shortFormLetters(key).length;
  return Math.min(length + 5, length * 2);
}

/**
 * The index in `words` (the words right before "(ABBR)", in reading order) where the long form
 * of `key` starts, or undefined when the letters of `key` cannot be found in order with the
 * first letter starting a word. Only the last `longFormWindow(key)` words are considered.
 */
export function findLongFormStart(words: readonly string[], key: string): number | undefined {
  const letters = shortFormLetters(key);
  // The first character may be a digit, as in "6-mercaptopurine (6-MP)".
  if (letters.length === 0 || !alphanumeric.test(letters.charAt(0))) return undefined;
  const first = Math.max(0, words.length - longFormWindow(key));
  const starts: number[] = [];
  let text = "";
  for (let index = first; index < words.length; index++) {
    if (index > first) text += " ";
    starts.push(text.length);
    text += (words[index] ?? "").toLowerCase();
  }
  let position = text.length - 1;
  for (let letter = letters.length - 1; letter >= 0; letter--) {
    const wanted = letters.charAt(letter);
    while (
      position >= 0 &&
      (text.charAt(position) !== wanted ||
        (letter === 0 && position > 0 && alphanumeric.test(text.charAt(position - 1))))
    ) {
      position--;
    }
    if (position < 0) return undefined;
    if (letter > 0) position--;
  }
  let word = starts.length - 1;
  while (word > 0 && (starts[word] ?? 0) > position) word--;
  return first + word;
}

/**
 * Whether the words right after an abbreviation spell it out by their initials, as in
 * "CREST syndrome, for calcinosis, Raynaud phenomenon, esophageal dysmotility, sclerodactyly,
 * and telangiectasia". The first matching word must be among the first three; words in between
 * may be skipped ("phenomenon", "and").
 */
export function isExplainedAfter(words: readonly string[], key: string): boolean {
  const letters = shortFormLetters(key).replace(/\d/g, "");
  if (letters.length < 2) return false;
  const limit = Math.min(words.length, 3 + letters.length * 3);
  for (let start = 0; start < Math.min(3, limit); start++) {
    if ((words[start] ?? "").charAt(0).toLowerCase() !== letters.charAt(0)) continue;
    let letter = 1;
    for (let index = start + 1; index < limit && letter < letters.length; index++) {
      if ((words[index] ?? "").charAt(0).toLowerCase() === letters.charAt(letter)) letter++;
    }
    if (letter === letters.length) return true;
  }
  return false;
}

/** Whether `chunk` spells part of `word`: its first letter starts the word, the rest follow in order. */
function spells(chunk: string, word: string): boolean {
  if (chunk.charAt(0) !== word.charAt(0)) return false;
  let at = 1;
  for (const char of chunk.slice(1)) {
    at = word.indexOf(char, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

/** Steps `spellsInAnyOrder` may take for one long form; past it the search gives up. */
const reorderBudget = 2000;

/** Steps taken by the reordered-long-form search, counted so a test can bound the work. */
export const reorderWork = { steps: 0 };

/**
 * Whether `letters` split, in order, into pieces that spell each of `words` once, in any order.
 * `budget.left` bounds the search: words with the same initials could make it factorial.
 */
function spellsInAnyOrder(
  letters: string,
  words: readonly string[],
  used: boolean[],
  budget: { left: number },
): boolean {
  if (letters === "") return used.every(Boolean);
  for (const [index, word] of words.entries()) {
    if (used[index] || word.charAt(0) !== letters.charAt(0)) continue;
    used[index] = true;
    for (let length = 1; length <= letters.length; length++) {
      reorderWork.steps++;
      if (--budget.left < 0 || !spells(letters.slice(0, length), word)) break;
      if (spellsInAnyOrder(letters.slice(length), words, used, budget)) return true;
    }
    used[index] = false;
    if (budget.left < 0) return false;
  }
  return false;
}

/**
 * The index in `words` where a long form whose words the abbreviation takes in another order
 * starts: "Paragangliomas of the head and neck (HNPGLs)" (head, neck, paraganglioma). Each word
 * other than a small word ("of", "the") gives the abbreviation one run of letters, its first
 * letter first; every such word is used once. The nearest start that works wins.
 */
export function findReorderedLongFormStart(
  words: readonly string[],
  key: string,
): number | undefined {
  const letters = shortFormLetters(key);
  if (letters.length < 2 || letters.length > 12) return undefined;
  const first = Math.max(0, words.length - longFormWindow(key));
  const budget = { left: reorderBudget };
  for (let start = words.length - 2; start >= first; start--) {
    const head = (words[start] ?? "").toLowerCase();
    if (smallWords.has(head)) continue;
    const content = words
      .slice(start)
      .map((word) => word.toLowerCase())
      .filter((word) => !smallWords.has(word));
    if (content.length < 2 || content.length > letters.length) continue;
    if (
      spellsInAnyOrder(
        letters,
        content,
        content.map(() => false),
        budget,
      )
    )
      return start;
    if (budget.left < 0) return undefined;
  }
  return undefined;
}

/**
 * The index in `words` where a long form starts whose initials agree with the abbreviation's
 * letters, word for word, in all places but one: "Glasgow Composite Measure Pain Scale Short
 * Form (ICMPS-SF)". Only for abbreviations of four letters or more, so one slip cannot make a
 * definition of a short one.
 */
export function findInitialsLongFormStart(
  words: readonly string[],
  key: string,
): number | undefined {
  const letters = shortFormLetters(key).replace(/\d/g, "");
  if (letters.length < 4 || words.length < letters.length) return undefined;
  const start = words.length - letters.length;
  let misses = 0;
  for (const [index, letter] of [...letters].entries()) {
    if ((words[start + index] ?? "").charAt(0).toLowerCase() !== letter) misses++;
  }
  return misses <= 1 ? start : undefined;
}
