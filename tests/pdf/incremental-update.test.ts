/**
 * The incremental metadata writer on a real Chromium PDF (tests/fixtures/pdf/incremental: page.html
 * printed by Chromium 156 with page.pdf({ tagged: true, outline: true }), untouched), and its
 * fallback to pdf-lib. No browser needed; qpdf and poppler checks are skipped when not installed.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeIncrementalUpdate } from "../../scripts/pdf/incremental-update.ts";
import { planMetadata } from "../../scripts/pdf/metadata-plan.ts";
import { applyWithPdfLib } from "../../scripts/pdf/pdf-lib-metadata.ts";
import { applyPdfMetadataDetailed, type PdfMetadata } from "../../scripts/pdf/pdf-metadata.ts";
import { UnsupportedPdfError } from "../../scripts/pdf/pdf-objects.ts";
import { pdfLiteralString } from "../../scripts/render/escape.ts";
import { hasTool, repositoryDirectory } from "../helpers.ts";

const FIXTURE = join(
  repositoryDirectory,
  "tests",
  "fixtures",
  "pdf",
  "incremental",
  "chromium.pdf",
);

const METADATA: PdfMetadata = {
  title: "Leg ulcers (and a ) paren",
  authors: ["Ada Test", "Zoë Example"],
  subject: "Case report, JAAD Case Reports",
  keywords: ["calcinosis", "lupus"],
  creator: "Casepress 0.1.0",
  language: "en",
  sourceDateEpoch: 1_458_000_000, // 2016-03-15T00:00:00Z
  identifier: "doi:10.1016/x",
  linkTexts: new Map([["fig-dot", "Fig 1"]]),
};

const hasQpdf = hasTool("qpdf", "--version");
const hasPoppler = hasTool("pdfinfo", "-v") && hasTool("pdftotext", "-v");

let chromium: Uint8Array;
let dir = "";
beforeAll(async () => {
  chromium = new Uint8Array(await readFile(FIXTURE));
  dir = await mkdtemp(join(tmpdir(), "casepress-incremental-"));
});
afterAll(async () => {
  if (dir !== "") await rm(dir, { recursive: true, force: true });
});

/** Write `pdf` to a temporary file and return its path. */
async function saved(name: string, pdf: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, pdf);
  return path;
}

/** Replace every `from` in `pdf` by `to` of the same length. */
function replaceSameLength(pdf: Uint8Array, from: string, to: string): Uint8Array {
  expect(to.length).toBe(from.length);
  const text = Buffer.from(pdf).toString("latin1");
  expect(text).toContain(from);
  return new Uint8Array(Buffer.from(text.replaceAll(from, to), "latin1"));
}

function text(object: PDFObject | undefined): string | undefined {
  return object instanceof PDFString || object instanceof PDFHexString
    ? object.decodeText()
    : undefined;
}

