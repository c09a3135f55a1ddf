/**
 * The front matter contract, as a zod schema. Every key is documented in the README's
 * "Front matter" table; `knownKeys` feeds "did you mean" for unknown keys.
 *
 * Schemas use zod/mini, the tree-shakable form of zod: the same validation and issues as
 * classic zod at a fraction of the start-up cost (classic zod adds ~30 ms to every run).
 */
import * as z from "zod/mini";
import "./zod-messages.ts";

const text = z.string().check(z.trim(), z.minLength(1, "must not be empty"));
const scalarText = z.pipe(z.union([z.string(), z.number()]), z.transform(String));

/** One author of the manuscript. */
export const authorSchema = z.strictObject({
  /** Full name as printed, e.g. "Marc E. Grossman". */
  name: text,
  /** Degrees as printed after the name: "MD, FACP" or a list. */
  degrees: z.optional(z.union([z.string(), z.array(z.string())])),
  /** Affiliation ids (keys of `affiliations`), in the order of the superscript letters. */
  affiliations: z.optional(z.array(scalarText)),
  /** The corresponding author (needs `email` and `address`). */
  corresponding: z.optional(z.boolean()),
  email: z.optional(z.email("must be an e-mail address such as name@example.org")),
  address: z.optional(text),
  orcid: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^(https:\/\/orcid\.org\/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/,
          "must be an ORCID iD such as 0000-0002-1825-0097",
        ),
      ),
  ),
});

/** Publication details printed in the first-page footnote block. */
export const publicationSchema = z.strictObject({
  volume: z.optional(scalarText),
  issue: z.optional(scalarText),
  pages: z.optional(scalarText),
  year: z.optional(z.int().check(z.gte(1000), z.lte(9999))),
  issn: z.optional(text),
  doi: z.optional(text),
  license: z.optional(text),
  copyright: z.optional(text),
});

/** The whole front matter. */
export const frontMatterSchema = z.strictObject({
  title: text,
  "short-title": z.optional(text),
  "article-type": z.optional(text),
  journal: z.optional(text),
  lang: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/,
          "must be a language tag such as en or en-US",
        ),
      ),
  ),
  authors: z.array(authorSchema).check(z.minLength(1, "must list at least one author")),
  affiliations: z.optional(z.record(z.string(), text)),
  location: z.optional(text),
  keywords: z.optional(z.array(text)),
  abbreviations: z.optional(z.record(z.string(), text)),
  "abbreviations-ignore": z.optional(z.array(text)),
  /** The abstract: one paragraph of text, or a mapping of headings to text (structured). */
  abstract: z.optional(z.union([text, z.record(z.string(), text)])),
  // Statements; the journal profile says which are required, their labels and where they print.
  funding: z.optional(text),
  conflicts: z.optional(text),
  consent: z.optional(text),
  ethics: z.optional(text),
  contributions: z.optional(text),
  acknowledgments: z.optional(text),
  "data-availability": z.optional(text),
  "patient-perspective": z.optional(text),
  bibliography: z.optional(z.union([text, z.array(text)])),
  publication: z.optional(publicationSchema),
});

/** The validated front matter. */
export type FrontMatter = z.output<typeof frontMatterSchema>;
/** One validated author. */
export type Author = z.output<typeof authorSchema>;

/** Known keys per nesting level, for "did you mean". */
export const knownKeys = {
  root: Object.keys(frontMatterSchema.shape),
  author: Object.keys(authorSchema.shape),
  publication: Object.keys(publicationSchema.shape),
};
