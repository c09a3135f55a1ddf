/**
 * What the PDF post-processing writes, worked out once from the manuscript's metadata and shared
 * by both writers: the incremental one (incremental-update.ts) and the pdf-lib fallback
 * (pdf-lib-metadata.ts). Holding it in one place keeps the two from drifting apart.
 */
import type { XmpFields } from "./pdf-accessibility.ts";

/** Metadata written into the PDF's information dictionary. */
export interface PdfMetadata {
  /** Full article title. */
  title: string;
  /** Author names in byline order, e.g. `["Margo Lederhandler", "Whitney Valins"]`. */
  authors: readonly string[];
  /** One-line description (PDF "Subject"), e.g. the journal and article type. */
  subject?: string;
  /** Key words, written as one `; `-separated Keywords entry. */
  keywords?: readonly string[];
  /** The application that made the source document, e.g. `"Casepress 0.1.0"`. */
  creator: string;
  /** The software that wrote the PDF; defaults to `creator` plus "(Chromium)". */
  producer?: string;
  /** BCP 47 language tag for the catalog `/Lang`, e.g. `"en"`. Left as Chromium wrote it when absent. */
  language?: string;
  /**
   * Seconds since the Unix epoch (the `SOURCE_DATE_EPOCH` convention). When
   * set, CreationDate and ModDate use it and the trailer `/ID` is a content
   * hash; otherwise the dates are the current time and `/ID` is still a
   * content hash (which then includes the date).
   */
  sourceDateEpoch?: number;
  /** A persistent identifier for the XMP `dc:identifier`, e.g. `doi:10.1016/…`. */
  identifier?: string;
  /** Copyright and licence text for the XMP `dc:rights`. */
  rights?: string;
  /** Descriptions of in-document links by destination name (`fig-ulcer` → "Fig 1"), for `/Contents`. */
  linkTexts?: ReadonlyMap<string, string>;
}

/** The metadata as both writers apply it. */
export interface MetadataPlan {
  /** Information-dictionary text entries in writing order, e.g. `["Title", "Leg ulcers …"]`. */
  info: readonly (readonly [key: string, text: string])[];
  /** CreationDate and ModDate. */
  date: Date;
  /** The catalog `/Lang`, when given. */
  language?: string;
  /** The XMP packet's fields. */
  xmp: XmpFields;
  /** Descriptions of in-document links by destination name. */
  linkTexts: ReadonlyMap<string, string>;
}

/**
 * Work out what to write; throws a RangeError when `sourceDateEpoch` is not a number of seconds
 * from 1970-01-01 to 9999-12-31 (a PDF date has a four-digit year).
 */
export function planMetadata(metadata: PdfMetadata): MetadataPlan {
  const date =
    metadata.sourceDateEpoch === undefined
      ? new Date()
      : new Date(Math.trunc(metadata.sourceDateEpoch) * 1000);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() > 9999 || date.getTime() < 0) {
    throw new RangeError(
      `sourceDateEpoch ${String(metadata.sourceDateEpoch)} is not a valid number of seconds from 1970-01-01 to 9999-12-31.`,
    );
  }
  const producer = metadata.producer ?? `${metadata.creator} (Chromium)`;
  const info: [string, string][] = [
    ["Title", metadata.title],
    ["Author", metadata.authors.join("; ")],
  ];
  if (metadata.subject !== undefined) info.push(["Subject", metadata.subject]);
  // One entry keeps multi-word key words intact.
  if (metadata.keywords !== undefined && metadata.keywords.length > 0)
    info.push(["Keywords", metadata.keywords.join("; ")]);
  info.push(["Creator", metadata.creator], ["Producer", producer]);
  return {
    info,
    date,
    ...(metadata.language !== undefined ? { language: metadata.language } : {}),
    xmp: {
      title: metadata.title,
      authors: metadata.authors,
      ...(metadata.subject !== undefined ? { subject: metadata.subject } : {}),
      ...(metadata.keywords !== undefined ? { keywords: metadata.keywords } : {}),
      ...(metadata.language !== undefined ? { language: metadata.language } : {}),
      ...(metadata.identifier !== undefined ? { identifier: metadata.identifier } : {}),
      ...(metadata.rights !== undefined ? { rights: metadata.rights } : {}),
      creator: metadata.creator,
      producer,
      date,
    },
    linkTexts: metadata.linkTexts ?? new Map(),
  };
}

/** A PDF date (§7.9.4) in UTC, as pdf-lib writes it: `D:20231114221320Z`. */
export function pdfDate(date: Date): string {
  return `D:${date.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
}
