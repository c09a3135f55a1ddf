/**
 * What counts as an abbreviation-like word, and which such words the checker leaves alone:
 * units, Roman numerals, chemical formulas and camel-case names. Pure string functions; the
 * plugin in `remark-abbreviations.ts` adds the checks that need a word's neighbours.
 */

/** The words of a text: maximal runs of letters, combining marks and digits. */
export const wordPattern = /[\p{L}\p{M}\p{N}]+/gu;

import ucum from "../../../templates/_data/ucum-units.json" with { type: "json" };

const upper = /\p{Lu}/u;
const plural = /^(.*[\p{Lu}\p{N}])s$/u;

/**
 * The key an abbreviation is matched by: the token itself, without a plural `s` after a capital
 * or digit (`APLAs` → `APLA`, `CDs` → `CD`). Matching stays case-sensitive (`aCL` ≠ `ACL`).
 */
export function abbreviationKey(token: string): string {
  if (token.length < 3) return token;
  const match = plural.exec(token);
  return match?.[1] ?? token;
}

/** Whether `token` is written as a plural of its key (`APLAs`). */
export function isPluralForm(token: string): boolean {
  return abbreviationKey(token) !== token;
}

/**
 * Whether a word looks like an abbreviation: two or more capitals (`SLE`, `APLAs`, `CD4`), or a
 * lowercase start with a capital later (`aCL`, `mRNA`, `eGFR`).
 */
export function isAbbreviationLike(token: string): boolean {
  let capitals = 0;
  for (const char of token) if (upper.test(char)) capitals++;
  if (capitals >= 2) return true;
  return capitals === 1 && !upper.test(token.charAt(0)) && /^\p{Ll}/u.test(token);
}

/** Whether a unit symbol looks like an abbreviation and carries a lowercase letter (`mU`, `kPa`). */
function mixedCase(symbol: string): boolean {
  return isAbbreviationLike(symbol) && /\p{Ll}/u.test(symbol);
}

/**
 * Units whose symbols look like abbreviations (mixed case or two capitals), from UCUM
 * (`templates/_data/ucum-units.json`): every prefix with every unit, kept when the symbol has a
 * lowercase letter (`mU`, `mIU`, `kPa`, `MBq`), and the listed clinical symbols (`IU`, `HU`,
 * `mmHg`). Capitals-only combinations (`MS`, `PA`) are far more often abbreviations and are not
 * units here. Lowercase units such as `mm`, `mg` or `mm³` never look like abbreviations.
 */
export const unitSymbols: ReadonlySet<string> = new Set([
  ...ucum.symbols,
  ...ucum.units.filter(mixedCase),
  ...ucum.prefixes.flatMap((prefix) =>
    ucum.units.map((unit) => `${prefix}${unit}`).filter(mixedCase),
  ),
]);

const roman = /^(?:X{0,3})(?:IX|IV|V?I{0,3})$/;

/**
 * Whether `token` is a Roman numeral of two letters or more written with I, V and X only
 * (`II` … `XXXIX`): table numbers, stages, types and classes. Larger numerals (with L, C, D, M)
 * are left to the abbreviation rules, because `CD`, `MD` or `LV` are far more often
 * abbreviations. `IV` is ambiguous (intravenous), so the plugin accepts it only after a word
 * such as "stage" or "type".
 */
export function isRomanNumeral(token: string): boolean {
  return token.length >= 2 && roman.test(token);
}

/** Words after which `IV` is a numeral, not "intravenous". */
export const numeralLabels: ReadonlySet<string> = new Set([
  "type",
  "types",
  "stage",
  "stages",
  "grade",
  "grades",
  "class",
  "classes",
  "phase",
  "phases",
  "table",
  "tables",
  "factor",
  "collagen",
  "level",
  "levels",
  "part",
  "degree",
  "category",
  "group",
  "step",
  "zone",
  "nerve",
  "cn",
]);

const elements = new Set(
  (
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr " +
    "Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu " +
    "Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr"
  ).split(" "),
);

/** Non-metal element symbols. */
const nonMetals = new Set("H He B C N O F Ne Si P S Cl Ar As Se Br Kr Te I Xe At Rn".split(" "));

/**
 * Whether `token` is a chemical formula: element symbols with optional counts that either carry
 * a count or use a two-letter symbol (`CO2`, `H2O`, `NaCl`, `CaCO3`, `MgSO4`). Runs of
 * one-letter symbols without counts (`HIV`, `BUN`, `CHF`) read as abbreviations and are not
 * formulas here.
 */
export function isChemicalFormula(token: string): boolean {
  let index = 0;
  let symbols = 0;
  let marked = false;
  while (index < token.length) {
    const two = token.slice(index, index + 2);
    const one = token.charAt(index);
    if (two.length === 2 && /^\p{Lu}\p{Ll}$/u.test(two) && elements.has(two)) {
      index += 2;
      marked = true;
    } else if (elements.has(one)) {
      index += 1;
    } else {
      return false;
    }
    symbols++;
    const count = /^\d+/.exec(token.slice(index))?.[0];
    if (count) {
      index += count.length;
      marked = true;
    }
  }
  if (!marked || (symbols < 2 && !/\d/.test(token))) return false;
  // Without counts, a formula holds a non-metal (`NaCl`); `CrCd` (craniocaudal) holds none.
  return (
    /\d/.test(token) || [...token.matchAll(/\p{Lu}\p{Ll}?/gu)].some((m) => nonMetals.has(m[0]))
  );
}

/**
 * Names in camel case (`McDonald`, `DeLuca`, `MacLeod`, `NextSeq`): every capital starts a
 * lowercase run, and one run has three letters or more, so `CrCd` (craniocaudal) is not a name.
 */
export function isCamelCaseName(token: string): boolean {
  return /^(?:\p{Lu}\p{Ll}+){2,}$/u.test(token) && /\p{Ll}{3}/u.test(token);
}

/** Degrees that follow a name after a comma ("Jane Roe, MD, PhD"). */
export const degreeSymbols: ReadonlySet<string> = new Set([
  "MD",
  "DO",
  "PhD",
  "MBBS",
  "MBChB",
  "FACP",
  "FAAD",
  "FRCP",
  "FRCPC",
  "FRCPath",
  "MPH",
  "MSc",
  "BSc",
  "MS",
  "MA",
  "BA",
  "BS",
  "RN",
  "NP",
  "PA",
  "DNP",
  "DPhil",
  "MPhil",
  "DMD",
  "DDS",
  "PharmD",
  "MHS",
  "MSCE",
  "MBA",
]);

/** Why a word-shaped abbreviation is left alone, judged on the word itself. */
export type SkipReason = "unit" | "roman numeral" | "chemical formula" | "name";

/** The reason `token` is skipped without looking at its neighbours, if any. */
export function intrinsicSkip(token: string): SkipReason | undefined {
  if (unitSymbols.has(token)) return "unit";
  if (isRomanNumeral(token) && token !== "IV") return "roman numeral";
  if (isChemicalFormula(token)) return "chemical formula";
  if (isCamelCaseName(token)) return "name";
  return undefined;
}

/**
 * Whether `token` is an abbreviation that needs its long form: it looks like one and is not a
 * unit, Roman numeral, chemical formula or name. `pH` and `mmHg` are units; `T1` (as in
 * T1-weighted) has one capital and is not abbreviation-like, in legends as in the text.
 */
export function needsLongForm(token: string): boolean {
  return isAbbreviationLike(token) && intrinsicSkip(token) === undefined;
}
