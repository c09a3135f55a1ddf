/**
 * Number styles for figures and tables: Arabic ("3"), Roman ("III", as JAAD numbers its
 * tables) and alphabetic ("C"). The style of each float kind comes from the journal profile.
 */

/** A number style a journal profile may choose (`numbering.figure`, `numbering.table`). */
export type NumberStyle = "arabic" | "roman" | "alpha";

const romanDigits: readonly [number, string][] = [
  [1000, "M"],
  [900, "CM"],
  [500, "D"],
  [400, "CD"],
  [100, "C"],
  [90, "XC"],
  [50, "L"],
  [40, "XL"],
  [10, "X"],
  [9, "IX"],
  [5, "V"],
  [4, "IV"],
  [1, "I"],
];

/** Upper-case Roman numerals: 4 → "IV". Numbers outside 1–3999 have none and stay Arabic. */
export function toRoman(value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 3999) return String(value);
  let rest = value;
  let out = "";
  for (const [amount, digits] of romanDigits) {
    while (rest >= amount) {
      out += digits;
      rest -= amount;
    }
  }
  return out;
}

/** Spreadsheet-style letters: 1 → "A", 26 → "Z", 27 → "AA". Numbers below 1 stay Arabic. */
export function toAlpha(value: number): string {
  if (!Number.isInteger(value) || value < 1) return String(value);
  let rest = value;
  let out = "";
  while (rest > 0) {
    const digit = (rest - 1) % 26;
    out = String.fromCharCode(65 + digit) + out;
    rest = Math.floor((rest - 1) / 26);
  }
  return out;
}

/** Write `value` in `style`. */
export function formatNumber(value: number, style: NumberStyle): string {
  switch (style) {
    case "roman":
      return toRoman(value);
    case "alpha":
      return toAlpha(value);
    default:
      return String(value);
  }
}
