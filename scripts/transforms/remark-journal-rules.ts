/**
 * The journal profile's checks: required sections, limits (body words, references, figures,
 * tables, authors, key words), required statements (any of the profile's statement types), the
 * abstract's form and length, a complete corresponding author, and affiliations that are both
 * used and defined. The pipeline passes the
 * numbers from `templates/<journal>/profile.json` as options; its README says where each came from.
 */
import type { Parent, Root, RootContent } from "mdast";
import { toString as textOf } from "mdast-util-to-string";
import type { Point, Position } from "unist";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import type { StatementType } from "../schemas/journal-profile.ts";
import { countBodyWords, countWords } from "./word-count.ts";

/** The text of a node, images' alt text left out. */
function plainText(node: RootContent): string {
  return textOf(node, { includeImageAlt: false });
}

/** What the tree holds that the limits count, in source order. */
interface Inventory {
  /** `#` headings: their text and place. */
  sections: { title: string; place: Point | undefined }[];
  figures: (Point | undefined)[];
  tables: (Point | undefined)[];
  /** Citation elements by their id (`cite-3`), for placing the first citation of a reference. */
  citations: Map<string, Point | undefined>;
}

function takeInventory(tree: Root): Inventory {
  const inventory: Inventory = { sections: [], figures: [], tables: [], citations: new Map() };
  const walk = (parent: Parent): void => {
    for (const child of parent.children) {
      if (child.type === "heading" && child.depth === 1) {
        inventory.sections.push({ title: plainText(child).trim(), place: child.position?.start });
      } else if (child.type === "containerDirective" && child.name === "figure") {
        inventory.figures.push(child.position?.start);
      } else if (child.type === "containerDirective" && child.name === "table") {
        inventory.tables.push(child.position?.start);
      } else if (child.type === "citation") {
        const id = child.data?.hProperties?.id;
        if (typeof id === "string") inventory.citations.set(id, child.position?.start);
      }
      if ("children" in child) walk(child);
    }
  };
  walk(tree);
  return inventory;
}

const limitNames = {
  words: "words of body text",
  references: "references",
  figures: "figures",
  tables: "tables",
  authors: "authors",
  keywords: "key words",
} as const;

/** Example values for a missing statement's message. */
const statementExamples: Record<StatementType, string> = {
  funding: "None.",
  conflicts: "None declared.",
  consent: "Written informed consent was obtained from the patient for publication.",
  ethics: "Not required for a single case report.",
  contributions: "AB saw the patient and wrote the report; CD revised it. AB is the guarantor.",
  acknowledgments: "We thank the patient.",
  "data-availability": "All data are in the article.",
  "patient-perspective": "(the patient's own words)",
};

/** A statement type the journal prints, as the options name it. */
export interface StatementRule {
  /** The front matter key. */
  type: StatementType;
  /** The printed label, quoted in the message. */
  label: string;
  /** Whether the manuscript must give it. */
  required: boolean;
}

/** The abstract the journal prints. */
export interface AbstractRule {
  /** `none`: no abstract; `plain`: one paragraph; `structured`: the `headings`, in order. */
  form: "none" | "plain" | "structured";
  /** Whether the manuscript must give one. */
  required: boolean;
  /** For `structured`: the headings, in order. */
  headings: readonly string[];
  /** Upper limit on its words. */
  words?: number | undefined;
}

/** Upper limits; a limit left out is not checked. */
export type JournalLimits = { readonly [what in keyof typeof limitNames]?: number | undefined };

/** Options for `remarkJournalRules`: the journal profile's checks. A check left out is off. */
export interface JournalRulesOptions {
  /** The journal's display name, quoted in every message ("JAAD Case Reports requires …"). */
  journalName: string;
  /** `#` headings the journal requires, in order, matched case-insensitively. */
  requiredSections?: readonly string[];
  /** The journal's statement types; those marked required must be in the front matter. */
  statements?: readonly StatementRule[];
  /** The abstract's form, whether required, and its word limit; left out, not checked. */
  abstract?: AbstractRule;
  /** Whether one author must be marked corresponding, with email and postal address. */
  requireCorrespondingAuthor?: boolean;
  /** Upper limits on words, references, figures, tables, authors and key words. */
  limits?: JournalLimits;
}

/**
 * Check `tree` and its front matter (`file.data.frontMatter`, quiet when the front matter is
 * unusable: its own error says so) against the journal's rules in `options`.
 */
