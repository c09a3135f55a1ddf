/**
 * Words that look like abbreviations but need no long form, from real data where a well-kept
 * source exists (files in `templates/_data/`, each naming its source): the abbreviations AMA
 * lets stand, UCUM units, country and state codes, company suffixes, antibody clone names; and
 * from published grammars: HGVS variant notation, accession numbers, CD antigens. Pure string
 * functions; the reader (`abbreviation-read.ts`) adds the rules that need a word's neighbours.
 */
import ama from "../../../templates/_data/ama-unexpanded.json" with { type: "json" };
import markers from "../../../templates/_data/markers.json" with { type: "json" };
import places from "../../../templates/_data/places.json" with { type: "json" };

/** Abbreviations AMA style lets stand without a long form (`DNA`, `HIV`). */
export const amaUnexpanded: ReadonlySet<string> = new Set(ama.abbreviations);

/** Antibody clone and marker names (`AE1`, `HBME`). */
export const markerNames: ReadonlySet<string> = new Set(markers.names);

/** Country names written as codes in addresses (`USA`, `UK`, ISO 3166-1 alpha-3). */
export const countryCodes: ReadonlySet<string> = new Set(places.countries);

/** US state codes (USPS), as in "(Sigma-Aldrich, St Louis, MO, USA)". */
export const stateCodes: ReadonlySet<string> = new Set(places.states);

/** Company-form suffixes (`GmbH`, `AG`, `Inc`). */
export const companySuffixes: ReadonlySet<string> = new Set(places.companySuffixes);

/**
 * Two-letter tokens already looked up in CLDR. The answers are kept, not the `Intl.DisplayNames`:
 * an Intl object held by a module cannot go into the V8 startup snapshot (scripts/dev/snapshot.cjs).
 */
const regionAnswers = new Map<string, boolean>();

/** Whether `token` is an ISO 3166-1 alpha-2 country code (from CLDR, shipped with Node.js). */
export function isCountryCode(token: string): boolean {
  if (countryCodes.has(token)) return true;
  if (!/^[A-Z]{2}$/.test(token)) return false;
  let known = regionAnswers.get(token);
  if (known === undefined) {
    try {
      const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
      known = regionNames.of(token) !== undefined;
    } catch {
      known = false;
    }
    regionAnswers.set(token, known);
  }
  return known;
}

/** Whether `token` is a place or company part of an address: country, state or company form. */
export function isAddressPart(token: string): boolean {
  return isCountryCode(token) || stateCodes.has(token) || companySuffixes.has(token);
}

const aminoAcids3 =
  "Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val|Sec|Pyl|Ter|Xaa";
/** A one-letter protein change (`D57G`, `R3018X`, `Y151X`) or a DNA change (`C5082A`). */
const shortVariant = /^[ACDEFGHIKLMNPQRSTVWYUX*]\d{1,6}[ACDEFGHIKLMNPQRSTVWYUX*]$/;
/** A three-letter protein change (`Asp92Tyr`, `Arg97Ter`, `Gly12fs`). */
const longVariant = new RegExp(`^(?:${aminoAcids3})\\d{1,6}(?:${aminoAcids3}|fs|del|dup|ins|X)?$`);
/** A deletion, duplication or insertion at a position (`46delAG`, `1100delC`, `c35delG`). */
const indelVariant = /^[cgmnr]?\d{1,7}(?:_?\d{0,7})(?:del|dup|ins|delins|inv)[ACGTNacgtn]*$/;

/** Whether `token` is written in HGVS variant grammar, or its short protein and DNA forms. */
export function isVariant(token: string): boolean {
  return shortVariant.test(token) || longVariant.test(token) || indelVariant.test(token);
}

/**
 * Whether `token` is an accession, registry or catalogue number: capitals followed by five
 * digits or more (`PRJNA411769`, `EPR11035`, `GSE12345`, `SRR1234567`), or a clone id mixing
 * letters and digits in five runs or more (`2E3GC12FB2AE2`, `21A11AE7`).
 */
export function isAccession(token: string): boolean {
  if (/^\p{Lu}{1,6}\d{5,}$/u.test(token)) return true;
  const runs = token.match(/\p{L}+|\p{N}+/gu) ?? [];
  return runs.length >= 5 && /\d/.test(token) && !/\p{Ll}/u.test(token);
}

/** Whether `token` is a cluster of differentiation antigen (`CD4`, `CD56`, `CD45RA`, `CD1a`). */
export function isCdAntigen(token: string): boolean {
  return /^CD\d{1,3}(?:[a-e]|[A-Z]{1,2})?$/.test(token);
}

/** The name of the exemption a word earns on its own, if any. */
export function tokenExemption(token: string): string | undefined {
  if (amaUnexpanded.has(token))
    return "AMA lets it stand unexpanded (templates/_data/ama-unexpanded.json)";
  if (isVariant(token)) return "variant notation (HGVS)";
  if (isAccession(token)) return "accession or clone number";
  if (isCdAntigen(token)) return "CD antigen";
  if (markerNames.has(token)) return "antibody clone or marker name (templates/_data/markers.json)";
  return undefined;
}

/** Words between an author's initials and the others: "and", "of". */
const nameParticles = new Set([
  "de",
  "da",
  "del",
  "der",
  "van",
  "von",
  "di",
  "la",
  "le",
  "du",
  "dos",
  "bin",
]);

/**
 * The initials an author's name may be written as in statements that list people: all
 * initials (`Dmitry V. Kalinin` → `DVK`), first and last (`DK`), with hyphenated given names
 * in full (`Jean-Pierre Roe` → `JPR`, `JR`).
 */
export function authorInitials(name: string): string[] {
  const words = name
    .split(/\s+/)
    .filter((word) => word !== "" && !nameParticles.has(word.toLowerCase()));
  const initialsOf = (word: string): string =>
    word
      .split(/[-‐]/u)
      .map((part) =>
        part
          .replace(/[^\p{L}]/gu, "")
          .charAt(0)
          .toUpperCase(),
      )
      .join("");
  const all = words.map(initialsOf).join("");
  const first = words[0] ? initialsOf(words[0]) : "";
  const last = words.length > 1 ? initialsOf(words[words.length - 1] ?? "") : "";
  return [...new Set([all, `${first}${last}`].filter((initials) => initials.length >= 2))];
}
