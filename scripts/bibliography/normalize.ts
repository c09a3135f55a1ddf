/**
 * Normalising and checking entries once a reader has produced them: variable shapes (names,
 * dates, text), DOIs, capital initials, duplicate DOIs and the fields a journal article needs.
 */
import {
  describeKind,
  isRecord,
  type Positions,
  quote,
  type RawEntry,
  type RawProblem,
} from "./reader.ts";
import type { CslDate, CslItem, CslName } from "./types.ts";

const NAME_VARIABLES = new Set([
  "author",
  "chair",
  "collection-editor",
  "compiler",
  "composer",
  "container-author",
  "contributor",
  "curator",
  "director",
  "editor",
  "editorial-director",
  "executive-producer",
  "guest",
  "host",
  "illustrator",
  "interviewer",
  "narrator",
  "organizer",
  "original-author",
  "performer",
  "producer",
  "recipient",
  "reviewed-author",
  "script-writer",
  "series-creator",
  "translator",
]);

const DATE_VARIABLES = new Set([
  "accessed",
  "available-date",
  "event-date",
  "issued",
  "original-date",
  "submitted",
]);

const TEXT_VARIABLES = new Set([
  "type",
  "title",
  "title-short",
  "container-title",
  "container-title-short",
  "collection-title",
  "volume",
  "issue",
  "page",
  "page-first",
  "number",
  "edition",
  "DOI",
  "PMID",
  "PMCID",
  "URL",
  "ISSN",
  "ISBN",
  "publisher",
  "publisher-place",
  "genre",
  "language",
  "note",
  "citation-key",
  "number-of-pages",
  "supplement",
  "section",
  "source",
  "status",
]);

const NAME_PARTS = [
  "family",
  "given",
  "literal",
  "non-dropping-particle",
  "dropping-particle",
  "suffix",
] as const;

/**
 * Check the shapes of an entry's variables and make a clean {@link CslItem}: numbers in text
 * variables become strings, a DOI loses any `https://doi.org/` or `doi:` prefix, and given
 * names written as capital initials (`DR`, which citeproc would shorten to `D`) become
 * `D. R.`. A variable with the wrong shape is reported and left out.
 */
export function normaliseItem(raw: RawEntry, problems: RawProblem[]): CslItem {
  const item: CslItem = { id: raw.key };
  const report = (variable: string, found: string, expected: string) => {
    problems.push({
      offset: raw.fields.get(variable) ?? raw.offset,
      rule: "bibliography-malformed",
      message: `Entry \`${raw.key}\`: \`${variable}\` is ${found}, expected ${expected}. Fix the value; it is ignored until then.`,
    });
  };
  for (const [variable, value] of Object.entries(raw.data)) {
    if (variable === "id" || value === undefined) continue;
    if (NAME_VARIABLES.has(variable)) {
      if (!Array.isArray(value)) {
        report(
          variable,
          describeKind(value),
          'a list of names such as `[{"family": "Miller", "given": "D. R."}]`',
        );
        continue;
      }
      const names: CslName[] = [];
      value.forEach((name: unknown, position) => {
        const clean = normaliseName(name);
        if (clean) names.push(clean);
        else {
          report(
            variable,
            `${typeof name === "string" ? `the string ${quote(name)}` : describeKind(name)} at position ${position + 1}`,
            'a name object such as `{"family": "Miller", "given": "D. R."}` or `{"literal": "WHO"}`',
          );
        }
      });
      if (names.length > 0) item[variable] = names;
      continue;
    }
    if (DATE_VARIABLES.has(variable)) {
      const date = normaliseDate(value);
      if (date) item[variable] = date;
      else
        report(
          variable,
          typeof value === "object" ? "not a CSL date" : describeKind(value),
          '`{"date-parts": [[2011, 7]]}`',
        );
      continue;
    }
    if (TEXT_VARIABLES.has(variable)) {
      if (typeof value === "string") item[variable] = value;
      else if (typeof value === "number" && Number.isFinite(value)) item[variable] = String(value);
      else report(variable, describeKind(value), "a string");
      continue;
    }
    item[variable] = value;
  }
  if (typeof item.DOI === "string") {
    const doi = item.DOI.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, "");
    if (doi === "") delete item.DOI;
    else item.DOI = doi;
  }
  return item;
}

