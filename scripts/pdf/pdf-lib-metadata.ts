/**
 * The fallback PDF post-processor: load the whole document with pdf-lib, apply the metadata plan
 * and save it again. incremental-update.ts does the same work by appending an update, about
 * 40 times faster; this path runs only when a PDF is not in the shape that writer reads (a
 * cross-reference stream, an earlier update, encryption …). pdf-metadata.ts imports it lazily.
 *
 * Besides the information dictionary and XMP, it renumbers Chromium's structure-element ids
 * (`/ID (node00000165)`, made from DOM node ids that grow with every document a browser process
 * renders) from 1, and fills `/Alt` on Figure elements and `/Contents` on link annotations.
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
import type { MetadataPlan } from "./metadata-plan.ts";
import { figureAltText, linkDescription, xmpPacket } from "./pdf-accessibility.ts";

/** Placeholder written while hashing, so the hash never depends on a previous `/ID`. */
const ZERO_ID = "0".repeat(32);

/** Chromium's structure-element ids: "node" and a zero-padded DOM node id. */
const NODE_ID = /^node(\d+)$/;

/** The text of a PDF string object, or undefined for other objects. */
function stringValue(object: PDFObject | undefined): string | undefined {
  if (object instanceof PDFString || object instanceof PDFHexString) return object.decodeText();
  return undefined;
}

/** A PDF hex string object of `value`, made by the one PDF string escaper. */
function hexText(value: string): PDFHexString {
  return PDFHexString.of(pdfTextString(value).slice(1, -1));
}

/** Follow references in `doc`. */
function dereferencer(doc: PDFDocument): (object: PDFObject | undefined) => PDFObject | undefined {
  return (object) => (object instanceof PDFRef ? doc.context.lookup(object) : object);
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
  const deref = dereferencer(doc);
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

/** Replace the catalog's `/Metadata` with an uncompressed XMP stream of the plan's fields. */
function setXmpMetadata(doc: PDFDocument, plan: MetadataPlan): void {
  const stream = doc.context.stream(new TextEncoder().encode(xmpPacket(plan.xmp)), {
    Type: "Metadata",
    Subtype: "XML",
  });
  doc.catalog.set(PDFName.of("Metadata"), doc.context.register(stream));
}

/** Give every `/Figure` structure element without `/Alt` the alternate text of the figures inside it. */
function addFigureAlt(doc: PDFDocument): number {
  const S = PDFName.of("S");
  const K = PDFName.of("K");
  const ALT = PDFName.of("Alt");
  const FIGURE = PDFName.of("Figure");
  const deref = dereferencer(doc);
  const innerAlts = (element: PDFDict, seen: Set<PDFDict>): string[] => {
    if (seen.has(element)) return [];
    seen.add(element);
    const kids = deref(element.get(K));
    const list = kids instanceof PDFArray ? kids.asArray() : kids === undefined ? [] : [kids];
    return list.flatMap((kid) => {
      const child = deref(kid);
      if (!(child instanceof PDFDict)) return [];
      const own = child.get(S) === FIGURE ? stringValue(child.get(ALT)) : undefined;
      return own ? [own] : innerAlts(child, seen);
    });
  };
  let count = 0;
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(S) !== FIGURE) continue;
    if (object.get(PDFName.Type) !== PDFName.of("StructElem") || stringValue(object.get(ALT)))
      continue;
    object.set(ALT, hexText(figureAltText(innerAlts(object, new Set()))));
    count++;
  }
  return count;
}

/** The destination name of a link annotation (`/Dest` or a GoTo action's `/D`), if named. */
function destinationName(annotation: PDFDict, deref: ReturnType<typeof dereferencer>) {
  const action = deref(annotation.get(PDFName.of("A")));
  const dest =
    deref(annotation.get(PDFName.of("Dest"))) ??
    (action instanceof PDFDict ? deref(action.get(PDFName.of("D"))) : undefined);
  if (dest instanceof PDFName) return dest.decodeText();
  return stringValue(dest);
}

/** Give every link annotation without `/Contents` a description. */
function addLinkContents(doc: PDFDocument, texts: ReadonlyMap<string, string>): number {
  const deref = dereferencer(doc);
  const CONTENTS = PDFName.of("Contents");
  let count = 0;
  for (const page of doc.getPages()) {
    for (const entry of page.node.Annots()?.asArray() ?? []) {
      const annotation = deref(entry);
      if (!(annotation instanceof PDFDict)) continue;
      if (annotation.get(PDFName.of("Subtype")) !== PDFName.of("Link") || annotation.has(CONTENTS))
        continue;
      const action = deref(annotation.get(PDFName.of("A")));
      const uri =
        action instanceof PDFDict ? stringValue(deref(action.get(PDFName.of("URI")))) : undefined;
      const description = linkDescription(uri, destinationName(annotation, deref), texts);
      annotation.set(CONTENTS, hexText(description));
      count++;
    }
  }
  return count;
}

/**
 * Apply `plan` to `pdf` with pdf-lib and return the new bytes.
 *
 * Saving uses `useObjectStreams: false`: plain cross-reference tables, the
 * layout Chromium itself writes, and one pdf-lib knows to write in a stable
 * order. The `/ID` is the first 16 bytes of the SHA-256 of the document saved
 * with a zero `/ID`.
 */
export async function applyWithPdfLib(pdf: Uint8Array, plan: MetadataPlan): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const existing = doc.context.lookup(doc.context.trailerInfo.Info);
  const info = existing instanceof PDFDict ? existing : doc.context.obj({});
  if (!(existing instanceof PDFDict)) doc.context.trailerInfo.Info = doc.context.register(info);
  // Every string goes through the one PDF string escaper (a hex string: nothing in it can end
  // the string). pdf-lib's setLanguage would write a literal string without escaping `)`.
  for (const [key, text] of plan.info) info.set(PDFName.of(key), hexText(text));
  doc.catalog.getOrCreateViewerPreferences().setDisplayDocTitle(true);
  if (plan.language !== undefined) doc.catalog.set(PDFName.of("Lang"), hexText(plan.language));
  doc.setCreationDate(plan.date);
  doc.setModificationDate(plan.date);
  setXmpMetadata(doc, plan);
  addFigureAlt(doc);
  addLinkContents(doc, plan.linkTexts);
  normalizeStructureIds(doc);

  const setTrailerId = (hex: string): void => {
    doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(hex), PDFHexString.of(hex)]);
  };
  setTrailerId(ZERO_ID);
  const draft = await doc.save({ useObjectStreams: false });
  setTrailerId(createHash("sha256").update(draft).digest("hex").slice(0, 32).toUpperCase());
  return doc.save({ useObjectStreams: false });
}
