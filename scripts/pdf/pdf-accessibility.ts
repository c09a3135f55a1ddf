/**
 * PDF/UA-minded fixes applied with pdf-lib after Chromium prints: an XMP metadata stream (Dublin
 * Core, PDF/A-style dates matching the information dictionary, and the PDF/UA-1 identifier),
 * `/Alt` on the `/Figure` structure elements Chromium makes from `<figure>` (it sets `/Alt` only
 * on the `<img>` inside), and `/Contents` on every link annotation (PDF/UA-1 7.18.5).
 * The XMP is built as xast and serialised by xast-util-to-xml, the one XML escaper.
 */
import {
  PDFArray,
  PDFDict,
  type PDFDocument,
  PDFHexString,
  PDFName,
  type PDFObject,
  PDFRef,
  PDFString,
} from "pdf-lib";
import type { ElementContent, Root } from "xast";
import { toXml } from "xast-util-to-xml";
import { el, xmlCharacters } from "../jats/jats-xml.ts";

/** What the XMP packet records. */
export interface XmpFields {
  title: string;
  authors: readonly string[];
  subject?: string;
  keywords?: readonly string[];
  language?: string;
  /** A persistent identifier, e.g. `doi:10.1016/…`. */
  identifier?: string;
  /** Copyright and licence text. */
  rights?: string;
  creator: string;
  producer: string;
  /** The creation and modification date, as in the information dictionary. */
  date: Date;
}

/** An ISO 8601 date to the second, as PDF/A expects XMP dates to match the `D:` dates. */
export function xmpDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const alt = (value: string) => el("rdf:Alt", {}, el("rdf:li", { "xml:lang": "x-default" }, value));

/** The XMP packet as text. */
export function xmpPacket(fields: XmpFields): string {
  const date = xmpDate(fields.date);
  const description = el(
    "rdf:Description",
    {
      "rdf:about": "",
      "xmlns:dc": "http://purl.org/dc/elements/1.1/",
      "xmlns:xmp": "http://ns.adobe.com/xap/1.0/",
      "xmlns:pdf": "http://ns.adobe.com/pdf/1.3/",
      "xmlns:pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    },
    el("dc:format", {}, "application/pdf"),
    el("dc:title", {}, alt(fields.title)),
    fields.authors.length > 0
      ? el(
          "dc:creator",
          {},
          el(
            "rdf:Seq",
            {},
            fields.authors.map((name) => el("rdf:li", {}, name)),
          ),
        )
      : undefined,
    fields.subject ? el("dc:description", {}, alt(fields.subject)) : undefined,
    fields.keywords?.length
      ? el(
          "dc:subject",
          {},
          el(
            "rdf:Bag",
            {},
            fields.keywords.map((word) => el("rdf:li", {}, word)),
          ),
        )
      : undefined,
    fields.language
      ? el("dc:language", {}, el("rdf:Bag", {}, el("rdf:li", {}, fields.language)))
      : undefined,
    fields.identifier ? el("dc:identifier", {}, fields.identifier) : undefined,
    fields.rights ? el("dc:rights", {}, alt(fields.rights)) : undefined,
    el("xmp:CreatorTool", {}, fields.creator),
    el("xmp:CreateDate", {}, date),
    el("xmp:ModifyDate", {}, date),
    el("xmp:MetadataDate", {}, date),
    el("pdf:Producer", {}, fields.producer),
    fields.keywords?.length ? el("pdf:Keywords", {}, fields.keywords.join("; ")) : undefined,
    el("pdfuaid:part", {}, "1"),
  );
  const children: ElementContent[] = [
    el(
      "x:xmpmeta",
      { "xmlns:x": "adobe:ns:meta/" },
      el("rdf:RDF", { "xmlns:rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#" }, description),
    ),
  ];
  const root: Root = {
    type: "root",
    children: [
      {
        type: "instruction",
        name: "xpacket",
        value: 'begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"',
      },
      { type: "text", value: "\n" },
      ...children,
      { type: "text", value: "\n" },
      { type: "instruction", name: "xpacket", value: 'end="w"' },
    ],
  };
  return toXml(root).replaceAll("]]>", "]]&#x3E;");
}

/** Replace the catalog's `/Metadata` with an uncompressed XMP stream of `fields`. */
export function setXmpMetadata(doc: PDFDocument, fields: XmpFields): void {
  const stream = doc.context.stream(new TextEncoder().encode(xmpPacket(fields)), {
    Type: "Metadata",
    Subtype: "XML",
  });
  doc.catalog.set(PDFName.of("Metadata"), doc.context.register(stream));
}

function textOf(object: PDFObject | undefined): string | undefined {
  if (object instanceof PDFString || object instanceof PDFHexString) return object.decodeText();
  return undefined;
}

/**
 * Give every `/Figure` structure element without `/Alt` the alternate text of the figures
 * inside it (the images' `alt`), so no Figure is left without one. Returns how many it set.
 */
export function addFigureAlt(doc: PDFDocument): number {
  const context = doc.context;
  const S = PDFName.of("S");
  const K = PDFName.of("K");
  const ALT = PDFName.of("Alt");
  const FIGURE = PDFName.of("Figure");
  const deref = (object: PDFObject | undefined) =>
    object instanceof PDFRef ? context.lookup(object) : object;
  const innerAlts = (element: PDFDict, seen: Set<PDFDict>): string[] => {
    if (seen.has(element)) return [];
    seen.add(element);
    const kids = deref(element.get(K));
    const list = kids instanceof PDFArray ? kids.asArray() : kids === undefined ? [] : [kids];
    return list.flatMap((kid) => {
      const child = deref(kid);
      if (!(child instanceof PDFDict)) return [];
      const own = child.get(S) === FIGURE ? textOf(child.get(ALT)) : undefined;
      return own ? [own] : innerAlts(child, seen);
    });
  };
  let count = 0;
  for (const [, object] of context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(S) !== FIGURE) continue;
    if (object.get(PDFName.Type) !== PDFName.of("StructElem") || textOf(object.get(ALT))) continue;
    const text = innerAlts(object, new Set()).join(" ").trim() || "Figure";
    object.set(ALT, PDFHexString.fromText(xmlCharacters(text)));
    count++;
  }
  return count;
}

