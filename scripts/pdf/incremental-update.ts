/**
 * The PDF metadata written as an incremental update (PDF 32000-1 §7.5.6): Chromium's bytes stay
 * where they are and the changed objects, a new cross-reference section and a trailer with
 * `/Prev` are appended. Only the objects it needs are read, through the lazy reader in
 * pdf-objects.ts: the trailer, the catalog, the old information dictionary, the structure tree,
 * the page tree and the link annotations. Content streams, fonts and images are never parsed.
 *
 * Two kinds of old bytes would make builds differ, so they are overwritten in place with values of
 * the same length (offsets, and so the old cross-reference table, stay valid):
 * - the old information dictionary's CreationDate and ModDate (wall-clock time), set to the new date;
 * - Chromium's structure-element ids (`node00000165`, from DOM node ids that grow with every
 *   document a browser renders), renumbered from 1 in their order wherever they occur: each
 *   StructElem's `/ID`, the `/Headers` of table cells, and the keys and `/Limits` of the `/IDTree`.
 *
 * Appended: the information dictionary (a new version of the old object), the catalog (`/Lang`,
 * `/ViewerPreferences /DisplayDocTitle`, `/Metadata`), an uncompressed XMP stream, the Figure
 * structure elements that lacked `/Alt` and the link annotations that lacked `/Contents`.
 * The trailer `/ID` is the first 16 bytes of the SHA-256 of the whole file with a zero `/ID`.
 * Every string written is made by the one escaper module (pdfTextString, pdfLiteralString).
 */
import { createHash } from "node:crypto";
import { pdfLiteralString, pdfTextString } from "../render/escape.ts";
import { type MetadataPlan, pdfDate } from "./metadata-plan.ts";
import { figureAltText, linkDescription, xmpPacket } from "./pdf-accessibility.ts";
import {
  nameOf,
  type PdfDictValue,
  PdfReader,
  type PdfValue,
  type ReaderStats,
  textOf,
  UnsupportedPdfError,
} from "./pdf-objects.ts";

/** The new bytes and the work done to make them. */
export interface IncrementalUpdateResult {
  /** The original bytes (with same-length fixes) followed by the update. */
  pdf: Uint8Array;
  /** What the reader parsed, and how many objects were appended. */
  stats: ReaderStats & { objectsAppended: number; idsRenumbered: number };
}

/** Chromium's structure-element ids: "node" and a zero-padded DOM node id. */
const NODE_ID = /^node(\d+)$/;

/** A date as Chromium (Skia) or pdf-lib write it, with an optional time-zone part. */
const DATE = /^D:\d{14}(Z|[+-]\d\d'\d\d')?$/;

/** Placeholder written while hashing, so the hash never depends on a previous `/ID`. */
const ZERO_ID = "0".repeat(32);

/** A same-length replacement of the bytes at `[start, start + text.length)`. */
interface Patch {
  start: number;
  text: string;
}

/** The original bytes with same-length patches, read as text one character per byte. */
class PatchedSource {
  private readonly patches: Patch[];
  constructor(
    readonly bytes: Buffer,
    patches: readonly Patch[],
  ) {
    this.patches = [...patches].sort((a, b) => a.start - b.start);
  }

  /** The patched text of `[start, end)`. */
  text(start: number, end: number): string {
    let out = this.bytes.toString("latin1", start, end);
    for (const patch of this.patches) {
      if (patch.start + patch.text.length <= start || patch.start >= end) continue;
      if (patch.start < start || patch.start + patch.text.length > end)
        throw new UnsupportedPdfError(`a patch across byte ${start} or ${end}`);
      const at = patch.start - start;
      out = out.slice(0, at) + patch.text + out.slice(at + patch.text.length);
    }
    return out;
  }

