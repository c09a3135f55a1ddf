/**
 * The abbreviations a figure legend or a table footnote defines, read with the same token and
 * long-form rules as the running text (`abbreviation-tokens.ts`, `abbreviation-long-form.ts`),
 * so a legend defines exactly the words the text checker would ask a definition for.
 */
import { findLongFormStart } from "./abbreviation-long-form.ts";
import { abbreviationKey, needsLongForm, wordPattern } from "./abbreviation-tokens.ts";

/** A token as a footnote entry may write it: letters and digits, joined by `/ & + -` (`IL-6`). */
const entryToken = /^[\p{L}\p{N}][\p{L}\p{N}/&+-]{1,11}$/u;

/** Punctuation that ends the clause a long form may lie in. */
const clauseEnd = /[.;:()[\]]/u;

/** The words of `text` with their offsets. */
function wordsOf(text: string): { value: string; start: number }[] {
  return [...text.matchAll(wordPattern)].map((match) => ({ value: match[0], start: match.index }));
}

/**
 * The abbreviations a legend or a table footnote defines, by abbreviation: both the footnote
 * form "aCL, Anticardiolipin antibody; LA, lupus antibody." and the running-text form
 * "hematoxylin-eosin (HE)". Long forms are kept as written.
 */
export function abbreviationDefinitions(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const segment of text.split(/;|\.(?=\s|$)|\n/)) {
    const match = /^\s*([^\s,]+),\s+(\S.*)$/u.exec(segment);
    const token = match?.[1];
    const longForm = match?.[2]?.trimEnd();
    if (!token || !longForm || !entryToken.test(token) || !needsLongForm(token)) continue;
    const words = wordsOf(longForm).map((word) => word.value);
    if (findLongFormStart(words, abbreviationKey(token)) === 0) found.set(token, longForm);
  }
  for (const match of text.matchAll(/\(([^()\s]+)\)/gu)) {
    const token = match[1] ?? "";
    if (!entryToken.test(token) || !needsLongForm(token) || found.has(token)) continue;
    // The long form lies in the same clause, right before the parenthesis.
    let from = match.index;
    while (from > 0 && !clauseEnd.test(text.charAt(from - 1))) from--;
    const clause = text.slice(from, match.index);
    const words = wordsOf(clause);
    const start = findLongFormStart(
      words.map((word) => word.value),
      abbreviationKey(token),
    );
    const first = start === undefined ? undefined : words[start];
    if (first) found.set(token, clause.slice(first.start).trim());
  }
  return found;
}
