/**
 * The front matter contract, as a zod schema. Every key is documented in the README's
 * "Front matter" table; `knownKeys` feeds "did you mean" for unknown keys.
 */
import { z } from "zod";

const text = z.string().trim().min(1, "must not be empty");
const scalarText = z.union([z.string(), z.number()]).transform(String);

/** One author of the manuscript. */
export const authorSchema = z.strictObject({
  /** Full name as printed, e.g. "Marc E. Grossman". */
  name: text,
  /** Degrees as printed after the name: "MD, FACP" or a list. */
  degrees: z.union([z.string(), z.array(z.string())]).optional(),
  /** Affiliation ids (keys of `affiliations`), in the order of the superscript letters. */
  affiliations: z.array(scalarText).optional(),
  /** The corresponding author (needs `email` and `address`). */
  corresponding: z.boolean().optional(),
  email: z.email("must be an e-mail address such as name@example.org").optional(),
  address: text.optional(),
  orcid: z
    .string()
    .regex(
      /^(https:\/\/orcid\.org\/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/,
      "must be an ORCID iD such as 0000-0002-1825-0097",
    )
    .optional(),
});

/** Publication details printed in the first-page footnote block. */
export const publicationSchema = z.strictObject({
  volume: scalarText.optional(),
  issue: scalarText.optional(),
  pages: scalarText.optional(),
  year: z.number().int().min(1000).max(9999).optional(),
  issn: text.optional(),
  doi: text.optional(),
  license: text.optional(),
  copyright: text.optional(),
});

/** The whole front matter. */
export const frontMatterSchema = z.strictObject({
  title: text,
  "short-title": text.optional(),
  "article-type": text.optional(),
  journal: text.optional(),
  lang: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "must be a language tag such as en or en-US")
    .optional(),
  authors: z.array(authorSchema).min(1, "must list at least one author"),
  affiliations: z.record(z.string(), text).optional(),
  location: text.optional(),
  keywords: z.array(text).optional(),
  abbreviations: z.record(z.string(), text).optional(),
  "abbreviations-ignore": z.array(text).optional(),
  funding: text.optional(),
  conflicts: text.optional(),
  bibliography: z.union([text, z.array(text)]).optional(),
  publication: publicationSchema.optional(),
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
