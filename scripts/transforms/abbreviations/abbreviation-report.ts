/**
 * Reporting what the reader found, as the `abbreviation-*` rules of `rules.ts`: per listed
 * entry, per unlisted abbreviation, and the order of the list.
 */
import type { Point } from "unist";
import type { VFile } from "vfile";
import { type MessageData, report } from "../../diagnostics/diagnostics.ts";
import { sortedAbbreviations } from "../../render/render-front-matter.ts";
import type { FrontMatterLocator } from "../vfile-data.ts";
import type { Scope } from "./abbreviation-blocks.ts";
import { abbreviationKey } from "./abbreviation-tokens.ts";
import type { Listed, Use } from "./abbreviation-uses.ts";

/** The label of a float in messages: "Table I", else its id. */
function floatName(file: VFile, scope: Scope): string {
  const label = scope.floatId ? file.data.floats?.get(scope.floatId)?.label : undefined;
  return label ?? `the ${scope.floatKind ?? "float"} \`${scope.floatId ?? "?"}\``;
}

/** " Did you mean `aCL`?" for a listed abbreviation written in other capitals (`ACL`). */
function otherCapitals(token: string, listed: readonly string[]): string {
  const wanted = abbreviationKey(token).toLowerCase();
  const match = listed.find((name) => abbreviationKey(name).toLowerCase() === wanted);
  return match ? ` Did you mean \`${match}\`? Matching is case-sensitive.` : "";
}

/** Why a word reads as an abbreviation. */
function counts(token: string): string {
  return /^\p{Ll}/u.test(token)
    ? `\`${token}\` starts with a lowercase letter and has a capital later, so it reads as an abbreviation`
    : `\`${token}\` has two or more capitals, so it reads as an abbreviation`;
}

/** `data` of a message on an abbreviation the front matter lists. */
function listedWhy(token: string): MessageData {
  return {
    token,
    reason: `${counts(token)} and \`abbreviations:\` lists it, so the list's rules apply. It would be exempt if removed from \`abbreviations:\` and written as the long form.`,
  };
}

/** `data` of a message on an abbreviation the front matter does not list. */
function unlistedWhy(token: string): MessageData {
  return {
    token,
    reason: `${counts(token)}, and no exemption applies. It would be exempt as a gene symbol in italics (*${token}*), a unit (UCUM), a variant (HGVS), an accession or clone number, a CD antigen or antibody clone, an abbreviation AMA lets stand, a place or product name, author initials in a statement about people, or if listed in \`abbreviations-ignore:\` or the journal's \`abbreviations.allow\`.`,
  };
}

/** Text on one line, for messages. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ");
}

/** Where a use is, in the source. */
function place(use: Use): Point | undefined {
  return use.block.locate(use.start, use.end);
}

/** The line of a use, for messages. */
function lineOf(use: Use): number | string {
  return place(use)?.line ?? "?";
}

/** The definition the list asks for, for messages: “long form (ABBR)”. */
function definitionText(entry: Listed): string {
  return `“${entry.expansion} (${entry.abbreviation})”`;
}

/** "the title" or "a heading", for messages. */
function where(use: Use): string {
  return use.block.scope.kind === "title" ? "the title" : "a heading";
}

/** What the reports need besides the uses. */
export interface ReportContext {
  /** The front matter's list as written. */
  list: Readonly<Record<string, string>>;
  /** The journal's minimum number of uses; 0 turns the check off. */
  minUses: number;
  /** The place of a front matter value by its path. */
  locateFrontMatter: FrontMatterLocator;
}

