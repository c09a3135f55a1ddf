/**
 * The journal profile: everything journal-specific that is data, read from
 * `templates/<journal>/profile.json` and validated here.
 */
import * as z from "zod/mini";
import "./zod-messages.ts";

const severity = z.enum(["error", "warning", "info", "off"]);
const limit = z.optional(z.int().check(z.positive()));

/**
 * The statement types a manuscript may give in its front matter (one key each), in the order
 * they print when a profile does not order them itself.
 */
export const statementTypes = [
  "funding",
  "conflicts",
  "consent",
  "ethics",
  "contributions",
  "acknowledgments",
  "data-availability",
  "patient-perspective",
] as const;

/** One statement type, which is also its front matter key. */
export type StatementType = (typeof statementTypes)[number];

/** Where a statement prints: the first-page notes, the back matter after the body, or nowhere. */
const statementPlace = z.enum(["notes", "back", "none"]);

/** The parts of a submission manuscript (DOCX), in their default order. */
const submissionParts = [
  "title-page",
  "abstract",
  "abbreviations",
  "body",
  "statements",
  "references",
  "tables",
  "figure-legends",
] as const;

/** Labels of the statements a profile does not label itself. */
const defaultStatementLabels: Record<StatementType, string> = {
  funding: "Funding sources",
  conflicts: "Conflicts of interest",
  consent: "Patient consent",
  ethics: "Ethics approval",
  contributions: "Author contributions",
  acknowledgments: "Acknowledgments",
  "data-availability": "Data availability",
  "patient-perspective": "Patient's perspective",
};

/** How a profile sets one statement type. */
const statementSchema = z.strictObject({
  /** The label printed before the statement ("Funding sources:"). */
  label: z.optional(z.string().check(z.minLength(1))),
  /** Whether the manuscript must give it (`journal-statement-missing` otherwise). */
  required: z._default(z.boolean(), false),
  /** Where it prints. */
  place: z._default(statementPlace, "notes"),
});

