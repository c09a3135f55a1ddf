/** What the abbreviation checker records while reading: words, uses, definitions, listed entries. */
import type { Block } from "./abbreviation-blocks.ts";

/** A word of a block. */
export interface Word {
  value: string;
  start: number;
  end: number;
}

/** A long form as the text writes it next to its abbreviation. */
export interface Definition {
  longForm: string;
  /** Where the long form starts, in the block text. */
  start: number;
  /** Whether it matches the list's long form (true for unlisted abbreviations). */
  matches: boolean;
}

/** One appearance of an abbreviation, listed or not. */
export interface Use {
  token: string;
  key: string;
  block: Block;
  start: number;
  end: number;
  /** Reading order across the whole manuscript. */
  order: number;
  /** Written "long form (ABBR)". */
  definition?: Definition;
  /** A footnote or legend entry "ABBR, long form": it defines, it is not a use. */
  entry?: Definition;
  /** Spelled out by the initials of the words right after it ("CREST syndrome, for calcinosis, …"). */
  explained?: boolean;
}

/** A listed abbreviation and what the text does with it. */
export interface Listed {
  abbreviation: string;
  key: string;
  expansion: string;
  /** The normalised words of the expansion. */
  words: string[];
  uses: Use[];
  /** The long form written out in running text, not as part of a definition. */
  longForms: { block: Block; start: number; end: number; order: number }[];
}

/** Append `value` to the list at `key`. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}

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
  /** The initials of the manuscript's authors (`DVK`), left alone in statements about people. */
  initials: ReadonlySet<string>;
  /** First words of the cited journals' titles (`BMC` of "BMC Med Genet"): names, not abbreviations. */
  journalWords: ReadonlySet<string>;
}