/** The rules on the running text's uses: defined at the first use, and only once. */
function reportRunningText(file: VFile, entry: Listed, runningUses: readonly Use[]): void {
  const definitions = runningUses.filter((use) => use.definition);
  const first = runningUses[0];
  const definition = definitions[0];
  if (first && !definition) {
    report(
      file,
      "abbreviation-first-use-undefined",
      `Unexpected first use of \`${first.token}\` without its long form, expected ${definitionText(entry)} where the text first uses it.`,
      place(first),
      { data: listedWhy(first.token) },
    );
  } else if (first && definition && first !== definition) {
    report(
      file,
      "abbreviation-used-before-definition",
      `Unexpected \`${first.token}\` before its definition on line ${lineOf(definition)}, expected ${definitionText(entry)} here, at its first use in the text.`,
      place(first),
      { data: listedWhy(first.token) },
    );
  }

  if (definition) {
    for (const again of definitions.slice(1)) {
      report(
        file,
        "abbreviation-long-form-repeated",
        `Unexpected second definition of \`${entry.abbreviation}\` (first on line ${lineOf(definition)}), expected \`${again.token}\` alone.`,
        place(again),
        { data: listedWhy(again.token) },
      );
    }
    for (const written of entry.longForms) {
      if (written.order <= definition.order) continue;
      report(
        file,
        "abbreviation-long-form-repeated",
        `Unexpected long form “${oneLine(written.block.text.slice(written.start, written.end))}” after \`${entry.abbreviation}\` was defined on line ${lineOf(definition)}, expected \`${entry.abbreviation}\`.`,
        written.block.locate(written.start, written.end),
        { data: listedWhy(entry.abbreviation) },
      );
    }
  }
}

/** `abbreviation-float-undefined`: used only in tables or legends, each of them must expand it. */
function reportFloatUses(file: VFile, entry: Listed, uses: readonly Use[]): void {
  const expandedIn = new Set(
    entry.uses.filter((use) => use.entry || use.definition).map((use) => use.block.scope.floatId),
  );
  const checked = new Set<string>();
  for (const use of uses) {
    const id = use.block.scope.floatId;
    if (use.block.scope.kind !== "float" || id === undefined || checked.has(id)) continue;
    checked.add(id);
    const recorded = file.data.floatAbbreviations?.get(id);
    if (expandedIn.has(id) || recorded?.has(entry.abbreviation) || recorded?.has(use.token)) {
      continue;
    }
    const kind = use.block.scope.floatKind ?? "table";
    report(
      file,
      "abbreviation-float-undefined",
      `Unexpected \`${use.token}\` in ${floatName(file, use.block.scope)} without its long form: the text never uses it, so expected “${entry.abbreviation}, ${entry.expansion}” in the ${kind}'s ${kind === "figure" ? "legend" : "footnote"}.`,
      place(use),
      { data: listedWhy(use.token) },
    );
  }
}

/** The rules on one listed abbreviation and its uses. */
function reportListed(
  file: VFile,
  entry: Listed,
  { minUses, locateFrontMatter }: ReportContext,
): void {
  const entryPlace = locateFrontMatter(["abbreviations", entry.abbreviation]);
  const uses = entry.uses.filter((use) => !use.entry);
  if (uses.length === 0) {
    report(
      file,
      "abbreviation-unused",
      `Unused abbreviation \`${entry.abbreviation}\`: it is listed but appears nowhere in the text, tables or legends. Remove it from \`abbreviations:\`, or use it.`,
      entryPlace,
      { data: listedWhy(entry.abbreviation) },
    );
    return;
  }
  if (minUses > 0 && uses.length < minUses) {
    const times = uses.length === 1 ? "once" : `${uses.length} times`;
    report(
      file,
      "abbreviation-few-uses",
      `Abbreviation \`${entry.abbreviation}\` is used ${times}, fewer than the journal's minimum of ${minUses}; consider writing “${entry.expansion}” instead and removing it from the list.`,
      entryPlace,
      { data: listedWhy(entry.abbreviation) },
    );
  }

  const runningUses = uses.filter((use) => use.block.scope.kind === "running");
  reportRunningText(file, entry, runningUses);
  for (const use of entry.uses) {
    const written = use.definition ?? use.entry;
    if (!written || written.matches) continue;
    report(
      file,
      "abbreviation-expansion-mismatch",
      `Unexpected long form “${oneLine(written.longForm)}” for \`${entry.abbreviation}\`, expected “${entry.expansion}” as in \`abbreviations:\`; make them agree.`,
      use.block.locate(written.start, written.start + written.longForm.length),
      { data: listedWhy(use.token) },
    );
  }

  if (runningUses.length === 0) reportFloatUses(file, entry, uses);

  for (const use of uses) {
    if (use.block.scope.kind !== "heading" && use.block.scope.kind !== "title") continue;
    report(
      file,
      "abbreviation-in-heading",
      `Unexpected abbreviation \`${use.token}\` in ${where(use)}, expected the long form “${entry.expansion}”.`,
      place(use),
      { data: listedWhy(use.token) },
    );
  }
}