/** The profile schema; the README of each template folder explains where its numbers come from. */
export const journalProfileSchema = z.strictObject({
  /** Display name, printed in the citation line and running heads. */
  name: z.string().check(z.minLength(1)),
  /** Default language of the HTML. */
  lang: z._default(z.string(), "en"),
  /** HTML template with `{{slot}}` placeholders, relative to the journal folder. */
  template: z._default(z.string(), "template.html"),
  /** Stylesheets copied into the assets folder and linked from the template. */
  stylesheets: z._default(z.array(z.string()), []),
  /** Font files from npm packages (`@fontsource/…/files/x.woff2`) copied to `<assets>/fonts/`. */
  fonts: z._default(z.array(z.string()), []),
  /** The CSL style file for the reference list. */
  csl: z.string(),
  /** Words printed by the template and the transforms. */
  labels: z.prefault(
    z.strictObject({
      figure: z._default(z.string(), "Fig"),
      table: z._default(z.string(), "Table"),
      references: z._default(z.string(), "References"),
      abbreviations: z._default(z.string(), "Abbreviations used"),
      keywords: z._default(z.string(), "Key words"),
      funding: z._default(z.string(), "Funding sources"),
      conflicts: z._default(z.string(), "Conflicts of interest"),
      correspondence: z._default(z.string(), "Correspondence to"),
    }),
    {},
  ),
  /** Number styles for figures and tables. */
  numbering: z.prefault(
    z.strictObject({
      figure: z._default(z.enum(["arabic", "roman", "alpha"]), "arabic"),
      table: z._default(z.enum(["arabic", "roman", "alpha"]), "arabic"),
    }),
    {},
  ),
  /** Sections the journal requires, matched case-insensitively against `#` headings. */
  "required-sections": z._default(z.array(z.string()), []),
  /**
   * Front matter statements the journal requires (a shorthand for `statements.<type>.required`).
   */
  "required-statements": z._default(z.array(z.enum(statementTypes)), []),
  /**
   * Statement types by front matter key: label, whether required, where printed. They print in
   * this order, then the types left out in the order of `statementTypes`, in the notes.
   */
  statements: z._default(z.partialRecord(z.enum(statementTypes), statementSchema), {}),
  /** How in-text citations print: AMA superscripts (`¹`) or bracketed Vancouver numbers (`[1]`). */
  "citation-style": z._default(z.enum(["superscript", "brackets"]), "superscript"),
  /** The abstract the journal prints, from the front matter's `abstract:`. */
  abstract: z.prefault(
    z.strictObject({
      /** `none`: the journal prints no abstract; `plain`: one paragraph; `structured`: headed parts. */
      form: z._default(z.enum(["none", "plain", "structured"]), "plain"),
      /** Whether the manuscript must give one. */
      required: z._default(z.boolean(), false),
      /** The heading printed above it. */
      label: z._default(z.string(), "Abstract"),
      /** For `structured`: the headings, in order. */
      headings: z._default(z.array(z.string().check(z.minLength(1))), []),
      /** Upper limit on its words; left out, not checked. */
      words: limit,
    }),
    {},
  ),
  /** Whether a corresponding author with email and address is required. */
  "require-corresponding-author": z._default(z.boolean(), true),
  /** Upper limits; a missing limit is not checked. */
  limits: z.prefault(
    z.strictObject({
      words: limit,
      references: limit,
      figures: limit,
      tables: limit,
      authors: limit,
      keywords: limit,
    }),
    {},
  ),
  /** What the figure checks accept. */
  figures: z.prefault(
    z.strictObject({
      formats: z._default(z.array(z.string()), ["png", "jpeg", "tiff"]),
      "min-dpi": z._default(z.number().check(z.positive()), 300),
      "column-width-inches": z._default(z.number().check(z.positive()), 3.5),
    }),
    {},
  ),
  /** Abbreviation checker settings. */
  abbreviations: z.prefault(
    z.strictObject({
      allow: z._default(z.array(z.string()), []),
      "min-uses": z._default(z.int().check(z.nonnegative()), 0),
    }),
    {},
  ),
  /**
   * The submission form (`--format docx`, `casepress package`): the editable manuscript a
   * submission system asks for, which is not the typeset page.
   */
  submission: z.prefault(
    z.strictObject({
      /** Line spacing as a multiple of single spacing; 2 is double spacing. */
      "line-spacing": z._default(z.number().check(z.positive()), 2),
      /** Line numbers in the margin: continuous through the document, restarted per page, or none. */
      "line-numbers": z._default(z.enum(["continuous", "page", "none"]), "continuous"),
      /** Page numbers in the footer. */
      "page-numbers": z._default(z.boolean(), true),
      /** The body font and its size in points. */
      font: z._default(z.string(), "Times New Roman"),
      "font-size": z._default(z.number().check(z.positive()), 12),
      /** Tables' font size in points and line spacing: a wide table stays readable at 1. */
      "table-font-size": z._default(z.number().check(z.positive()), 10),
      "table-line-spacing": z._default(z.number().check(z.positive()), 1),
      /** Paper size and margins. */
      paper: z._default(z.enum(["letter", "a4"]), "letter"),
      "margin-inches": z._default(z.number().check(z.positive()), 1),
      /** Where tables go: each on its own page after the references, or where they stand. */
      tables: z._default(z.enum(["after-references", "in-place"]), "after-references"),
      /** Whether figures are embedded in the manuscript (most systems want separate files). */
      "embed-figures": z._default(z.boolean(), false),
      /** The parts of the manuscript in order; a part left out is not written. */
      order: z._default(z.array(z.enum(submissionParts)), [...submissionParts]),
      /** Parts that start on a new page. */
      "new-page": z._default(z.array(z.string()), [
        "abstract",
        "body",
        "references",
        "figure-legends",
      ]),
      /** The heading of the figure legends part. */
      "figure-legends-label": z._default(z.string(), "Figure legends"),
      /** The heading of the abstract part and the name of the section the abstract is taken from. */
      "abstract-label": z._default(z.string(), "Abstract"),
      /** The heading of the statements part (funding, conflicts); empty for none. */
      "statements-label": z._default(z.string(), "Statements"),
      /** Separate figure files in `casepress package`: their format and file name prefix. */
      "figure-format": z._default(z.enum(["tiff", "jpeg"]), "tiff"),
      "figure-file-prefix": z._default(z.string(), "Figure"),
    }),
    {},
  ),
  /** Rule severity overrides by rule id. */
  severities: z._default(z.record(z.string(), severity), {}),
  /**
   * Journal identity for deposit metadata (JATS `journal-meta`, Highwire and JSON-LD tags).
   * All optional; the JATS DTD needs at least one ISSN (here or in `publication.issn`).
   */
  "journal-meta": z.prefault(
    z.strictObject({
      /** Journal ids by JATS `journal-id-type`, e.g. `{"nlm-ta": "JAAD Case Rep"}`. */
      ids: z._default(z.record(z.string(), z.string().check(z.minLength(1))), {}),
      /** The abbreviated title (NLM title abbreviation). */
      "abbreviated-title": z.optional(z.string().check(z.minLength(1))),
      /** ISSNs by JATS `pub-type`: `{"epub": "2352-5126"}`. */
      issn: z._default(z.record(z.string(), z.string().check(z.minLength(1))), {}),
      /** The publisher's name. */
      publisher: z.optional(z.string().check(z.minLength(1))),
    }),
    {},
  ),
  /** The first-page citation line; `{journal}`, `{year}`, `{volume}`, `{issue}`, `{pages}` are filled in. */
  "citation-line": z._default(z.string(), "{journal} {year};{volume}:{pages}."),
});

/** A validated journal profile plus where it came from. */
export type JournalProfile = z.output<typeof journalProfileSchema> & {
  /** The folder name under `templates/`. */
  id: string;
  /** Absolute path of the journal folder. */
  directory: string;
  /** The HTML template's text. */
  templateHtml: string;
  /** The CSL style's XML. */
  cslXml: string;
};

/** One statement type as a profile resolves it. */
export interface ResolvedStatement {
  type: StatementType;
  label: string;
  required: boolean;
  place: "notes" | "back" | "none";
}

/**
 * The profile's statement types in print order: those `statements` names first, in its order,
 * then the rest in the order of `statementTypes`. Funding and conflicts keep the labels of
 * `labels.funding` and `labels.conflicts` unless `statements` labels them.
 */
export function resolveStatements(
  profile: Pick<
    z.output<typeof journalProfileSchema>,
    "statements" | "required-statements" | "labels"
  >,
): ResolvedStatement[] {
  const named = Object.keys(profile.statements).filter((key): key is StatementType =>
    (statementTypes as readonly string[]).includes(key),
  );
  const order = [...named, ...statementTypes.filter((type) => !named.includes(type))];
  const baseLabels: Record<StatementType, string> = {
    ...defaultStatementLabels,
    funding: profile.labels.funding,
    conflicts: profile.labels.conflicts,
  };
  return order.map((type) => {
    const setting = profile.statements[type];
    return {
      type,
      label: setting?.label ?? baseLabels[type],
      required: (setting?.required ?? false) || profile["required-statements"].includes(type),
      place: setting?.place ?? "notes",
    };
  });
}
