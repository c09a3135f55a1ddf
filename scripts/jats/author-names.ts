/**
 * Split a display name ("Marc E. Grossman", "Ludwig van Beethoven Jr") into surname, given
 * names and suffix, for JATS `<name>` and Highwire/JSON-LD. The last word is the surname,
 * with lower-case particles before it (van, de, von der); a generational or professional
 * suffix after a comma or at the end is kept apart.
 */

/** A name in parts. */
export interface NameParts {
  surname: string;
  /** Given names with initials, e.g. "Marc E."; empty for a single-word name. */
  given: string;
  suffix?: string;
}

const suffixes = /^(jr\.?|sr\.?|ii|iii|iv|v)$/i;
const particles = new Set([
  "van",
  "von",
  "de",
  "der",
  "den",
  "del",
  "della",
  "di",
  "da",
  "du",
  "la",
  "le",
  "ter",
  "ten",
  "dos",
  "das",
  "zu",
  "bin",
  "ibn",
  "al",
]);

/** Split a display name into its parts. */
export function splitName(name: string): NameParts {
  const words = name.replace(/,/g, " ").trim().split(/\s+/).filter(Boolean);
  let suffix: string | undefined;
  const last = words.at(-1);
  if (words.length > 2 && last && suffixes.test(last)) {
    suffix = last;
    words.pop();
  }
  if (words.length <= 1)
    return { surname: words[0] ?? name.trim(), given: "", ...(suffix ? { suffix } : {}) };
  let start = words.length - 1;
  while (start > 1 && particles.has(words[start - 1] ?? "")) start--;
  return {
    surname: words.slice(start).join(" "),
    given: words.slice(0, start).join(" "),
    ...(suffix ? { suffix } : {}),
  };
}
