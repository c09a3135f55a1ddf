/**
 * Long forms of abbreviations: comparing them, and finding them next to an abbreviation in the
 * text. `findLongFormStart` follows the idea of Schwartz and Hearst (2003): walk the letters of
 * the short form from the end and find each, in order, in the words before the parenthesis; the
 * first letter must start a word.
 */

const alphanumeric = /[\p{L}\p{N}]/u;

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
  if (letters.length === 0 || !/\p{L}/u.test(letters.charAt(0))) return undefined;
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
