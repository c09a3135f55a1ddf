/**
 * Bibliographies: read CSL-JSON, BibTeX/BibLaTeX and RIS files into CSL items with a position
 * for every entry and every problem, and format references with a journal's CSL style. The
 * rest of Casepress imports from this file only.
 *
 * Nothing here reads files or touches the network: the loader passes the text in. One reader
 * per format (csl-json.ts, bibtex.ts, ris.ts) finds entries and syntax problems;
 * normalize.ts cleans and checks the items; format.ts prints them; citation-js.ts is the one
 * file that imports citation-js.
 */
import { readBibtex } from "./bibtex.ts";
import { readCslJson } from "./csl-json.ts";
import { checkComplete, checkDoi, normaliseItem } from "./normalize.ts";
import {
  errorMessage,
  type Positions,
  positions,
  type RawEntry,
  type RawProblem,
  type ReaderResult,
} from "./reader.ts";
import { readRis } from "./ris.ts";
import type { BibliographyEntry, BibliographyResult, BibliographySource } from "./types.ts";

export { createReferenceFormatter } from "./format.ts";
export { narrativeNames } from "./narrative.ts";
export type {
  BibliographyEntry,
  BibliographyProblem,
  BibliographyResult,
  BibliographyRuleId,
  BibliographySource,
  CslDate,
  CslItem,
  CslName,
  CslStyle,
  ReferenceFormatter,
} from "./types.ts";

/**
 * Read one bibliography file. The format follows the extension: `.json` (CSL-JSON),
 * `.bib`/`.bibtex` (BibTeX and BibLaTeX, so `journaltitle` and `shortjournal` keep the NLM
 * abbreviation) and `.ris`. Never throws: every malformed input ends as problems, and every
 * entry that can be read is returned.
 */
export function parseBibliography(source: BibliographySource): BibliographyResult {
  // Editors do not count a byte order mark as a column, so positions are taken without it.
  const text = source.text.startsWith("\uFEFF") ? source.text.slice(1) : source.text;
  const index = positions(text);
  let read: ReaderResult;
  try {
    read = readByFormat(source.path, text, index);
  } catch (error) {
    // A bug or an input citation-js chokes on in a way the readers did not foresee.
    read = {
      entries: [],
      problems: [
        {
          offset: 0,
          rule: "bibliography-malformed",
          message: `Unexpected failure while reading the bibliography: ${errorMessage(error)}. Expected a readable file; check its syntax, and report this if it looks valid.`,
        },
      ],
    };
  }

  const problems: RawProblem[] = [...read.problems];
  const entries: BibliographyEntry[] = [];
  const keys = new Map<string, RawEntry>();
  const dois = new Map<string, RawEntry>();
  for (const raw of read.entries) {
    const item = normaliseItem(raw, problems);
    const first = keys.get(raw.key);
    if (first) {
      const where = index.at(first.offset);
      problems.push({
        offset: raw.offset,
        rule: "bibliography-duplicate-key",
        message: `Duplicate key \`${raw.key}\`: it is already used by the entry at line ${where.line}, expected each key once. Rename one of them (the first is kept).`,
      });
      continue;
    }
    keys.set(raw.key, raw);
    checkDoi(raw, item, dois, index, problems);
    checkComplete(raw, item, problems);
    const at = index.at(raw.offset);
    entries.push({ key: raw.key, item, file: source.path, line: at.line, column: at.column });
  }

  return {
    entries,
    problems: problems
      .sort((a, b) => a.offset - b.offset)
      .map(({ offset, rule, message }) => ({
        file: source.path,
        ...index.at(offset),
        rule,
        message,
      })),
  };
}

function readByFormat(path: string, text: string, index: Positions): ReaderResult {
  const extension = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  switch (extension) {
    case "json":
      return readCslJson(text, index);
    case "bib":
    case "bibtex":
      return readBibtex(text, index);
    case "ris":
      return readRis(text, index);
    default:
      return {
        entries: [],
        problems: [
          {
            offset: 0,
            rule: "bibliography-malformed",
            message: `Unknown bibliography format ${extension ? `\`.${extension}\`` : "(no extension)"}, expected a \`.json\` (CSL-JSON), \`.bib\`/\`.bibtex\` or \`.ris\` file. Export the references in one of these formats.`,
          },
        ],
      };
  }
}
