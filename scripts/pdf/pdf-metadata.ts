/**
 * PDF post-processing with pdf-lib: document metadata and reproducible output.
 *
 * Chromium writes its own Title (the HTML `<title>`), a browser user agent as
 * Creator, "Skia/PDF" as Producer and the wall-clock time as CreationDate and
 * ModDate, and no trailer `/ID`. This module replaces the information
 * dictionary with the manuscript's metadata and, when a `SOURCE_DATE_EPOCH`
 * is given, pins the dates and derives the `/ID` from a hash of the content,
 * so that two builds of the same input are byte-identical.
 *
 * One more source of variation is Chromium's tagged-PDF structure tree: table
 * header cells carry `/ID (node00000165)` strings made from DOM node ids,
 * which keep growing with every document a browser process renders.
 * {@link normalizeStructureIds} renumbers them from 1, keeping their order.
 */

import { createHash } from "node:crypto";
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  type PDFObject,
  PDFRef,
  PDFString,
} from "pdf-lib";
import { pdfTextString } from "../render/escape.ts";
import { addFigureAlt, addLinkContents, setXmpMetadata } from "./pdf-accessibility.ts";

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
  /** A persistent identifier for the XMP `dc:identifier`, e.g. `doi:10.1016/…`. */
  identifier?: string;
  /** Copyright and licence text for the XMP `dc:rights`. */
  rights?: string;
  /** Descriptions of in-document links by destination name (`fig-ulcer` → "Fig 1"), for `/Contents`. */
  linkTexts?: ReadonlyMap<string, string>;
}

/** Placeholder written while hashing, so the hash never depends on a previous `/ID`. */
const ZERO_ID = "0".repeat(32);

/** Chromium's structure-element ids: "node" and a zero-padded DOM node id. */
const NODE_ID = /^node(\d+)$/;

/** The text of a PDF string object, or undefined for other objects. */
function stringValue(object: PDFObject | undefined): string | undefined {
  if (object instanceof PDFString || object instanceof PDFHexString) return object.decodeText();
  return undefined;
}

/**
 * Renumber Chromium's structure-element ids (`node00000165` …) to
 * `node00000001` … in their original numeric order, everywhere they occur:
 * each StructElem's `/ID`, the `/Headers` arrays of table cells, and the
 * keys and `/Limits` of the structure tree's `/IDTree`. Keeping the order
 * keeps the name tree sorted. Returns how many ids were renumbered.
 */
