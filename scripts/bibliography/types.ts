/**
 * The shapes a bibliography is read into and handed out as: CSL-JSON items, entries with their
 * place in the file, problems, and the reference formatter's interface. Types only.
 */

/** A person or organisation in CSL-JSON. */
export interface CslName {
  family?: string;
  given?: string;
  /** A name printed as written, such as an organisation. */
  literal?: string;
  "non-dropping-particle"?: string;
  "dropping-particle"?: string;
  suffix?: string;
}

/** A CSL-JSON date: `{"date-parts": [[2011, 7]]}`, or a `raw`/`literal` string. */
export interface CslDate {
  "date-parts"?: number[][];
  raw?: string;
  literal?: string;
  season?: string | number;
  circa?: string | number | boolean;
}

/**
 * One reference as CSL-JSON (CSL 1.0.2 variable names). Numbers given for text variables
 * (`volume: 65`) are turned into strings when a bibliography is read. Other CSL variables
 * and project-specific keys are allowed.
 */
export interface CslItem {
  /** The citation key. */
  id: string;
  /** A CSL item type such as `article-journal`, `book` or `chapter`. */
  type?: string;
  author?: CslName[];
  editor?: CslName[];
  title?: string;
  /** The journal's full name. */
  "container-title"?: string;
  /** The journal's NLM abbreviation, printed by the JAAD style. */
  "container-title-short"?: string;
  volume?: string;
  issue?: string;
  page?: string;
  issued?: CslDate;
  accessed?: CslDate;
  DOI?: string;
  PMID?: string;
  PMCID?: string;
  URL?: string;
  ISSN?: string;
  ISBN?: string;
  publisher?: string;
  "publisher-place"?: string;
  edition?: string;
  "citation-key"?: string;
  [variable: string]: unknown;
}

/** One bibliography file as read by the loader (the loader does the I/O, not this module). */
export interface BibliographySource {
  /** The file's path, used for the format (by extension) and in problems. */
  path: string;
  /** The file's text. */
  text: string;
}

/** The rule ids this module reports. */
export type BibliographyRuleId =
  | "bibliography-malformed"
  | "bibliography-duplicate-key"
  | "bibliography-duplicate-doi"
  | "bibliography-entry-incomplete"
  | "bibliography-expansion-limit";

/**
 * A problem in a bibliography file, with a 1-based line and column in that file. Its severity
 * comes from the rule registry (scripts/diagnostics/rules.ts) and the journal profile.
 */
export interface BibliographyProblem {
  /** The bibliography file's path, as given in the source. */
  file: string;
  line: number;
  column: number;
  /** A kebab-case rule id (see {@link BibliographyRuleId}). */
  rule: BibliographyRuleId;
  /** What was found, what was expected, and what to do. */
  message: string;
}

/**
 * One entry of a bibliography file. The position points at the entry's key: the `"id"`
 * member in JSON, the `@` of `@article{key,` in BibTeX, and the `TY` line in RIS.
 */
export interface BibliographyEntry {
  /** The citation key (`id` in JSON, the entry key in BibTeX, the `ID` tag or `ris-N` in RIS). */
  key: string;
  item: CslItem;
  file: string;
  line: number;
  column: number;
}

/** What {@link parseBibliography} returns: the readable entries and every problem found. */
export interface BibliographyResult {
  /** Entries in file order. A second entry with an already used key is left out. */
  entries: BibliographyEntry[];
  problems: BibliographyProblem[];
}

/** A CSL style: a name (for caching and messages) and the style's XML. */
export interface CslStyle {
  name: string;
  xml: string;
}

/** Formats references with one CSL style; made by {@link createReferenceFormatter}. */
export interface ReferenceFormatter {
  /** The style's name, as given. */
  readonly name: string;
  /** The locale used: the one asked for, else the style's default, else `en-US`. */
  readonly locale: string;
  /**
   * Format items already in citation-number order, in one pass. Returns one HTML string per
   * item, in the same order, with italics as `<i>`, without the wrapping `<div>` and without
   * the leading reference number.
   */
  format(items: readonly CslItem[]): string[];
}