  /** The whole file with the patches, followed by `tail`, in one new buffer. */
  concat(tail: readonly Uint8Array[], tailLength: number): Buffer {
    const out = Buffer.allocUnsafe(this.bytes.length + tailLength);
    out.set(this.bytes, 0);
    for (const patch of this.patches) out.write(patch.text, patch.start, "latin1");
    let offset = this.bytes.length;
    for (const part of tail) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

/**
 * A dictionary's source with `edits` applied: a key already present gets its value replaced, a
 * new key is added before the closing `>>`. Everything else keeps its original (patched) bytes.
 */
function rewriteDict(
  source: PatchedSource,
  dict: PdfDictValue,
  edits: readonly (readonly [key: string, text: string])[],
): string {
  const cuts: { start: number; end: number; text: string }[] = [];
  let added = "";
  for (const [key, text] of edits) {
    const current = dict.entries.get(key);
    if (current) cuts.push({ start: current.start, end: current.end, text });
    else added += `\n/${key} ${text}`;
  }
  cuts.sort((a, b) => a.start - b.start);
  let out = "";
  let pos = dict.start;
  for (const cut of cuts) {
    out += source.text(pos, cut.start) + cut.text;
    pos = cut.end;
  }
  return `${out}${source.text(pos, dict.end - 2)}${added}>>`;
}

/** A same-length patch that writes `text` as a literal string over string value `value`. */
function literalPatch(value: PdfValue, text: string): Patch {
  const literal = pdfLiteralString(text);
  if (value.kind !== "string" || !value.literal || value.end - value.start !== literal.length)
    throw new UnsupportedPdfError(`cannot rewrite the string at byte ${value.start} in place`);
  return { start: value.start, text: literal };
}

/** The structure elements under the StructTreeRoot, by object number, in tree order. */
function structureElements(reader: PdfReader, root: PdfDictValue): Map<number, PdfDictValue> {
  const elements = new Map<number, PdfDictValue>();
  const pending: PdfValue[] = [root.entries.get("K") ?? { kind: "null", start: 0, end: 0 }];
  while (pending.length > 0) {
    const kid = pending.pop() as PdfValue;
    if (kid.kind === "array") pending.push(...[...kid.items].reverse());
    else if (kid.kind === "dict") {
      // Marked-content and object references are leaves; inline elements are not Chromium's shape.
      const type = nameOf(kid.entries.get("Type"));
      if (type !== "MCR" && type !== "OBJR")
        throw new UnsupportedPdfError("an inline structure element");
    } else if (kid.kind === "ref" && !elements.has(kid.num)) {
      const dict = reader.dict(kid, `structure element ${kid.num}`);
      const type = nameOf(dict.entries.get("Type"));
      if (type === "MCR" || type === "OBJR") continue;
      elements.set(kid.num, dict);
      const children = dict.entries.get("K");
      if (children) pending.push(children);
    }
  }
  return elements;
}

/** Every string value holding a Chromium node id, under the structure tree. */
function nodeIdSlots(
  reader: PdfReader,
  root: PdfDictValue,
  elements: Map<number, PdfDictValue>,
): PdfValue[] {
  const slots: PdfValue[] = [];
  const note = (value: PdfValue | undefined): void => {
    const text = textOf(value);
    if (value && text !== undefined && NODE_ID.test(text)) slots.push(value);
  };
  const items = (value: PdfValue | undefined): PdfValue[] => {
    const resolved = reader.resolve(value);
    return resolved?.kind === "array" ? resolved.items : resolved ? [resolved] : [];
  };
  for (const element of elements.values()) {
    note(element.entries.get("ID"));
    for (const attribute of items(element.entries.get("A"))) {
      const dict = reader.resolve(attribute);
      if (dict?.kind === "dict")
        for (const header of items(dict.entries.get("Headers"))) note(header);
    }
  }
  const pending: PdfValue[] = [];
  const idTree = root.entries.get("IDTree");
  if (idTree) pending.push(idTree);
  const seen = new Set<number>();
  while (pending.length > 0) {
    const node = pending.pop() as PdfValue;
    if (node.kind === "ref") {
      if (seen.has(node.num)) continue;
      seen.add(node.num);
    }
    const dict = reader.dict(node, "an IDTree node");
    const names = reader.resolve(dict.entries.get("Names"));
    // Keys sit at even indexes of /Names; values are references to StructElems.
    if (names?.kind === "array")
      for (let i = 0; i < names.items.length; i += 2) note(names.items[i]);
    for (const limit of items(dict.entries.get("Limits"))) note(limit);
    pending.push(...items(dict.entries.get("Kids")));
  }
  return slots;
}

/** Renumber node ids from 1 in their numeric order: one patch per slot, and the number of ids. */
function renumberIds(slots: readonly PdfValue[]): { patches: Patch[]; ids: number } {
  const numberOf = (value: PdfValue): bigint => BigInt(NODE_ID.exec(textOf(value) ?? "")?.[1] ?? 0);
  const ordered = [...new Set(slots.map((slot) => numberOf(slot)))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const width = Math.max(8, String(ordered.length).length);
  const renamed = new Map(
    ordered.map((n, index) => [n, `node${String(index + 1).padStart(width, "0")}`]),
  );
  const patches = slots.map((slot) => literalPatch(slot, renamed.get(numberOf(slot)) ?? ""));
  return { patches, ids: renamed.size };
}

/** The `/Alt` texts of the Figures inside `element` (not itself), depth first. */
function innerAlts(
  element: PdfDictValue,
  elements: Map<number, PdfDictValue>,
  seen: Set<PdfDictValue>,
): string[] {
  if (seen.has(element)) return [];
  seen.add(element);
  const kids = element.entries.get("K");
  const list = kids?.kind === "array" ? kids.items : kids ? [kids] : [];
  return list.flatMap((kid) => {
    const child = kid.kind === "ref" ? elements.get(kid.num) : undefined;
    if (!child) return [];
    const own =
      nameOf(child.entries.get("S")) === "Figure" ? textOf(child.entries.get("Alt")) : undefined;
    return own ? [own] : innerAlts(child, elements, seen);
  });
}

/** Link annotations without `/Contents`, each with the description to give it. */
function linksToDescribe(
  reader: PdfReader,
  catalog: PdfDictValue,
  texts: ReadonlyMap<string, string>,
): { num: number; dict: PdfDictValue; text: string }[] {
  const found: { num: number; dict: PdfDictValue; text: string }[] = [];
  const pending: PdfValue[] = [catalog.entries.get("Pages") ?? { kind: "null", start: 0, end: 0 }];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const ref = pending.pop() as PdfValue;
    if (ref.kind !== "ref" || seen.has(ref.num))
      throw new UnsupportedPdfError("a page tree node that is not a new indirect object");
    seen.add(ref.num);
    const node = reader.dict(ref, `page tree node ${ref.num}`);
    const kids = reader.resolve(node.entries.get("Kids"));
    if (nameOf(node.entries.get("Type")) === "Pages") {
      if (kids?.kind !== "array") throw new UnsupportedPdfError("a /Pages node without /Kids");
      pending.push(...[...kids.items].reverse());
      continue;
    }
    const annots = reader.resolve(node.entries.get("Annots"));
    for (const entry of annots?.kind === "array" ? annots.items : []) {
      if (entry.kind !== "ref") throw new UnsupportedPdfError("an inline annotation");
      const annotation = reader.dict(entry, `annotation ${entry.num}`);
      if (nameOf(annotation.entries.get("Subtype")) !== "Link") continue;
      if (annotation.entries.has("Contents")) continue;
      const action = reader.resolve(annotation.entries.get("A"));
      const actionDict = action?.kind === "dict" ? action : undefined;
      const uri = textOf(reader.resolve(actionDict?.entries.get("URI")));
      const dest =
        reader.resolve(annotation.entries.get("Dest")) ??
        reader.resolve(actionDict?.entries.get("D"));
      const name = nameOf(dest) ?? textOf(dest);
      found.push({ num: entry.num, dict: annotation, text: linkDescription(uri, name, texts) });
    }
  }
  return found;
}

/** Same-length patches that set the old information dictionary's dates to `date`. */
function oldDatePatches(info: PdfDictValue | undefined, date: Date): Patch[] {
  const stamp = pdfDate(date).slice(0, 16);
  const patches: Patch[] = [];
  for (const key of ["CreationDate", "ModDate"]) {
    const value = info?.entries.get(key);
    if (!value) continue;
    const match = DATE.exec(textOf(value) ?? "");
    if (!match) throw new UnsupportedPdfError(`an information-dictionary /${key} of unknown form`);
    const zone = match[1] === undefined ? "" : match[1] === "Z" ? "Z" : "+00'00'";
    patches.push(literalPatch(value, stamp + zone));
  }
  return patches;
}

/**
 * Apply `plan` to `pdf` as an incremental update. Throws {@link UnsupportedPdfError}, before
 * anything is written, when the PDF is not in the shape this writer reads.
 */
export function writeIncrementalUpdate(
  pdf: Uint8Array,
  plan: MetadataPlan,
): IncrementalUpdateResult {
  const reader = new PdfReader(pdf);
  const rootRef = reader.trailer.entries.get("Root");
  const infoRef = reader.trailer.entries.get("Info");
  if (rootRef?.kind !== "ref") throw new UnsupportedPdfError("the trailer has no /Root reference");
  if (infoRef !== undefined && infoRef.kind !== "ref")
    throw new UnsupportedPdfError("the trailer /Info is not a reference");
  const catalog = reader.dict(rootRef, "the catalog");
  const oldInfo = infoRef ? reader.dict(infoRef, "the information dictionary") : undefined;

  const treeRef = catalog.entries.get("StructTreeRoot");
  const tree = treeRef ? reader.dict(treeRef, "the StructTreeRoot") : undefined;
  const elements = tree ? structureElements(reader, tree) : new Map<number, PdfDictValue>();
  const ids = tree ? renumberIds(nodeIdSlots(reader, tree, elements)) : { patches: [], ids: 0 };
  const links = linksToDescribe(reader, catalog, plan.linkTexts);

  // Same-length fixes, seen also by the objects cut from the original bytes to be appended.
  const fixed = new PatchedSource(reader.bytes, [
    ...ids.patches,
    ...oldDatePatches(oldInfo, plan.date),
  ]);

  /** Appended object bodies by number. */
  const updates = new Map<number, { gen: number; body: string | Uint8Array }>();
  for (const [num, element] of elements) {
    if (nameOf(element.entries.get("S")) !== "Figure") continue;
    if (nameOf(element.entries.get("Type")) !== "StructElem") continue;
    if (textOf(element.entries.get("Alt"))) continue;
    const alt = figureAltText(innerAlts(element, elements, new Set()));
    updates.set(num, {
      gen: reader.generation(num) ?? 0,
      body: rewriteDict(fixed, element, [["Alt", pdfTextString(alt)]]),
    });
  }
  for (const link of links) {
    updates.set(link.num, {
      gen: reader.generation(link.num) ?? 0,
      body: rewriteDict(fixed, link.dict, [["Contents", pdfTextString(link.text)]]),
    });
  }

  let next = reader.size;
  const xmpNum = next++;
  const infoNum = infoRef?.num ?? next++;
  const infoGen = infoRef?.gen ?? 0;
  const date = pdfLiteralString(pdfDate(plan.date));
  const infoEdits: [string, string][] = [
    ...plan.info.map(([key, text]): [string, string] => [key, pdfTextString(text)]),
    ["CreationDate", date],
    ["ModDate", date],
  ];
  updates.set(infoNum, {
    gen: infoGen,
    body: oldInfo
      ? rewriteDict(fixed, oldInfo, infoEdits)
      : `<<${infoEdits.map(([key, text]) => `/${key} ${text}`).join("\n")}>>`,
  });

  const xmp = new TextEncoder().encode(xmpPacket(plan.xmp));
  updates.set(xmpNum, {
    gen: 0,
    body: Buffer.concat([
      Buffer.from(`<</Type /Metadata\n/Subtype /XML\n/Length ${xmp.length}>> stream\n`, "latin1"),
      xmp,
      Buffer.from("\nendstream", "latin1"),
    ]),
  });

  // PDF/UA-1 builds on ISO 32000-1 (PDF 1.7); Chromium's header says 1.4, the full rewrite wrote 1.7.
  const catalogEdits: [string, string][] = [
    ["Version", "/1.7"],
    ["Metadata", `${xmpNum} 0 R`],
  ];
  if (plan.language !== undefined) catalogEdits.push(["Lang", pdfTextString(plan.language)]);
  const preferences = catalog.entries.get("ViewerPreferences");
  const display: [string, string][] = [["DisplayDocTitle", "true"]];
  if (preferences?.kind === "ref") {
    const dict = reader.dict(preferences, "the /ViewerPreferences");
    updates.set(preferences.num, { gen: preferences.gen, body: rewriteDict(fixed, dict, display) });
  } else if (preferences?.kind === "dict") {
    catalogEdits.push(["ViewerPreferences", rewriteDict(fixed, preferences, display)]);
  } else catalogEdits.push(["ViewerPreferences", "<</DisplayDocTitle true>>"]);
  updates.set(rootRef.num, { gen: rootRef.gen, body: rewriteDict(fixed, catalog, catalogEdits) });

  // The update: objects, one xref section of consecutive runs, and a trailer chained by /Prev.
  const chunks: Uint8Array[] = [];
  let length = reader.bytes.length;
  const add = (part: string | Uint8Array): void => {
    const bytes = typeof part === "string" ? Buffer.from(part, "latin1") : part;
    chunks.push(bytes);
    length += bytes.length;
  };
  const last = reader.bytes[reader.bytes.length - 1];
  if (last !== 0x0a && last !== 0x0d) add("\n");
  const offsets = new Map<number, number>();
  const numbers = [...updates.keys()].sort((a, b) => a - b);
  for (const num of numbers) {
    const { gen, body } = updates.get(num) as { gen: number; body: string | Uint8Array };
    offsets.set(num, length);
    add(`${num} ${gen} obj\n`);
    add(body);
    add("\nendobj\n");
  }
  const xrefOffset = length;
  let xref = "xref\n";
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === (numbers[j] as number) + 1) j++;
    xref += `${numbers[i]} ${j - i + 1}\n`;
    for (const num of numbers.slice(i, j + 1)) {
      const offset = String(offsets.get(num)).padStart(10, "0");
      xref += `${offset} ${String(updates.get(num)?.gen ?? 0).padStart(5, "0")} n \n`;
    }
    i = j + 1;
  }
  add(xref);
  add(
    `trailer\n<</Size ${Math.max(next, reader.size)}\n/Root ${rootRef.num} ${rootRef.gen} R\n` +
      `/Info ${infoNum} ${infoGen} R\n/ID [ <`,
  );
  const idOffset = length;
  add(
    `${ZERO_ID}> <${ZERO_ID}> ]\n/Prev ${reader.xrefOffset}>>\nstartxref\n${xrefOffset}\n%%EOF\n`,
  );

  const out = fixed.concat(chunks, length - reader.bytes.length);
  const id = createHash("sha256").update(out).digest("hex").slice(0, 32).toUpperCase();
  out.write(id, idOffset, "latin1");
  out.write(id, idOffset + ZERO_ID.length + 3, "latin1");
  return {
    pdf: new Uint8Array(out.buffer, out.byteOffset, out.length),
    stats: { ...reader.stats, objectsAppended: numbers.length, idsRenumbered: ids.ids },
  };
}
