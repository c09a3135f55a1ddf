/**
 * The allow-list for HTML that reaches the output (rehype-sanitize). It is GitHub's default
 * schema plus the elements and classes Casepress itself generates: sections, figures, captions,
 * citations and abbreviations. Ids are kept as written (no `user-content-` prefix) because the
 * HTML contract fixes them; URLs may only be http, https, mailto or relative.
 */
import { defaultSchema, type Options as Schema } from "rehype-sanitize";

const classes = ["className"];

/**
 * GitHub's schema limits `className` on some tags to a few fixed values (footnotes, task
 * lists); Casepress's own classes must pass everywhere, so those restrictions are removed.
 */
const defaultAttributes = Object.fromEntries(
  Object.entries(defaultSchema.attributes ?? {}).map(([tag, allowed]) => [
    tag,
    allowed.filter((entry) => !(Array.isArray(entry) && entry[0] === "className")),
  ]),
);

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
    ...defaultAttributes,
    "*": [...(defaultAttributes["*"] ?? []), "id", ...classes],
    a: [...(defaultAttributes.a ?? []), "ariaLabel"],
    abbr: ["title"],
    figure: [...classes, "dataPanels"],
    img: [...(defaultAttributes.img ?? []), "alt", "width", "height", "loading"],
    sup: [...classes],
    td: [
      ...(defaultAttributes.td ?? []),
      "colSpan",
      "rowSpan",
      ["align", "left", "right", "center"],
    ],
    th: [
      ...(defaultAttributes.th ?? []),
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