export function checkJournalRules(tree: Root, file: VFile, options: JournalRulesOptions): void {
  const frontMatter = file.data.frontMatter;
  if (!frontMatter) return;
  const journalName = options.journalName;
  const locate = file.data.locateFrontMatter ?? (() => undefined);
  const frontMatterPlace: Position | undefined = locate([]);
  const inventory = takeInventory(tree);

  // Required sections, in the profile's order.
  const present = new Map(
    inventory.sections.map((section) => [section.title.toLowerCase(), section]),
  );
  const required = options.requiredSections ?? [];
  for (const [index, name] of required.entries()) {
    if (present.has(name.toLowerCase())) continue;
    // Before the next required section present; else after the previous one; else first.
    const next = required.slice(index + 1).find((later) => present.has(later.toLowerCase()));
    const nextSection = next ? present.get(next.toLowerCase()) : undefined;
    const earlier = required.slice(0, index).findLast((title) => present.has(title.toLowerCase()));
    const previousSection = earlier ? present.get(earlier.toLowerCase()) : undefined;
    const following = previousSection
      ? inventory.sections[inventory.sections.indexOf(previousSection) + 1]
      : undefined;
    const place = nextSection
      ? nextSection.place
      : previousSection
        ? (following?.place ?? tree.position?.end)
        : (inventory.sections[0]?.place ?? tree.position?.end);
    const where = nextSection
      ? ` before “${nextSection.title}”`
      : previousSection
        ? ` after “${previousSection.title}”`
        : "";
    const headings = inventory.sections.map((section) => section.title);
    report(
      file,
      "journal-section-missing",
      `Missing section “${name}”: ${journalName} requires ${required.map((title) => `“${title}”`).join(", ")}; expected a \`# ${name}\` heading${where}.${didYouMean(name, headings)}`,
      place,
    );
  }

  // Limits.
  const limits = options.limits ?? {};
  const exceeded = (
    what: keyof typeof limitNames,
    found: number,
    place: Point | Position | undefined,
    note = "",
  ): void => {
    const limit = limits[what];
    if (limit === undefined || found <= limit) return;
    report(
      file,
      "journal-limit-exceeded",
      `Unexpected ${found} ${limitNames[what]}, expected at most ${limit} for ${journalName}; the first one over the limit is here.${note}`,
      place,
    );
  };
  const words = countBodyWords(tree);
  file.data.bodyWords = words.count;
  if (limits.words !== undefined) {
    exceeded(
      "words",
      words.count,
      words.placeOf(limits.words + 1),
      " Counted: the running text of the sections, without the title, headings, legends, tables, footnotes, references and citation numbers.",
    );
  }
  const references = file.data.references ?? [];
  if (limits.references !== undefined) {
    const extra = references[limits.references];
    exceeded(
      "references",
      references.length,
      extra ? inventory.citations.get(extra.firstCitationId) : undefined,
    );
  }
  if (limits.figures !== undefined) {
    exceeded("figures", inventory.figures.length, inventory.figures[limits.figures]);
  }
  if (limits.tables !== undefined) {
    exceeded("tables", inventory.tables.length, inventory.tables[limits.tables]);
  }
  if (limits.authors !== undefined) {
    exceeded("authors", frontMatter.authors.length, locate(["authors", limits.authors]));
  }
  const keywords = frontMatter.keywords ?? [];
  if (limits.keywords !== undefined) {
    exceeded("keywords", keywords.length, locate(["keywords", limits.keywords]));
  }

  // Required statements.
  for (const statement of options.statements ?? []) {
    if (!statement.required || frontMatter[statement.type]) continue;
    const example = statementExamples[statement.type];
    report(
      file,
      "journal-statement-missing",
      `Missing \`${statement.type}:\` statement: ${journalName} requires “${statement.label}”; add it to the front matter, e.g. \`${statement.type}: ${example}\``,
      frontMatterPlace,
    );
  }

  if (options.abstract) checkAbstract(file, options.abstract, journalName);

  // The corresponding author.
  if (options.requireCorrespondingAuthor) {
    const corresponding = frontMatter.authors.flatMap((author, index) =>
      author.corresponding ? [{ author, index }] : [],
    );
    if (corresponding.length === 0 && frontMatter.authors.length > 0) {
      report(
        file,
        "corresponding-author-incomplete",
        "Missing corresponding author: mark one author with `corresponding: true` and give their `email:` and postal `address:`.",
        locate(["authors"]),
      );
    }
    for (const { author, index } of corresponding) {
      const missing = [
        author.email ? undefined : "`email:`",
        author.address ? undefined : "postal `address:`",
      ].filter((field) => field !== undefined);
      if (missing.length === 0) continue;
      report(
        file,
        "corresponding-author-incomplete",
        `Incomplete corresponding author ${author.name}: missing ${missing.join(" and ")}, expected both for the correspondence note.`,
        locate(["authors", index]),
      );
    }
  }

  // Affiliations: every id an author names is defined, every defined one is used.
  const defined = frontMatter.affiliations ?? {};
  const used = new Set<string>();
  for (const [index, author] of frontMatter.authors.entries()) {
    for (const [position, id] of (author.affiliations ?? []).entries()) {
      used.add(id);
      if (Object.hasOwn(defined, id)) continue;
      report(
        file,
        "affiliation-unknown",
        `Unknown affiliation \`${id}\` for ${author.name}: \`affiliations:\` does not define it.${didYouMean(id, Object.keys(defined))}`,
        locate(["authors", index, "affiliations", position]),
      );
    }
  }
  for (const id of Object.keys(defined)) {
    if (used.has(id)) continue;
    report(
      file,
      "affiliation-unused",
      `Unused affiliation \`${id}\`: no author names it; add it to an author's \`affiliations:\` or remove it.`,
      locate(["affiliations", id]),
    );
  }
}

