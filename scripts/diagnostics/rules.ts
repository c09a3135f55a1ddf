/**
 * The one registry of Casepress's diagnostics: every rule id, its default severity and a
 * sentence of documentation. Journal profiles may override severities (`severities` in
 * `profile.json`). A test keeps this table, the code and the README's rule table in step.
 */

/** How serious a problem is; `error` stops a build and makes `check` exit 1. */
export type Severity = "error" | "warning" | "info";

/** One rule: its default severity and what it checks. */
export interface RuleDefinition {
  /** Default severity before journal overrides. */
  severity: Severity;
  /** The area of Casepress that reports it (used as the vfile message `source`). */
  source: string;
  /** One line for the README's rule table. */
  doc: string;
}

const rule = (severity: Severity, source: string, doc: string): RuleDefinition => ({
  severity,
  source,
  doc,
});

/** Every rule Casepress reports, by stable kebab-case id. */
export const rules = {
  // The manuscript file itself.
  "manuscript-unreadable": rule(
    "error",
    "manuscript",
    "The manuscript cannot be read (missing file, folder, permissions).",
  ),
  "manuscript-empty": rule("error", "manuscript", "The manuscript file is empty."),
  "manuscript-encoding": rule(
    "error",
    "manuscript",
    "The manuscript is binary or not valid UTF-8 text.",
  ),
  "manuscript-too-large": rule(
    "error",
    "manuscript",
    "The manuscript exceeds the size or nesting depth Casepress accepts.",
  ),
  "directive-unknown": rule(
    "warning",
    "manuscript",
    "A `:::name` container other than `figure` or `table`; its content is kept as plain text.",
  ),
  "directive-unclosed": rule(
    "error",
    "manuscript",
    "A `:::figure` or `:::table` container without its closing `:::` fence.",
  ),
  "html-raw-removed": rule(
    "warning",
    "sanitize",
    "Raw HTML outside the allow-list (scripts, iframes, styles, event handlers) was removed.",
  ),
  "url-unsafe": rule(
    "error",
    "sanitize",
    "A link or image URL with a scheme other than http, https, mailto or a relative path (e.g. `javascript:`).",
  ),
  // Front matter.
  "front-matter-missing": rule(
    "error",
    "front-matter",
    "The manuscript has no YAML front matter (`---` block at the top).",
  ),
  "front-matter-yaml": rule("error", "front-matter", "The front matter is not valid YAML."),
  "front-matter-duplicate-key": rule(
    "error",
    "front-matter",
    "A key appears twice in the same front matter mapping.",
  ),
  "front-matter-unknown-key": rule(
    "warning",
    "front-matter",
    "A front matter key Casepress does not know (with a suggestion).",
  ),
  "front-matter-type": rule(
    "error",
    "front-matter",
    "A front matter value has the wrong type or shape.",
  ),
  "front-matter-required": rule(
    "error",
    "front-matter",
    "A required front matter field is missing.",
  ),
  "affiliation-unknown": rule(
    "error",
    "front-matter",
    "An author names an affiliation id that `affiliations` does not define.",
  ),
  "affiliation-unused": rule(
    "warning",
    "front-matter",
    "An affiliation is defined but no author uses it.",
  ),
  "journal-unknown": rule(
    "error",
    "journal",
    "The `journal` (or `--journal`) names no folder under `templates/`.",
  ),
  "journal-profile-invalid": rule(
    "error",
    "journal",
    "The journal's `profile.json` or template is missing or malformed.",
  ),
  // Files a manuscript names.
  "path-outside-root": rule("error", "paths", "A file path leaves the manuscript's root folder."),
  "path-remote": rule(
    "error",
    "paths",
    "A remote URL where a local file is required; nothing is fetched while rendering.",
  ),
  // Bibliography and citations.
  "bibliography-missing": rule(
    "error",
    "citations",
    "A bibliography file named in the front matter does not exist.",
  ),
  "bibliography-malformed": rule(
    "error",
    "citations",
    "A bibliography file cannot be parsed (bad JSON, unclosed BibTeX brace, bad RIS).",
  ),
  "bibliography-duplicate-key": rule("error", "citations", "Two bibliography entries share a key."),
  "bibliography-duplicate-doi": rule(
    "warning",
    "citations",
    "Two bibliography entries share a DOI.",
  ),
  "bibliography-entry-incomplete": rule(
    "warning",
    "citations",
    "An entry lacks a field the style needs (authors, title, journal, year).",
  ),
  "bibliography-expansion-limit": rule(
    "error",
    "citations",
    "A BibTeX `@string` macro, `crossref` or entry expands past its size cap; it is left out.",
  ),
  "bibliography-entry-uncited": rule(
    "warning",
    "citations",
    "A bibliography entry is never cited.",
  ),
  "citation-key-unknown": rule(
    "error",
    "citations",
    "A citation key that no bibliography entry has (with a suggestion).",
  ),
  "citation-key-empty": rule("error", "citations", "A citation with no key, such as `[@]`."),
  "citation-after-number": rule(
    "warning",
    "citations",
    "A superscript citation directly after a number or unit reads as an exponent.",
  ),
  // Figures.
  "figure-id-missing": rule("error", "figures", "A `:::figure` container without an `#fig-…` id."),
  "figure-id-duplicate": rule("error", "figures", "Two figures or tables share an id."),
  "figure-image-missing": rule(
    "error",
    "figures",
    "A `:::figure` container with no image in its first paragraph.",
  ),
  "figure-file-missing": rule("error", "figures", "An image file that does not exist."),
  "figure-file-unreadable": rule(
    "error",
    "figures",
    "An image file that is corrupt or not an image.",
  ),
  "figure-format-unsupported": rule(
    "error",
    "figures",
    "An image format the journal profile does not accept.",
  ),
  "figure-resolution-low": rule(
    "warning",
    "figures",
    "An image below the profile's minimum resolution at print width.",
  ),
  "figure-alt-missing": rule(
    "warning",
    "figures",
    "An image without alt text (an accessibility failure).",
  ),
  "figure-not-called-out": rule("error", "figures", "A figure never referenced in the text."),
  "figure-callout-order": rule(
    "warning",
    "figures",
    "Figures are first called out in an order different from their source order.",
  ),
  "figure-panel-unknown": rule(
    "error",
    "figures",
    "A panel callout such as `(@fig-x, **C**)` names a panel the caption does not define.",
  ),
  // Tables.
  "table-id-missing": rule("error", "tables", "A `:::table` container without a `#tbl-…` id."),
  "table-missing": rule(
    "error",
    "tables",
    "A `:::table` container with neither a pipe table nor a `src` CSV file.",
  ),
  "table-caption-empty": rule("error", "tables", "A table without a caption paragraph."),
  "table-row-cells": rule(
    "error",
    "tables",
    "A table row with more or fewer cells than the header.",
  ),
  "table-csv-missing": rule("error", "tables", "The CSV file named by `src` does not exist."),
  "table-csv-malformed": rule("error", "tables", "The CSV file named by `src` cannot be parsed."),
  "table-csv-too-large": rule(
    "error",
    "tables",
    "A CSV table has more rows or cell text than Casepress accepts, or a cell nests too deep.",
  ),
  "table-source-conflict": rule(
    "error",
    "tables",
    "A `:::table` with both a `src` CSV file and a pipe table.",
  ),
  "table-not-called-out": rule("error", "tables", "A table never referenced in the text."),
  // Cross-references.
  "cross-reference-unknown": rule(
    "error",
    "cross-references",
    "`@fig-…` or `@tbl-…` names no figure or table (with a suggestion).",
  ),
  // Abbreviations.
  "abbreviation-unused": rule(
    "error",
    "abbreviations",
    "An abbreviation in the list is used nowhere (text, tables, legends).",
  ),
  "abbreviation-unlisted-definition": rule(
    "error",
    "abbreviations",
    'The text defines "long form (ABBR)" but the list lacks ABBR.',
  ),
  "abbreviation-unlisted": rule(
    "warning",
    "abbreviations",
    "An abbreviation-like token is used but not listed.",
  ),
  "abbreviation-first-use-undefined": rule(
    "error",
    "abbreviations",
    'The first use in running text is not written "long form (ABBR)".',
  ),
  "abbreviation-used-before-definition": rule(
    "error",
    "abbreviations",
    "An abbreviation is used in running text before its definition.",
  ),
  "abbreviation-expansion-mismatch": rule(
    "warning",
    "abbreviations",
    "The long form in the text differs from the list's.",
  ),
  "abbreviation-long-form-repeated": rule(
    "info",
    "abbreviations",
    "The long form reappears after the abbreviation was defined.",
  ),
  "abbreviation-float-undefined": rule(
    "error",
    "abbreviations",
    "An abbreviation used only in a table or legend is not expanded in its footnote or legend.",
  ),
  "abbreviation-in-heading": rule(
    "warning",
    "abbreviations",
    "An abbreviation in the title or a heading.",
  ),
  "abbreviation-few-uses": rule(
    "info",
    "abbreviations",
    "An abbreviation used fewer times than the profile's minimum.",
  ),
  "abbreviation-list-unsorted": rule(
    "warning",
    "abbreviations",
    "The abbreviation list is not sorted alphabetically ignoring case.",
  ),
  // Journal profile rules.
  "journal-section-missing": rule("error", "journal", "A section the journal requires is missing."),
  "journal-limit-exceeded": rule(
    "error",
    "journal",
    "Body words, references, figures, tables, authors or key words exceed the journal's limit.",
  ),
  "journal-statement-missing": rule(
    "error",
    "journal",
    "A required statement (funding, conflicts of interest) is missing.",
  ),
  "corresponding-author-incomplete": rule(
    "error",
    "journal",
    "No corresponding author, or one without email and postal address.",
  ),
  // Rendering and the tool itself.
  "internal-error": rule(
    "error",
    "casepress",
    "Casepress itself failed on this manuscript; please report it with the manuscript.",
  ),
  "pdf-request-blocked": rule(
    "warning",
    "pdf",
    "While printing, a request outside the output folder was blocked.",
  ),
  // The machine Casepress runs on (exit code 2).
  "source-date-epoch-invalid": rule(
    "error",
    "environment",
    "SOURCE_DATE_EPOCH is not whole seconds between 1970 and 9999-12-31.",
  ),
  "pdf-browser-unavailable": rule(
    "error",
    "environment",
    "No Chrome or Chromium could be found or started to print the PDF.",
  ),
  "pdf-timeout": rule(
    "error",
    "environment",
    "Loading or printing the PDF took longer than the time limit.",
  ),
  "pdf-render-failed": rule(
    "error",
    "environment",
    "The browser failed while printing the PDF (crashed or closed).",
  ),
  // The submission package.
  "package-file-name-invalid": rule(
    "error",
    "package",
    "A file name in the submission package that submission systems may reject.",
  ),
  "package-figure-resolution-low": rule(
    "error",
    "package",
    "A figure too small to export at the journal's minimum dpi at its print width; it is never upscaled.",
  ),
  "package-figure-export-invalid": rule(
    "error",
    "package",
    "An exported figure file that, read back, lacks the size, format or dpi it was written with.",
  ),
  "jats-issn-missing": rule(
    "warning",
    "jats",
    "The JATS output has no ISSN, which the Journal Publishing DTD requires (`publication.issn` or the profile's `journal-meta.issn`).",
  ),
} as const satisfies Record<string, RuleDefinition>;

/** A rule id Casepress can report. */
export type RuleId = keyof typeof rules;

/** Whether a string is a known rule id. */
export function isRuleId(value: string): value is RuleId {
  return Object.hasOwn(rules, value);
}
