/**
 * Shared by the bibliography tests: paths, the two journal formatters, the reference article's
 * items, and the one-line form of a problem that the fixtures' `expected-problems.txt` use.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import {
  type BibliographyProblem,
  type CslItem,
  createReferenceFormatter,
  parseBibliography,
} from "../../scripts/bibliography/bibliography.ts";
import { rules } from "../../scripts/diagnostics/rules.ts";

/** The repository's root. */
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Fixture folders: `input.<ext>` with `expected-problems.txt`, `expected-entries.txt`… */
export const fixtures = path.join(repo, "tests/fixtures/bibliography");
/** The reference article's CSL-JSON and its reference list as printed. */
export const references = path.join(repo, "tests/fixtures/references");

/** Read a UTF-8 file. */
export const read = (file: string) => readFileSync(file, "utf8");
/** The non-empty lines of a text. */
export const lines = (text: string) => text.split("\n").filter((line) => line !== "");

/** The JAAD Case Reports style. */
export const jaad = createReferenceFormatter({
  name: "jaad-case-reports",
  xml: read(path.join(repo, "templates/jaad-case-reports/jaad.csl")),
});
/** The preprint style. */
export const preprint = createReferenceFormatter({
  name: "preprint",
  xml: read(path.join(repo, "templates/preprint/preprint.csl")),
});

/** The reference list as `references-expected.txt` writes it: numbered, `*italics*`. */
export const asPrinted = (html: string[]) =>
  html.map(
    (entry, index) => `${index + 1}. ${entry.replaceAll("<i>", "*").replaceAll("</i>", "*")}`,
  );

/** The reference article's 12 items, read without problems. */
export const seedItems = (): CslItem[] => {
  const parsed = parseBibliography({
    path: "references.csl.json",
    text: read(path.join(references, "references.csl.json")),
  });
  expect(parsed.problems).toEqual([]);
  return parsed.entries.map((entry) => entry.item);
};

/** `line:column severity rule message`, the severity from the rule registry. */
export const problemLine = (problem: BibliographyProblem) =>
  `${problem.line}:${problem.column} ${rules[problem.rule].severity} ${problem.rule} ${problem.message}`;

/** Parse a text as a file with this name. */
export const parse = (file: string, text: string) => parseBibliography({ path: file, text });
