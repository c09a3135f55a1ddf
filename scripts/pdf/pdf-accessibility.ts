/**
 * PDF/UA-minded fixes applied after Chromium prints, as pure functions both PDF writers use (the
 * incremental one and the pdf-lib fallback): an XMP metadata stream (Dublin Core, PDF/A-style
 * dates matching the information dictionary, and the PDF/UA-1 identifier), the `/Alt` text for
 * the `/Figure` structure elements Chromium makes from `<figure>` (it sets `/Alt` only on the
 * `<img>` inside), and the `/Contents` text of link annotations (PDF/UA-1 7.18.5).
 * The XMP is built as xast and serialised by xast-util-to-xml, the one XML escaper.
 */
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

/**
 * The `/Alt` text for a `/Figure` structure element that has none: the alternate texts of the
 * figures inside it (the images' `alt`), joined, or "Figure" when there are none. Characters XML
 * cannot hold are dropped, as in the XMP.
 */
export function figureAltText(innerAlts: readonly string[]): string {
  return xmlCharacters(innerAlts.join(" ").trim() || "Figure");
}

/**
 * The `/Contents` of a link annotation without one: from `texts` by destination name
 * (`fig-ulcer` → "Fig 1"), else the URL it opens, else its destination.
 */
export function linkDescription(
  uri: string | undefined,
  destination: string | undefined,
  texts: ReadonlyMap<string, string>,
): string {
  if (uri)
    return uri.startsWith("mailto:") ? `E-mail ${uri.slice("mailto:".length)}` : `Link to ${uri}`;
  return destination ? (texts.get(destination) ?? `Go to ${destination}`) : "Link";
}
