/**
 * Why an unlisted abbreviation-like word needs no long form, from the words around it: italics
 * (gene symbols), HGVS and accession notation, statements that list people, addresses, product
 * names, degrees. The data-driven exemptions are in `abbreviation-exemptions.ts`.
 */
import type { Block } from "./abbreviation-blocks.ts";
import {
  companySuffixes,
  countryCodes,
  isAddressPart,
  tokenExemption,
} from "./abbreviation-exemptions.ts";
import { degreeSymbols, needsLongForm, numeralLabels } from "./abbreviation-tokens.ts";
import type { AbbreviationList, Word } from "./abbreviation-uses.ts";

/** A block being read: its text and words, and what the manuscript around it says. */
export interface Reading {
  block: Block;
  text: string;
  words: Word[];
  /** The statement the block belongs to, by its heading. */
  statement: "contributions" | "acknowledgments" | undefined;
  /** Words the manuscript writes in italics somewhere: gene symbols. */
  italic: ReadonlySet<string>;
  /** Gene families written in italics with a final `x` (`SDHx` → `SDH`). */
  families: ReadonlySet<string>;
}

/** Product nouns that end a product name ("High Pure FFPET DNA Isolation Kit"). */
const productNouns = new Set([
  "Kit",
  "Kits",
  "System",
  "Systems",
  "Instrument",
  "Analyzer",
  "Analyser",
  "Assay",
  "Platform",
  "Reagent",
  "Reagents",
  "Software",
  "Scanner",
  "Sequencer",
  "Array",
  "Panel",
  "Microscope",
]);

/** Whether word `index` starts or sits in a run of capitalised words ending in a product noun. */
function inProductName({ text, words }: Reading, index: number): boolean {
  for (let at = index + 1; at < Math.min(words.length, index + 9); at++) {
    const word = words[at];
    const previous = words[at - 1];
    if (!word || !previous || !/^[\s\-‐]$/u.test(text.slice(previous.end, word.start)))
      return false;
    if (productNouns.has(word.value)) return true;
    if (!/^[\p{Lu}\p{N}]/u.test(word.value)) return false;
  }
  return false;
}

/** How far an address in parentheses may reach from a token. */
const addressReach = 120;

/**
 * Whether the token at `start`–`end` is a whole part of an address in parentheses:
 * "Abcam (USA)", "(Roche Diagnostics, Mannheim, Germany)", "(Sigma-Aldrich, St Louis, MO, USA)".
 * Alone in the parentheses, after a capitalised name, it must be a country; after a first part
 * that starts with a capital, a country, state or company form.
 */
function inAddress({ text }: Reading, token: string, start: number, end: number): boolean {
  // Addresses are short: look no further than `addressReach` characters either side.
  const from = Math.max(0, start - addressReach);
  const near = text.slice(from, end + addressReach);
  const open = near.lastIndexOf("(", start - from);
  const close = near.indexOf(")", end - from);
  if (open < 0 || close < 0 || near.lastIndexOf(")", start - from) > open) return false;
  const parts = near
    .slice(open + 1, close)
    .split(",")
    .map((part) => part.trim());
  if (!parts.includes(token)) return false;
  if (parts.length === 1) {
    const before = /([\p{L}\p{N}]+)\s*$/u.exec(near.slice(0, open))?.[1] ?? "";
    return countryCodes.has(token) && /^\p{Lu}/u.test(before);
  }
  return /^\p{Lu}/u.test(parts[0] ?? "") && parts[0] !== token && isAddressPart(token);
}

/**
 * Why an unlisted `token` at word `index` (ending at `end`) needs no long form, or undefined
 * when it needs one.
 */
export function exemptionOf(
  reading: Reading,
  index: number,
  token: string,
  end: number,
  list: AbbreviationList,
): string | undefined {
  const { text, words, block } = reading;
  const word = words[index];
  if (!word) return "not a word";
  const head = token.split(/[-‐‑‒–]/u)[0] ?? token;
  if (!needsLongForm(token) || (head !== token && !needsLongForm(head) && !/^\p{N}/u.test(head))) {
    return "not abbreviation-like, or a unit, Roman numeral, chemical formula or name";
  }
  const own = tokenExemption(token) ?? (head !== token ? tokenExemption(head) : undefined);
  if (own) return own;
  const previous = words[index - 1];
  const gapBefore = previous ? text.slice(previous.end, word.start) : "";
  const previousValue = previous?.value ?? "";
  const previousWord = previousValue.toLowerCase();
  // Gene symbols are italic (`*SDHD*`); the protein takes the same symbol in roman.
  if (block.segmentAt(word.start)?.parent.type === "emphasis") return "gene symbol (italic)";
  if (reading.italic.has(token)) return "gene symbol (italic elsewhere in the text)";
  for (const family of reading.families) {
    if (
      token.length > family.length &&
      token.startsWith(family) &&
      /^[\p{Lu}\p{N}]{1,3}$/u.test(token.slice(family.length))
    ) {
      return `member of the gene family *${family}x* (italic)`;
    }
  }
  // Variants after an HGVS prefix: "p.Asp92Tyr", "c.C5082A", "p.H102R".
  if (
    /(?:^|[^\p{L}\p{N}])[cgmnopr]\.$/u.test(text.slice(Math.max(0, word.start - 3), word.start))
  ) {
    return "variant notation (HGVS)";
  }
  const after = text.slice(end, end + 3);
  // "NM_003002.3", "NP_000537": RefSeq and other accession prefixes.
  if (/^_\d/.test(after)) return "accession number prefix";
  // "MT: 3243", "chrX:1234": a sequence name with a position.
  if (/^(?:MT|X|Y|chr\w+)$/.test(token) && /^:\s?\d/.test(after))
    return "sequence name in a genomic position";
  // "clone EPR11035", "clone 21A11AE7".
  if (/^clones?$/.test(previousWord)) return "antibody clone name (after “clone”)";
  if (list.journalWords.has(token)) return "the name of a cited journal";
  if (reading.statement !== undefined && list.initials.has(token)) return "author initials";
  if (reading.statement === "contributions" && /^\p{Lu}{2,4}$/u.test(token)) {
    return "initials in the author contributions";
  }
  if (inAddress(reading, token, word.start, end)) return "a place or company form in an address";
  if (companySuffixes.has(token) && /^\s$/.test(gapBefore) && /^\p{Lu}/u.test(previousValue)) {
    return "company form after a name";
  }
  if (inProductName(reading, index)) return "part of a product name";
  // "stage IV", not intravenous.
  if (token === "IV" && numeralLabels.has(previousWord)) return "Roman numeral after a label";
  // "Jane Roe, MD, PhD".
  const afterName = /^\p{Lu}\p{Ll}/u.test(previousValue) || degreeSymbols.has(previousValue);
  if (degreeSymbols.has(token) && /^,\s*$/.test(gapBefore) && afterName) return "academic degree";
  // Hemoglobin variants are nomenclature: "hemoglobin SC", "Hb SS".
  const hemoglobin = /^(?:hemoglobin|haemoglobin|hb)$/.test(previousWord);
  if (hemoglobin && /^[\s-]$/.test(gapBefore) && /^\p{Lu}{1,3}$/u.test(token)) {
    return "hemoglobin variant";
  }
  return undefined;
}