/** Check the front matter's `abstract:` against the journal's form, headings and word limit. */
function checkAbstract(file: VFile, rule: AbstractRule, journalName: string): void {
  const abstract = file.data.frontMatter?.abstract;
  const locate = file.data.locateFrontMatter ?? (() => undefined);
  const place = locate(["abstract"]);
  if (abstract === undefined) {
    if (rule.required && rule.form !== "none") {
      const shape =
        rule.form === "structured"
          ? `a mapping of the headings ${rule.headings.map((heading) => `“${heading}”`).join(", ")} to text`
          : "one paragraph of text";
      report(
        file,
        "journal-abstract-missing",
        `Missing \`abstract:\`: ${journalName} requires an abstract; add it to the front matter as ${shape}.`,
        locate([]),
      );
    }
    return;
  }
  if (rule.form === "none") {
    report(
      file,
      "journal-abstract-form",
      `Unexpected \`abstract:\`: ${journalName} prints no abstract, so it is left out of the page; remove it or choose another journal.`,
      place,
    );
    return;
  }
  const structured = typeof abstract !== "string";
  if (rule.form === "plain" && structured) {
    report(
      file,
      "journal-abstract-form",
      `Unexpected headings in \`abstract:\`, expected one paragraph of text for ${journalName}; join the parts into one paragraph.`,
      place,
    );
  }
  if (rule.form === "structured" && !structured) {
    report(
      file,
      "journal-abstract-form",
      `Unexpected plain \`abstract:\`, expected the headings ${rule.headings.map((heading) => `“${heading}”`).join(", ")} for ${journalName}; write it as a mapping of each heading to its text.`,
      place,
    );
  }
  if (rule.form === "structured" && structured && rule.headings.length > 0) {
    const given = Object.keys(abstract);
    const wanted = rule.headings.map((heading) => heading.toLowerCase());
    for (const heading of given) {
      if (wanted.includes(heading.toLowerCase())) continue;
      report(
        file,
        "journal-abstract-form",
        `Unexpected abstract heading “${heading}”, expected one of ${rule.headings.map((title) => `“${title}”`).join(", ")} for ${journalName}.${didYouMean(heading, rule.headings)}`,
        locate(["abstract", heading]),
      );
    }
    const lowerGiven = given.map((heading) => heading.toLowerCase());
    const missing = rule.headings.filter((heading) => !lowerGiven.includes(heading.toLowerCase()));
    if (missing.length > 0) {
      report(
        file,
        "journal-abstract-form",
        `Missing abstract heading${missing.length > 1 ? "s" : ""} ${missing.map((heading) => `“${heading}”`).join(", ")}: ${journalName} expects ${rule.headings.map((heading) => `“${heading}”`).join(", ")}, in that order.`,
        place,
      );
    }
  }
  if (rule.words !== undefined) {
    const text = structured ? Object.values(abstract).join(" ") : abstract;
    const words = countWords(text);
    if (words > rule.words) {
      report(
        file,
        "journal-limit-exceeded",
        `Unexpected ${words} words in the abstract, expected at most ${rule.words} for ${journalName}; shorten it.`,
        place,
      );
    }
  }
}

/** unified plugin: the journal profile's checks (see `checkJournalRules`). */
export function remarkJournalRules(options: JournalRulesOptions) {
  return (tree: Root, file: VFile) => checkJournalRules(tree, file, options);
}