describe("the incremental writer on Chromium's output", () => {
  it("appends an update and keeps Chromium's bytes, apart from same-length date and id fixes", async () => {
    const { pdf, method } = await applyPdfMetadataDetailed(chromium, METADATA);
    expect(method).toBe("incremental");
    expect(pdf.length).toBeGreaterThan(chromium.length);
    let changed = 0;
    for (let i = 0; i < chromium.length; i++) if (pdf[i] !== chromium[i]) changed++;
    // Two dates (14 digits each) and the node ids' digits: a few dozen bytes of 25 KB.
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(100);
    const tail = Buffer.from(pdf.subarray(chromium.length)).toString("latin1");
    expect(tail).toMatch(
      /trailer\n<<\/Size \d+\n\/Root \d+ 0 R\n\/Info \d+ 0 R\n\/ID \[ <[0-9A-F]{32}> <[0-9A-F]{32}> \]\n\/Prev \d+>>\nstartxref\n\d+\n%%EOF\n$/,
    );
  });

  it.skipIf(!hasQpdf)("passes qpdf --check", async () => {
    const { pdf } = await applyPdfMetadataDetailed(chromium, METADATA);
    const path = await saved("checked.pdf", pdf);
    // qpdf exits non-zero on errors and 3 on warnings; execFileSync throws on either.
    const report = execFileSync("qpdf", ["--check", path], { encoding: "utf8" });
    expect(report).toContain("No syntax or stream encoding errors found");
  });

  it.skipIf(!hasPoppler)(
    "shows the metadata in pdfinfo and the same text as Chromium's PDF",
    async () => {
      const { pdf } = await applyPdfMetadataDetailed(chromium, METADATA);
      const path = await saved("info.pdf", pdf);
      const info = execFileSync("pdfinfo", ["-isodates", path], { encoding: "utf8" });
      expect(info).toMatch(/^Title:\s+Leg ulcers \(and a \) paren$/m);
      expect(info).toMatch(/^Author:\s+Ada Test; Zoë Example$/m);
      expect(info).toMatch(/^Subject:\s+Case report, JAAD Case Reports$/m);
      expect(info).toMatch(/^Keywords:\s+calcinosis; lupus$/m);
      expect(info).toMatch(/^Creator:\s+Casepress 0\.1\.0$/m);
      expect(info).toMatch(/^Producer:\s+Casepress 0\.1\.0 \(Chromium\)$/m);
      expect(info).toMatch(/^CreationDate:\s+2016-03-15T00:00:00Z$/m);
      expect(info).toMatch(/^ModDate:\s+2016-03-15T00:00:00Z$/m);
      expect(info).toMatch(/^Metadata Stream:\s+yes$/m);
      expect(info).toMatch(/^Tagged:\s+yes$/m);
      expect(info).toMatch(/^PDF version:\s+1\.7$/m);
      const textOf = (file: string) => execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
      expect(textOf(path)).toBe(textOf(FIXTURE));
    },
  );

  it("is read back by pdf-lib with XMP, /Lang, /Alt on the figure and /Contents on every link", async () => {
    const { pdf } = await applyPdfMetadataDetailed(chromium, METADATA);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    const deref = (object: PDFObject | undefined) =>
      object instanceof PDFRef ? doc.context.lookup(object) : object;
    expect(doc.getTitle()).toBe(METADATA.title);
    expect(text(doc.catalog.get(PDFName.of("Lang")))).toBe("en");
    const stream = deref(doc.catalog.get(PDFName.of("Metadata")));
    expect(stream).toBeInstanceOf(PDFRawStream);
    // The catalog's /Metadata is a raw (uncompressed) stream, as checked just above.
    const xmp = new TextDecoder().decode((stream as PDFRawStream).getContents());
    expect(xmp).toContain("<rdf:li>Zoë Example</rdf:li>");
    expect(xmp).toContain("<pdfuaid:part>1</pdfuaid:part>");

    const figures: (string | undefined)[] = [];
    const ids: string[] = [];
    for (const [, object] of doc.context.enumerateIndirectObjects()) {
      if (!(object instanceof PDFDict)) continue;
      if (object.get(PDFName.of("Type")) !== PDFName.of("StructElem")) continue;
      if (object.get(PDFName.of("S")) === PDFName.of("Figure"))
        figures.push(text(object.get(PDFName.of("Alt"))));
      const id = text(object.get(PDFName.of("ID")));
      if (id !== undefined) ids.push(id);
    }
    // The <figure> wrapper gets its image's alt text.
    expect(figures).toEqual(["A red dot on white", "A red dot on white"]);
    expect(ids.sort()).toEqual(["node00000001", "node00000002"]);

    const contents: (string | undefined)[] = [];
    for (const page of doc.getPages())
      for (const entry of page.node.Annots()?.asArray() ?? []) {
        const annotation = deref(entry);
        if (annotation instanceof PDFDict)
          contents.push(text(annotation.get(PDFName.of("Contents"))));
      }
    expect(contents.sort()).toEqual([
      "E-mail ada@example.org",
      "Fig 1",
      "Go to tab-one",
      "Link to https://example.org/case",
    ]);
  });

  it("is byte-identical whatever Chromium's clock and node-id counter said", async () => {
    const { pdf: a } = await applyPdfMetadataDetailed(chromium, METADATA);
    let other = replaceSameLength(chromium, "node00000023", "node00004711");
    other = replaceSameLength(other, "node00000024", "node00004712");
    const date = /\/CreationDate \((D:\d{14})/.exec(Buffer.from(chromium).toString("latin1"))?.[1];
    other = replaceSameLength(other, date ?? "", "D:20991231235959");
    expect(Buffer.from(other).equals(Buffer.from(chromium))).toBe(false);
    const { pdf: b } = await applyPdfMetadataDetailed(other, METADATA);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    const { pdf: c } = await applyPdfMetadataDetailed(chromium, {
      ...METADATA,
      sourceDateEpoch: 1_458_000_001,
    });
    expect(Buffer.from(c).equals(Buffer.from(a))).toBe(false);
  });

  it("parses only the objects it needs, never a content stream, font or image", () => {
    const { stats } = writeIncrementalUpdate(chromium, planMetadata(METADATA));
    const all = Buffer.from(chromium).toString("latin1");
    const objects = all.match(/\n\d+ 0 obj\n/g)?.length ?? 0;
    const streams = all.match(/>> ?stream\r?\n/g)?.length ?? 0;
    // Catalog, info, structure tree root, its elements, the IDTree, the page tree, the annotations.
    expect(stats.objectsParsed).toBeLessThanOrEqual(objects - streams);
    // Only dictionaries were tokenized: at most the bytes outside the streams' data.
    let streamBytes = 0;
    for (const match of all.matchAll(/stream\r?\n/g))
      if (all[match.index - 1] !== "d")
        streamBytes += all.indexOf("endstream", match.index) - match.index;
    expect(streamBytes).toBeGreaterThan(chromium.length / 2);
    expect(stats.bytesTokenized).toBeLessThanOrEqual(chromium.length - streamBytes);
    expect(stats.idsRenumbered).toBe(2);
  });
});

/** A pdf-lib document whose only page content stream holds bytes no tokenizer would accept. */
async function pdfWithHostileContent(): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([200, 200]);
  const garbage = `${"BT ) >> endobj trailer << /Size 1 >> startxref 0 %%EOF ( ] > ".repeat(2000)}`;
  // An uncompressed stream, so its bytes are really in the file.
  const raw = doc.context.stream(garbage);
  page.node.set(PDFName.of("Contents"), doc.context.register(raw));
  return doc.save({ useObjectStreams: false });
}

