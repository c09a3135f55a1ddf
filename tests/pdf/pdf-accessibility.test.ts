/**
 * The sample's PDF read back with pdf-lib: XMP with Dublin Core and the PDF/UA-1 identifier,
 * `/Alt` on every `/Figure` structure element, `/Contents` on every link annotation. Skipped
 * when no browser is found. The XMP packet itself is checked without a browser.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  type PDFObject,
  PDFRawStream,
  PDFRef,
  PDFString,
} from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import { buildManuscript } from "../../scripts/cli/build.ts";
import { findBrowser } from "../../scripts/pdf/find-browser.ts";
import { xmpPacket } from "../../scripts/pdf/pdf-accessibility.ts";
import { createPdfPrinter } from "../../scripts/pdf/pdf-printer.ts";
import { repositoryDirectory } from "../helpers.ts";

const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.map((path) => rm(path, { recursive: true, force: true })));
});

function text(object: PDFObject | undefined): string | undefined {
  return object instanceof PDFString || object instanceof PDFHexString
    ? object.decodeText()
    : undefined;
}

describe("XMP packet", () => {
  it("escapes hostile text and carries the PDF/UA identifier and matching dates", () => {
    const xmp = xmpPacket({
      title: "A <b>bold</b> & ]]> title\u0001",
      authors: ["Ada Test"],
      creator: "Casepress 0.1.0",
      producer: "Casepress 0.1.0 (Chromium)",
      date: new Date(Date.UTC(2016, 2, 15)),
    });
    expect(xmp).toContain(
      '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">A &#x3C;b>bold&#x3C;/b> &#x26; ]]&#x3E; title</rdf:li></rdf:Alt></dc:title>',
    );
    expect(xmp).toContain("<xmp:CreateDate>2016-03-15T00:00:00Z</xmp:CreateDate>");
    expect(xmp).toContain("<pdfuaid:part>1</pdfuaid:part>");
    expect(xmp).toMatch(/^<\?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"\?>/);
    expect(xmp).toMatch(/<\?xpacket end="w"\?>$/);
  });
});

describe.skipIf(findBrowser().path === null)("the sample PDF's accessibility metadata", () => {
  it("has XMP with the PDF/UA identifier, /Alt on every Figure, /Contents on every link", async () => {
    const out = await mkdtemp(join(tmpdir(), "casepress-pdfua-"));
    temporary.push(out);
    const printer = await createPdfPrinter();
    if ("help" in printer) throw new Error(printer.help);
    try {
      await buildManuscript(
        join(repositoryDirectory, "manuscript", "case-report.md"),
        { outDir: out, formats: ["html", "pdf"], root: repositoryDirectory },
        printer,
      );
    } finally {
      await printer.close();
    }
    const doc = await PDFDocument.load(await readFile(join(out, "case-report.pdf")), {
      updateMetadata: false,
    });
    const context = doc.context;
    const deref = (object: PDFObject | undefined) =>
      object instanceof PDFRef ? context.lookup(object) : object;

    const stream = deref(doc.catalog.get(PDFName.of("Metadata")));
    expect(stream).toBeInstanceOf(PDFRawStream);
    // The catalog's /Metadata is a raw (uncompressed) stream, as checked just above.
    const xmp = new TextDecoder().decode((stream as PDFRawStream).getContents());
    expect(xmp).toContain("<pdfuaid:part>1</pdfuaid:part>");
    expect(xmp).toContain("<rdf:li>Marc E. Grossman</rdf:li>");
    expect(xmp).toContain("<dc:identifier>doi:10.1016/j.jidcr.2016.02.009</dc:identifier>");
    expect(xmp).toContain("Leg ulcers in systemic lupus erythematosus");

    const figures: (string | undefined)[] = [];
    for (const [, object] of context.enumerateIndirectObjects()) {
      if (!(object instanceof PDFDict)) continue;
      if (object.get(PDFName.of("Type")) !== PDFName.of("StructElem")) continue;
      if (object.get(PDFName.of("S")) === PDFName.of("Figure"))
        figures.push(text(object.get(PDFName.of("Alt"))));
    }
    // Four <figure> wrappers and the four images inside them.
    expect(figures).toHaveLength(8);
    for (const alt of figures) expect(alt).toMatch(/^Schematic drawing/);

    const contents: (string | undefined)[] = [];
    for (const page of doc.getPages())
      for (const entry of page.node.Annots()?.asArray() ?? []) {
        const annotation = deref(entry);
        if (
          annotation instanceof PDFDict &&
          annotation.get(PDFName.of("Subtype")) === PDFName.of("Link")
        )
          contents.push(text(annotation.get(PDFName.of("Contents"))));
      }
    expect(contents).toHaveLength(29);
    expect(contents.filter((value) => !value)).toEqual([]);
    expect(contents).toContain("Fig 1");
    expect(contents).toContain("Table I");
    expect(contents).toContain("Reference 12");
  }, 120_000);
});
