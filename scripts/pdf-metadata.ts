/**
 * PDF post-processing with pdf-lib: document metadata and reproducible output.
 *
 * Chromium writes its own Title (the HTML `<title>`), a browser user agent as
 * Creator, "Skia/PDF" as Producer and the wall-clock time as CreationDate and
 * ModDate, and no trailer `/ID`. This module replaces the information
 * dictionary with the manuscript's metadata and, when a `SOURCE_DATE_EPOCH`
 * is given, pins the dates and derives the `/ID` from a hash of the content,
 * so that two builds of the same input are byte-identical.
 */

import { createHash } from "node:crypto";
import { PDFDocument, PDFHexString, PDFName } from "pdf-lib";

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
  /** The software that wrote the PDF; defaults to `creator` plus "(Chromium; pdf-lib)". */
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
}

/** Placeholder written while hashing, so the hash never depends on a previous `/ID`. */
const ZERO_ID = "0".repeat(32);

/** Set the trailer `/ID` to two copies of `hex` (32 hex digits). */
function setTrailerId(doc: PDFDocument, hex: string): void {
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(hex), PDFHexString.of(hex)]);
}

/**
 * Write the metadata into `pdf` and return the new bytes.
 *
 * Saving uses `useObjectStreams: false`: plain cross-reference tables, the
 * layout Chromium itself writes, and one pdf-lib knows to write in a stable
 * order. The `/ID` is the first 16 bytes of the SHA-256 of the document saved
 * with a zero `/ID`.
 */
export async function applyPdfMetadata(
  pdf: Uint8Array,
  metadata: PdfMetadata,
): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });

  doc.setTitle(metadata.title, { showInWindowTitleBar: true });
  doc.setAuthor(metadata.authors.join("; "));
  if (metadata.subject !== undefined) doc.setSubject(metadata.subject);
  if (metadata.keywords !== undefined && metadata.keywords.length > 0) {
    // pdf-lib joins the array with spaces; a single entry keeps multi-word key words intact.
    doc.setKeywords([metadata.keywords.join("; ")]);
  }
  doc.setCreator(metadata.creator);
  doc.setProducer(metadata.producer ?? `${metadata.creator} (Chromium; pdf-lib)`);
  if (metadata.language !== undefined) doc.setLanguage(metadata.language);

  const date =
    metadata.sourceDateEpoch === undefined
      ? new Date()
      : new Date(Math.trunc(metadata.sourceDateEpoch) * 1000);
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(
      `sourceDateEpoch ${String(metadata.sourceDateEpoch)} is not a valid number of seconds since 1970-01-01.`,
    );
  }
  doc.setCreationDate(date);
  doc.setModificationDate(date);

  // A stale /Metadata (XMP) stream would contradict the new dictionary; Chromium
  // writes none today, but drop one if a future version does.
  doc.catalog.delete(PDFName.of("Metadata"));

  setTrailerId(doc, ZERO_ID);
  const draft = await doc.save({ useObjectStreams: false });
  const hex = createHash("sha256").update(draft).digest("hex").slice(0, 32).toUpperCase();
  setTrailerId(doc, hex);
  return doc.save({ useObjectStreams: false });
}