/**
 * `abbreviation-float-undefined` for an unlisted abbreviation used only in tables or legends:
 * each float that uses it must expand it in its legend or footnote.
 */
function reportUnlistedFloatUses(file: VFile, uses: readonly Use[]): void {
  const checked = new Set<string>();
  for (const use of uses) {
    const id = use.block.scope.floatId;
    if (id === undefined || checked.has(id)) continue;
    checked.add(id);
    if (file.data.floatAbbreviations?.get(id)?.has(use.token)) continue;
    const kind = use.block.scope.floatKind ?? "table";
    report(
      file,
      "abbreviation-float-undefined",
      `Unexpected \`${use.token}\` in ${floatName(file, use.block.scope)} without its long form: the text never uses it, so expected “${use.token}, long form” in the ${kind}'s ${kind === "figure" ? "legend" : "footnote"}.`,
      place(use),
      { data: unlistedWhy(use.token) },
    );
  }
}

/** The rules on one unlisted abbreviation and its uses. */
function reportUnlisted(
  file: VFile,
  key: string,
  uses: readonly Use[],
  listedNames: readonly string[],
): void {
  const inText: Use[] = [];
  for (const use of uses) {
    if (use.block.scope.kind === "heading" || use.block.scope.kind === "title") {
      report(
        file,
        "abbreviation-in-heading",
        `Unexpected abbreviation \`${use.token}\` in ${where(use)}, expected a long form (\`${use.token}\` is not in \`abbreviations:\` either).`,
        place(use),
        { data: unlistedWhy(use.token) },
      );
    } else {
      inText.push(use);
    }
  }
  const defined = inText.find((use) => use.definition ?? use.entry);
  const written = defined?.definition ?? defined?.entry;
  if (defined && written) {
    report(
      file,
      "abbreviation-unlisted-definition",
      `Unexpected definition of \`${defined.token}\` (“${oneLine(written.longForm)}”) that \`abbreviations:\` does not list; add \`${defined.token}: ${oneLine(written.longForm)}\` to the list.${otherCapitals(key, listedNames)}`,
      place(defined),
      { data: unlistedWhy(defined.token) },
    );
    return;
  }
  const first = inText[0];
  if (!first || (inText.length === 1 && first.explained)) return;
  if (inText.every((use) => use.block.scope.kind === "float")) {
    reportUnlistedFloatUses(file, inText);
    return;
  }
  const times = inText.length === 1 ? "once" : `${inText.length} times`;
  report(
    file,
    "abbreviation-unlisted",
    `Unexpected abbreviation \`${first.token}\` (used ${times}) that \`abbreviations:\` does not list; add it with its long form, or to \`abbreviations-ignore:\` if it needs none.${otherCapitals(key, listedNames)}`,
    place(first),
    { data: unlistedWhy(first.token) },
  );
}

/** `abbreviation-list-unsorted`: the list in alphabetical order, ignoring case. */
function reportListOrder(file: VFile, { list, locateFrontMatter }: ReportContext): void {
  const listedNames = Object.keys(list);
  const sorted = sortedAbbreviations(list).map(([abbreviation]) => abbreviation);
  const misplaced = listedNames.findIndex((abbreviation, index) => sorted[index] !== abbreviation);
  const unsorted = listedNames[misplaced];
  if (unsorted !== undefined) {
    report(
      file,
      "abbreviation-list-unsorted",
      `Unexpected \`${unsorted}\` at position ${misplaced + 1} of \`abbreviations:\`, expected the list sorted alphabetically ignoring case (${sorted.join(", ")}). The “Abbreviations used” box is sorted anyway.`,
      locateFrontMatter(["abbreviations", unsorted]),
      { data: listedWhy(unsorted) },
    );
  }
}

/** Report the rules on the listed entries' uses, on the unlisted abbreviations and on the list. */
export function reportAbbreviations(
  file: VFile,
  listed: Map<string, Listed>,
  unlisted: Map<string, Use[]>,
  context: ReportContext,
): void {
  for (const entry of new Set(listed.values())) reportListed(file, entry, context);
  const listedNames = Object.keys(context.list);
  for (const [key, uses] of unlisted) reportUnlisted(file, key, uses, listedNames);
  reportListOrder(file, context);
}