/** The destination name of a link annotation (`/Dest` or a GoTo action's `/D`), if named. */
function destinationName(
  annotation: PDFDict,
  deref: (object: PDFObject | undefined) => PDFObject | undefined,
) {
  const action = deref(annotation.get(PDFName.of("A")));
  const dest =
    deref(annotation.get(PDFName.of("Dest"))) ??
    (action instanceof PDFDict ? deref(action.get(PDFName.of("D"))) : undefined);
  if (dest instanceof PDFName) return dest.decodeText();
  return textOf(dest);
}

/**
 * Give every link annotation without `/Contents` a description: from `texts` by destination
 * name (`fig-ulcer` → "Fig 1"), else the URL it opens, else its destination. Returns how many it set.
 */
export function addLinkContents(
  doc: PDFDocument,
  texts: ReadonlyMap<string, string> = new Map(),
): number {
  const context = doc.context;
  const deref = (object: PDFObject | undefined) =>
    object instanceof PDFRef ? context.lookup(object) : object;
  const CONTENTS = PDFName.of("Contents");
  let count = 0;
  for (const page of doc.getPages()) {
    const annotations = page.node.Annots();
    if (!annotations) continue;
    for (const entry of annotations.asArray()) {
      const annotation = deref(entry);
      if (!(annotation instanceof PDFDict)) continue;
      if (annotation.get(PDFName.of("Subtype")) !== PDFName.of("Link") || annotation.has(CONTENTS))
        continue;
      const action = deref(annotation.get(PDFName.of("A")));
      const uri =
        action instanceof PDFDict ? textOf(deref(action.get(PDFName.of("URI")))) : undefined;
      const name = destinationName(annotation, deref);
      const description = uri
        ? uri.startsWith("mailto:")
          ? `E-mail ${uri.slice("mailto:".length)}`
          : `Link to ${uri}`
        : name
          ? (texts.get(name) ?? `Go to ${name}`)
          : "Link";
      annotation.set(CONTENTS, PDFHexString.fromText(description));
      count++;
    }
  }
  return count;
}
