/**
 * Names for narrative citations ("Walsh and Fairley showed…"), from a CSL item's authors.
 */
import type { CslItem, CslName } from "./types.ts";

function nameInText(name: CslName): string {
  if (name.literal) return name.literal;
  const family = [name["non-dropping-particle"], name.family].filter(Boolean).join(" ");
  return family || name.given || "";
}

/**
 * The authors as a narrative citation reads them: "Chatterjee" (one author), "Walsh and
 * Fairley" (two), "Zizic et al" (three or more; AMA writes no period). Without authors, an
 * organisation's literal name or the title's first words stand in, and last the key.
 */
export function narrativeNames(item: CslItem): string {
  const names = (item.author ?? []).map(nameInText).filter((name) => name !== "");
  const [first, second] = names;
  if (first !== undefined) {
    if (names.length === 1) return first;
    if (names.length === 2 && second !== undefined) return `${first} and ${second}`;
    return `${first} et al`;
  }
  const title = (item.title ?? "").split(/[:.?!]/)[0]?.trim() ?? "";
  if (title !== "") {
    const words = title.split(/\s+/);
    return words
      .slice(0, 4)
      .join(" ")
      .replace(/[,;]+$/, "");
  }
  return item.id;
}