describe("work the incremental writer does not do", () => {
  it("steps over a content stream by its xref offset, without reading it", async () => {
    const pdf = await pdfWithHostileContent();
    const { stats } = writeIncrementalUpdate(pdf, planMetadata(METADATA));
    // Catalog, page tree root and its one page (the trailer has no /Info).
    expect(stats.objectsParsed).toBe(3);
    expect(stats.bytesTokenized).toBeLessThan(1000);
    expect(pdf.length).toBeGreaterThan(100_000);
  });
});

/** What a reader sees of a PDF's metadata and structure, read with pdf-lib. */
async function summary(pdf: Uint8Array) {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const deref = (object: PDFObject | undefined) =>
    object instanceof PDFRef ? doc.context.lookup(object) : object;
  const elements: string[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    if (object.get(PDFName.of("Type")) !== PDFName.of("StructElem")) continue;
    const fields = ["S", "Alt", "ID"].map((key) => {
      const value = object.get(PDFName.of(key));
      return value instanceof PDFName ? value.decodeText() : text(value);
    });
    elements.push(fields.join(" | "));
  }
  const links = doc.getPages().flatMap((page) =>
    (page.node.Annots()?.asArray() ?? []).map((entry) => {
      const annotation = deref(entry);
      return annotation instanceof PDFDict ? text(annotation.get(PDFName.of("Contents"))) : "";
    }),
  );
  const stream = deref(doc.catalog.get(PDFName.of("Metadata")));
  return {
    info: [
      doc.getTitle(),
      doc.getAuthor(),
      doc.getSubject(),
      doc.getKeywords(),
      doc.getCreator(),
      doc.getProducer(),
      doc.getCreationDate()?.toISOString(),
      doc.getModificationDate()?.toISOString(),
    ],
    lang: text(doc.catalog.get(PDFName.of("Lang"))),
    xmp: stream instanceof PDFRawStream ? new TextDecoder().decode(stream.getContents()) : "",
    pages: doc.getPageCount(),
    elements: elements.sort(),
    links,
  };
}