export function normalizeStructureIds(doc: PDFDocument): number {
  const context = doc.context;
  const deref = (object: PDFObject | undefined): PDFObject | undefined =>
    object instanceof PDFRef ? context.lookup(object) : object;

  /** Every place an id string sits: a dict key or an array index. */
  const slots: { holder: PDFDict | PDFArray; key: PDFName | number; id: string }[] = [];
  const noteDict = (dict: PDFDict, key: PDFName): void => {
    const id = stringValue(dict.get(key));
    if (id !== undefined && NODE_ID.test(id)) slots.push({ holder: dict, key, id });
  };
  const noteArray = (array: PDFArray): void => {
    for (let i = 0; i < array.size(); i++) {
      const id = stringValue(array.get(i));
      if (id !== undefined && NODE_ID.test(id)) slots.push({ holder: array, key: i, id });
    }
  };

  const ID = PDFName.of("ID");
  const A = PDFName.of("A");
  const HEADERS = PDFName.of("Headers");
  for (const [, object] of context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    if (object.get(PDFName.Type) !== PDFName.of("StructElem")) continue;
    noteDict(object, ID);
    const attributes = deref(object.get(A));
    const attributeDicts =
      attributes instanceof PDFArray
        ? attributes.asArray().map(deref)
        : attributes instanceof PDFDict
          ? [attributes]
          : [];
    for (const attribute of attributeDicts) {
      if (!(attribute instanceof PDFDict)) continue;
      const headers = deref(attribute.get(HEADERS));
      if (headers instanceof PDFArray) noteArray(headers);
    }
  }

  const structTreeRoot = deref(doc.catalog.get(PDFName.of("StructTreeRoot")));
  const idTree =
    structTreeRoot instanceof PDFDict ? deref(structTreeRoot.get(PDFName.of("IDTree"))) : undefined;
  const pending: PDFObject[] = idTree === undefined ? [] : [idTree];
  const visited = new Set<PDFObject>();
  while (pending.length > 0) {
    const node = deref(pending.pop());
    if (!(node instanceof PDFDict) || visited.has(node)) continue;
    visited.add(node);
    const names = deref(node.get(PDFName.of("Names")));
    // Keys sit at even indexes of /Names; values are references to StructElems.
    if (names instanceof PDFArray) {
      for (let i = 0; i < names.size(); i += 2) {
        const id = stringValue(names.get(i));
        if (id !== undefined && NODE_ID.test(id)) slots.push({ holder: names, key: i, id });
      }
    }
    const limits = deref(node.get(PDFName.of("Limits")));
    if (limits instanceof PDFArray) noteArray(limits);
    const kids = deref(node.get(PDFName.of("Kids")));
    if (kids instanceof PDFArray) pending.push(...kids.asArray());
  }

  const numberOf = (id: string): bigint => BigInt(NODE_ID.exec(id)?.[1] ?? "0");
  const ordered = [...new Set(slots.map((slot) => slot.id))].sort((a, b) => {
    const d = numberOf(a) - numberOf(b);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
  const width = Math.max(8, String(ordered.length).length);
  const renamed = new Map(
    ordered.map((id, index) => [id, `node${String(index + 1).padStart(width, "0")}`]),
  );
  for (const slot of slots) {
    const value = PDFString.of(renamed.get(slot.id) ?? slot.id);
    if (slot.holder instanceof PDFDict && slot.key instanceof PDFName)
      slot.holder.set(slot.key, value);
    else if (slot.holder instanceof PDFArray && typeof slot.key === "number")
      slot.holder.set(slot.key, value);
  }
  return renamed.size;
}

/** The trailer's `/Info` dictionary, made when the PDF has none. */
function infoDictionary(doc: PDFDocument): PDFDict {
  const existing = doc.context.lookup(doc.context.trailerInfo.Info);
  if (existing instanceof PDFDict) return existing;
  const created = doc.context.obj({});
  doc.context.trailerInfo.Info = doc.context.register(created);
  return created;
}

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

  // Every string goes through the one PDF string escaper (a hex string: nothing in it can end
  // the string). pdf-lib's setLanguage would write a literal string without escaping `)`.
  const info = infoDictionary(doc);
  const setText = (dict: PDFDict, key: string, value: string): void =>
    dict.set(PDFName.of(key), PDFHexString.of(pdfTextString(value).slice(1, -1)));
  setText(info, "Title", metadata.title);
  doc.catalog.getOrCreateViewerPreferences().setDisplayDocTitle(true);
  setText(info, "Author", metadata.authors.join("; "));
  if (metadata.subject !== undefined) setText(info, "Subject", metadata.subject);
  if (metadata.keywords !== undefined && metadata.keywords.length > 0) {
    // One entry keeps multi-word key words intact.
    setText(info, "Keywords", metadata.keywords.join("; "));
  }
  setText(info, "Creator", metadata.creator);
  setText(info, "Producer", metadata.producer ?? `${metadata.creator} (Chromium; pdf-lib)`);
  if (metadata.language !== undefined) setText(doc.catalog, "Lang", metadata.language);

  const date =
    metadata.sourceDateEpoch === undefined
      ? new Date()
      : new Date(Math.trunc(metadata.sourceDateEpoch) * 1000);
  // A PDF date has a four-digit year: 10000 would be written as "1000…" by readers.
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() > 9999 || date.getTime() < 0) {
    throw new RangeError(
      `sourceDateEpoch ${String(metadata.sourceDateEpoch)} is not a valid number of seconds from 1970-01-01 to 9999-12-31.`,
    );
  }
  doc.setCreationDate(date);
  doc.setModificationDate(date);

  // XMP that matches the new dictionary (replacing any Chromium may write), with the PDF/UA
  // identifier; /Alt on figure wrappers and /Contents on links (see pdf-accessibility.ts).
  setXmpMetadata(doc, {
    title: metadata.title,
    authors: metadata.authors,
    ...(metadata.subject !== undefined ? { subject: metadata.subject } : {}),
    ...(metadata.keywords !== undefined ? { keywords: metadata.keywords } : {}),
    ...(metadata.language !== undefined ? { language: metadata.language } : {}),
    ...(metadata.identifier !== undefined ? { identifier: metadata.identifier } : {}),
    ...(metadata.rights !== undefined ? { rights: metadata.rights } : {}),
    creator: metadata.creator,
    producer: metadata.producer ?? `${metadata.creator} (Chromium; pdf-lib)`,
    date,
  });
  addFigureAlt(doc);
  addLinkContents(doc, metadata.linkTexts);
  normalizeStructureIds(doc);

  setTrailerId(doc, ZERO_ID);
  const draft = await doc.save({ useObjectStreams: false });
  const hex = createHash("sha256").update(draft).digest("hex").slice(0, 32).toUpperCase();
  setTrailerId(doc, hex);
  return doc.save({ useObjectStreams: false });
}
