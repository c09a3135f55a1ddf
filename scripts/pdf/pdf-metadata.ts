/**
 * PDF post-processing: document metadata and reproducible output.
 *
 * Chromium writes its own Title (the HTML `<title>`), a browser user agent as
 * Creator, "Skia/PDF" as Producer and the wall-clock time as CreationDate and
 * ModDate, and no trailer `/ID`. This module sets the information dictionary
 * from the manuscript's metadata, adds XMP, `/Lang`, `/Alt` on Figure
 * structure elements and `/Contents` on links and, when a `SOURCE_DATE_EPOCH`
 * is given, pins the dates and derives the `/ID` from a hash of the content,
 * so that two builds of the same input are byte-identical. Chromium's
 * structure-element ids (`/ID (node00000165)`, from DOM node ids that keep
 * growing with every document a browser process renders) are renumbered from 1.
 *
 * The work is done as an incremental update (incremental-update.ts): Chromium's
 * bytes are kept and the changes appended, reading only the few objects
 * needed. A PDF not in the shape that writer reads falls back to a full
 * pdf-lib parse and rewrite (pdf-lib-metadata.ts, imported only then).
 */
import { writeIncrementalUpdate } from "./incremental-update.ts";
import { type PdfMetadata, planMetadata } from "./metadata-plan.ts";
import { UnsupportedPdfError } from "./pdf-objects.ts";

export type { PdfMetadata } from "./metadata-plan.ts";

/** The new bytes and how they were made. */
export interface PdfMetadataResult {
  /** The PDF with the metadata applied. */
  pdf: Uint8Array;
  /** `incremental` (an appended update) or `pdf-lib` (the fallback's full rewrite). */
  method: "incremental" | "pdf-lib";
  /** Why the incremental writer declined, when it did. */
  fallbackReason?: string;
  /** Objects the incremental reader parsed (also when it declined part-way). */
  objectsParsed: number;
}

/**
 * Write the metadata into `pdf` and say how. Throws a RangeError for an
 * invalid `sourceDateEpoch`.
 */
export async function applyPdfMetadataDetailed(
  pdf: Uint8Array,
  metadata: PdfMetadata,
): Promise<PdfMetadataResult> {
  const plan = planMetadata(metadata);
  try {
    const { pdf: updated, stats } = writeIncrementalUpdate(pdf, plan);
    return { pdf: updated, method: "incremental", objectsParsed: stats.objectsParsed };
  } catch (error) {
    if (!(error instanceof UnsupportedPdfError)) throw error;
    const { applyWithPdfLib } = await import("./pdf-lib-metadata.ts");
    return {
      pdf: await applyWithPdfLib(pdf, plan),
      method: "pdf-lib",
      fallbackReason: error.message,
      objectsParsed: 0,
    };
  }
}

/**
 * Write the metadata into `pdf` and return the new bytes: an incremental
 * update where the PDF allows one, else a pdf-lib rewrite. The `/ID` is the
 * first 16 bytes of the SHA-256 of the document written with a zero `/ID`.
 */
export async function applyPdfMetadata(
  pdf: Uint8Array,
  metadata: PdfMetadata,
): Promise<Uint8Array> {
  return (await applyPdfMetadataDetailed(pdf, metadata)).pdf;
}