describe("both writers", () => {
  it("give the same metadata, structure tree and link descriptions", async () => {
    const plan = planMetadata(METADATA);
    const incremental = writeIncrementalUpdate(chromium, plan).pdf;
    const rewritten = await applyWithPdfLib(chromium, plan);
    const [a, b] = [await summary(incremental), await summary(rewritten)];
    expect(a.elements.length).toBeGreaterThan(10);
    expect(a).toEqual(b);
  });
});

describe("the pdf-lib fallback", () => {
  it("takes over for a cross-reference stream, and the result still carries the metadata", async () => {
    const doc = await PDFDocument.load(chromium, { updateMetadata: false });
    const packed = await doc.save({ useObjectStreams: true });
    expect(() => writeIncrementalUpdate(packed, planMetadata(METADATA))).toThrow(
      UnsupportedPdfError,
    );
    const result = await applyPdfMetadataDetailed(packed, METADATA);
    expect(result.method).toBe("pdf-lib");
    expect(result.fallbackReason).toMatch(/xref/);
    const back = await PDFDocument.load(result.pdf, { updateMetadata: false });
    expect(back.getTitle()).toBe(METADATA.title);
    expect(back.getCreationDate()?.toISOString()).toBe("2016-03-15T00:00:00.000Z");
  });

  it("takes over for a PDF that already has an update (/Prev), rather than chain a second", async () => {
    const { pdf: once } = await applyPdfMetadataDetailed(chromium, METADATA);
    const twice = await applyPdfMetadataDetailed(once, { ...METADATA, title: "Second" });
    expect(twice.method).toBe("pdf-lib");
    expect(twice.fallbackReason).toMatch(/\/Prev/);
    const back = await PDFDocument.load(twice.pdf, { updateMetadata: false });
    expect(back.getTitle()).toBe("Second");
  });

  it("takes over when an object is not where the xref table says", async () => {
    // One byte fewer in the first object: every later xref offset now points one byte too far.
    const text = Buffer.from(chromium).toString("latin1");
    expect(text).toContain("<</Title (");
    const broken = Buffer.from(
      text
        .replace("<</Title (", "<</Title(")
        .replace(/startxref\n(\d+)/, (_, n: string) => `startxref\n${Number(n) - 1}`),
      "latin1",
    );
    expect(() => writeIncrementalUpdate(broken, planMetadata(METADATA))).toThrow(
      UnsupportedPdfError,
    );
    const result = await applyPdfMetadataDetailed(new Uint8Array(broken), METADATA);
    expect(result.method).toBe("pdf-lib");
  });

  it("still rejects an invalid epoch before choosing a writer", async () => {
    await expect(
      applyPdfMetadataDetailed(chromium, { ...METADATA, sourceDateEpoch: Number.NaN }),
    ).rejects.toThrow(RangeError);
  });
});

describe("pdfLiteralString (same-length byte strings for dates and ids)", () => {
  it("escapes what could end the string and refuses what has no byte", () => {
    expect(pdfLiteralString("node00000001")).toBe("(node00000001)");
    expect(pdfLiteralString("a) /Evil (b\\")).toBe("(a\\) /Evil \\(b\\\\)");
    expect(pdfLiteralString("\n\u00e9\u007f")).toBe("(\\012\\351\\177)");
    expect(() => pdfLiteralString("😀")).toThrow(RangeError);
  });
});
