/**
 * The allow-list for HTML that reaches the output (rehype-sanitize). It is GitHub's default
 * schema plus the elements and classes Casepress itself generates: sections, figures, captions,
 * citations and abbreviations. Ids are kept as written (no `user-content-` prefix) because the
 * HTML contract fixes them; URLs may only be http, https, mailto or relative.
 */
import { defaultSchema, type Options as Schema } from "rehype-sanitize";

const classes = ["className"];

/** The sanitize schema for manuscript-derived HTML. */
export const sanitizeSchema: Schema = {
  ...defaultSchema,
  clobber: [],
  clobberPrefix: "",
  tagNames: [
    ...(defaultSchema.tagNames ?? []),
    "section",
    "figure",
    "figcaption",
    "caption",
    "abbr",
    "aside",
    "header",
    "footer",
    "colgroup",
    "col",
  ],
  attributes: {
    ...defaultSchema.attributes,
    "*": [...(defaultSchema.attributes?.["*"] ?? []), "id", ...classes],
    // GitHub's schema limits link classes to footnote back-references; Casepress's own classes
    // (cross-reference, backlink) must pass, so that restriction is replaced.
    a: [
      ...(defaultSchema.attributes?.a ?? []).filter((entry) => !Array.isArray(entry)),
      ...classes,
      "ariaLabel",
    ],
    abbr: ["title"],
    figure: [...classes, "dataPanels"],
    img: [...(defaultSchema.attributes?.img ?? []), "alt", "width", "height", "loading"],
    sup: [...classes],
    td: [
      ...(defaultSchema.attributes?.td ?? []),
      "colSpan",
      "rowSpan",
      ["align", "left", "right", "center"],
    ],
    th: [
      ...(defaultSchema.attributes?.th ?? []),
      "colSpan",
      "rowSpan",
      "scope",
      ["align", "left", "right", "center"],
    ],
  },
  protocols: {
    ...defaultSchema.protocols,
    href: ["http", "https", "mailto"],
    src: ["http", "https"],
  },
  strip: ["script", "style", "iframe", "object", "embed", "template", "noscript"],
};
