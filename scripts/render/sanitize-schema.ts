/**
 * The one HTML policy of Casepress, as two rehype-sanitize schemas that share their lists:
 *
 * - `rawHtmlSchema`, what an author may write as raw HTML in the manuscript or a CSV cell:
 *   `<sup>`, `<sub>` and `<br>`, without attributes. `remark-raw-html.ts` asks this schema, and
 *   nothing else, what to keep and reports whatever it drops.
 * - `sanitizeSchema`, what may reach the output page: GitHub's default schema plus the elements
 *   and classes Casepress itself generates (sections, figures, captions, citations,
 *   abbreviations). Ids are kept as written (no `user-content-` prefix) because the HTML
 *   contract fixes them.
 *
 * Both strip the same elements with their content (`strippedElements`) and allow the same URL
 * schemes (`urlProtocols`): links http, https, mailto or relative; images http, https or relative.
 */
import { defaultSchema, type Options as Schema } from "rehype-sanitize";

/** Elements removed together with their content: code, styles and embedded documents. */
export const strippedElements = [
  "script",
  "style",
  "iframe",
  "object",
  "embed",
  "template",
  "noscript",
  "noembed",
  "noframes",
  "textarea",
  "title",
  "svg",
  "math",
  "xmp",
  "plaintext",
];

/** URL schemes allowed per URL attribute: `href` for links, `src` for images. */
export const urlProtocols = {
  href: ["http", "https", "mailto"],
  src: ["http", "https"],
};

/** The raw HTML elements an author may write; with no attributes. */
export const rawHtmlSchema: Schema = {
  tagNames: ["sup", "sub", "br"],
  attributes: {},
  protocols: urlProtocols,
  strip: strippedElements,
  clobber: [],
  clobberPrefix: "",
  required: {},
  ancestors: {},
};

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

/** The sanitize schema for the rendered page (manuscript-derived HTML). */
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
  protocols: { ...defaultSchema.protocols, ...urlProtocols },
  strip: strippedElements,
};