function normaliseName(name: unknown): CslName | undefined {
  if (!isRecord(name)) return undefined;
  const clean: CslName = {};
  for (const part of NAME_PARTS) {
    const value = name[part];
    if (typeof value === "string" && value.trim() !== "") clean[part] = value.trim();
  }
  if (clean.family === undefined && clean.literal === undefined && clean.given === undefined)
    return undefined;
  if (clean.given !== undefined && /^\p{Lu}{2,3}$/u.test(clean.given)) {
    clean.given = [...clean.given].map((letter) => `${letter}.`).join(" ");
  }
  return clean;
}

function normaliseDate(value: unknown): CslDate | undefined {
  if (!isRecord(value)) return undefined;
  const date: CslDate = {};
  const parts = value["date-parts"];
  if (parts !== undefined) {
    if (!Array.isArray(parts) || parts.length === 0 || parts.length > 2) return undefined;
    const clean: number[][] = [];
    for (const part of parts) {
      if (!Array.isArray(part) || part.length === 0 || part.length > 3) return undefined;
      const numbers = part.map((piece: unknown) =>
        typeof piece === "number"
          ? piece
          : typeof piece === "string" && /^-?\d+$/.test(piece.trim())
            ? Number(piece)
            : Number.NaN,
      );
      if (!numbers.every(Number.isInteger)) return undefined;
      clean.push(numbers);
    }
    date["date-parts"] = clean;
  }
  for (const key of ["raw", "literal"] as const) {
    const text = value[key];
    if (typeof text === "string" && text.trim() !== "") date[key] = text;
  }
  if (typeof value.season === "string" || typeof value.season === "number")
    date.season = value.season;
  const circa = value.circa;
  if (typeof circa === "string" || typeof circa === "number" || typeof circa === "boolean")
    date.circa = circa;
  return date["date-parts"] || date.raw || date.literal ? date : undefined;
}

/** Report a DOI that an earlier entry already has (`seen` maps lower-cased DOIs to entries). */
export function checkDoi(
  raw: RawEntry,
  item: CslItem,
  seen: Map<string, RawEntry>,
  index: Positions,
  problems: RawProblem[],
) {
  if (typeof item.DOI !== "string") return;
  const doi = item.DOI.toLowerCase();
  const first = seen.get(doi);
  if (!first) {
    seen.set(doi, raw);
    return;
  }
  problems.push({
    offset: raw.fields.get("DOI") ?? raw.offset,
    rule: "bibliography-duplicate-doi",
    message: `Duplicate DOI \`${item.DOI}\`: entry \`${raw.key}\` has the same DOI as \`${first.key}\` (line ${index.at(first.offset).line}), expected one entry per work. Merge them and cite one key.`,
  });
}

function hasYear(date: CslDate | undefined): boolean {
  if (!date) return false;
  if (typeof date["date-parts"]?.[0]?.[0] === "number") return true;
  return /\d{4}/.test(`${date.raw ?? ""} ${date.literal ?? ""}`);
}

/** Report an entry without a type, or a journal article without author, title, journal or year. */
export function checkComplete(raw: RawEntry, item: CslItem, problems: RawProblem[]) {
  if (item.type === undefined) {
    problems.push({
      offset: raw.offset,
      rule: "bibliography-entry-incomplete",
      message: `Entry \`${raw.key}\` has no \`type\`, expected a CSL type such as \`article-journal\` or \`book\`. Add it so the style can print the entry in the right form.`,
    });
    return;
  }
  if (item.type !== "article-journal") return;
  const missing: string[] = [];
  if (!item.author || item.author.length === 0) missing.push("author");
  if (!item.title?.trim()) missing.push("title");
  if (!item["container-title"]?.trim() && !item["container-title-short"]?.trim())
    missing.push("container-title (journal)");
  if (!hasYear(item.issued)) missing.push("issued (year)");
  if (missing.length === 0) return;
  problems.push({
    offset: raw.offset,
    rule: "bibliography-entry-incomplete",
    message: `Entry \`${raw.key}\` (article-journal) has no ${listWords(missing)}, expected author, title, journal and year for a journal article. Add the missing ${missing.length === 1 ? "field" : "fields"}.`,
  });
}

function listWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}
