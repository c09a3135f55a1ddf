/**
 * The journal profile: everything journal-specific that is data, read from
 * `templates/<journal>/profile.json` and validated here.
 */
import { z } from "zod";

const severity = z.enum(["error", "warning", "info", "off"]);
const limit = z.number().int().positive().optional();

/** The profile schema; the README of each template folder explains where its numbers come from. */
export const journalProfileSchema = z.strictObject({
  /** Display name, printed in the citation line and running heads. */
  name: z.string().min(1),
  /** Default language of the HTML. */
  lang: z.string().default("en"),
  /** HTML template with `{{slot}}` placeholders, relative to the journal folder. */
  template: z.string().default("template.html"),
  /** Stylesheets copied into the assets folder and linked from the template. */
  stylesheets: z.array(z.string()).default([]),
  /** Font files from npm packages (`@fontsource/…/files/x.woff2`) copied to `<assets>/fonts/`. */
  fonts: z.array(z.string()).default([]),
  /** The CSL style file for the reference list. */
  csl: z.string(),
  /** Words printed by the template and the transforms. */
  labels: z
    .strictObject({
      figure: z.string().default("Fig"),
      table: z.string().default("Table"),
      references: z.string().default("References"),
      abbreviations: z.string().default("Abbreviations used"),
      keywords: z.string().default("Key words"),
      funding: z.string().default("Funding sources"),
      conflicts: z.string().default("Conflicts of interest"),
      correspondence: z.string().default("Correspondence to"),
    })
    .prefault({}),
  /** Number styles for figures and tables. */
  numbering: z
    .strictObject({
      figure: z.enum(["arabic", "roman", "alpha"]).default("arabic"),
      table: z.enum(["arabic", "roman", "alpha"]).default("arabic"),
    })
    .prefault({}),
  /** Sections the journal requires, matched case-insensitively against `#` headings. */
  "required-sections": z.array(z.string()).default([]),
  /** Front matter statements the journal requires. */
  "required-statements": z.array(z.enum(["funding", "conflicts"])).default([]),
  /** Whether a corresponding author with email and address is required. */
  "require-corresponding-author": z.boolean().default(true),
  /** Upper limits; a missing limit is not checked. */
  limits: z
    .strictObject({
      words: limit,
      references: limit,
      figures: limit,
      tables: limit,
      authors: limit,
      keywords: limit,
    })
    .prefault({}),
  /** What the figure checks accept. */
  figures: z
    .strictObject({
      formats: z.array(z.string()).default(["png", "jpeg", "tiff"]),
      "min-dpi": z.number().positive().default(300),
      "column-width-inches": z.number().positive().default(3.5),
    })
    .prefault({}),
  /** Abbreviation checker settings. */
  abbreviations: z
    .strictObject({
      allow: z.array(z.string()).default([]),
      "min-uses": z.number().int().nonnegative().default(0),
    })
    .prefault({}),
  /** Rule severity overrides by rule id. */
  severities: z.record(z.string(), severity).default({}),
  /** The first-page citation line; `{journal}`, `{year}`, `{volume}`, `{issue}`, `{pages}` are filled in. */
  "citation-line": z.string().default("{journal} {year};{volume}:{pages}."),
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
