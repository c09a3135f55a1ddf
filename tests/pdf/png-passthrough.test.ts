import { deflateSync, inflateSync } from "node:zlib";
import { PDFDocument, PDFName, PDFRawStream, PDFRef } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { replaceObjects } from "../../scripts/pdf/pdf-splice.ts";
import {
  imageReplacements,
  placeholderPixels,
  placeholderPng,
  readPassthroughPng,
} from "../../scripts/pdf/png-passthrough.ts";
import { pngChunk } from "../helpers.ts";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface PngSpec {
  width?: number;
  height?: number;
  colorType?: number;
  depth?: number;
  interlace?: number;
  /** Chunks between IHDR and IDAT. */
  before?: Buffer[];
}

/** A PNG of pseudo-random pixels, rows filtered with "Sub", split over two IDAT chunks. */
function makePng(spec: PngSpec = {}): Buffer {
  const { width = 40, height = 12, colorType = 2, depth = 8, interlace = 0 } = spec;
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType] ?? 3;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([depth, colorType, 0, 0, interlace], 8);
  const stride = width * channels * (depth / 8);
  const rows = Buffer.alloc((stride + 1) * height);
  for (let row = 0; row < height; row++) {
    rows[row * (stride + 1)] = 1;
    for (let x = 0; x < stride; x++) rows[row * (stride + 1) + 1 + x] = (row * 31 + x * 7) % 256;
  }
  const idat = deflateSync(rows);
  const half = Math.floor(idat.length / 2);
  return Buffer.concat([
    SIGNATURE,
    pngChunk("IHDR", ihdr),
    ...(spec.before ?? []),
    pngChunk("IDAT", idat.subarray(0, half)),
    pngChunk("IDAT", idat.subarray(half)),
    pngChunk("IEND"),
  ]);
}

/** The chunk types of a PNG, in order. */
function chunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let offset = 8; offset < png.length; offset += 12 + png.readUInt32BE(offset)) {
    types.push(png.toString("latin1", offset + 4, offset + 8));
  }
  return types;
}

const SECRET = Buffer.from("0123456789abcdef0123456789abcdef", "hex");

/** A PDF as Chromium writes one: classic xref, an image object deflated without predictor. */
function chromiumLikePdf(images: Uint8Array[], width: number, height: number): Buffer {
  const objects: Buffer[] = [
    Buffer.from("<</Type /Catalog\n/Pages 2 0 R>>"),
    Buffer.from("<</Type /Pages\n/Kids []\n/Count 0>>"),
    ...images.map((pixels) => {
      const data = deflateSync(pixels);
      return Buffer.concat([
        Buffer.from(
          `<</Type /XObject\n/Subtype /Image\n/Width ${width}\n/Height ${height}\n/ColorSpace /DeviceRGB\n/BitsPerComponent 8\n/Filter /FlateDecode\n/Length ${data.length}>> stream\n`,
        ),
        data,
        Buffer.from("\nendstream"),
      ]);
    }),
  ];
  const parts: Buffer[] = [Buffer.from("%PDF-1.7\n")];
  const offsets: number[] = [];
  let length = parts[0]!.length;
  for (const [index, body] of objects.entries()) {
    offsets.push(length);
    const object = Buffer.concat([
      Buffer.from(`${index + 1} 0 obj\n`),
      body,
      Buffer.from("\nendobj\n"),
    ]);
    parts.push(object);
    length += object.length;
  }
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`];
  for (const offset of offsets) xref.push(`${String(offset).padStart(10, "0")} 00000 n \n`);
  xref.push(`trailer\n<</Size ${objects.length + 1}\n/Root 1 0 R>>\nstartxref\n${length}\n%%EOF\n`);
  return Buffer.concat([...parts, Buffer.from(xref.join(""))]);
}

describe("readPassthroughPng", () => {
  it("takes 8-bit RGB and grey PNGs, keeping their IDAT data as one zlib stream", () => {
    const png = makePng({
      before: [pngChunk("iCCP", Buffer.from("p\0\0xyz")), pngChunk("pHYs", Buffer.alloc(9))],
    });
    const read = readPassthroughPng(png);
    expect(read).toMatchObject({ width: 40, height: 12, colors: 3 });
    expect(inflateSync(read!.idat).length).toBe((40 * 3 + 1) * 12);
    expect(readPassthroughPng(makePng({ colorType: 0 }))?.colors).toBe(1);
  });

  it("refuses what a PDF cannot embed as is, or what the page would change", () => {
    expect(readPassthroughPng(makePng({ colorType: 6 }))).toBeNull(); // alpha
    expect(readPassthroughPng(makePng({ colorType: 3 }))).toBeNull(); // palette
    expect(readPassthroughPng(makePng({ depth: 16 }))).toBeNull();
    expect(readPassthroughPng(makePng({ interlace: 1 }))).toBeNull();
    expect(readPassthroughPng(makePng({ before: [pngChunk("tRNS", Buffer.alloc(6))] }))).toBeNull();
    expect(readPassthroughPng(makePng({ before: [pngChunk("gAMA", Buffer.alloc(4))] }))).toBeNull();
    expect(readPassthroughPng(makePng({ width: 5 }))).toBeNull(); // no room for the marker
    expect(readPassthroughPng(Buffer.from("GIF89a"))).toBeNull();
    expect(readPassthroughPng(makePng().subarray(0, 60))).toBeNull(); // truncated
  });

  it("refuses a PNG the browser would not show whole: bad CRC, short or broken pixel data", () => {
    const badCrc = makePng();
    badCrc[badCrc.length - 20] = (badCrc[badCrc.length - 20] ?? 0) ^ 1; // inside the last IDAT
    expect(readPassthroughPng(badCrc)).toBeNull();
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(40, 0);
    ihdr.writeUInt32BE(12, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const withRows = (rows: Buffer) =>
      Buffer.concat([
        SIGNATURE,
        pngChunk("IHDR", ihdr),
        pngChunk("IDAT", deflateSync(rows)),
        pngChunk("IEND"),
      ]);
    expect(readPassthroughPng(withRows(Buffer.alloc(121 * 12)))).not.toBeNull();
    expect(readPassthroughPng(withRows(Buffer.alloc(121 * 11)))).toBeNull(); // a row short
    expect(readPassthroughPng(withRows(Buffer.alloc(121 * 13)))).toBeNull(); // a row too many
    expect(readPassthroughPng(withRows(Buffer.alloc(121 * 12, 5)))).toBeNull(); // filter type 5
    const garbage = Buffer.concat([
      SIGNATURE,
      pngChunk("IHDR", ihdr),
      pngChunk("IDAT", Buffer.from("not zlib")),
      pngChunk("IEND"),
    ]);
    expect(readPassthroughPng(garbage)).toBeNull();
  });
});

describe("placeholderPng", () => {
  it("keeps the figure's header chunks and holds exactly the marker pixels", () => {
    const png = makePng({ before: [pngChunk("iCCP", Buffer.from("p\0\0xyz"))] });
    const read = readPassthroughPng(png)!;
    const placeholder = placeholderPng(read, SECRET, 7);
    expect(chunkTypes(placeholder)).toEqual(["IHDR", "iCCP", "IDAT", "IEND"]);
    expect(placeholder.subarray(8, 8 + 25).equals(png.subarray(8, 8 + 25))).toBe(true); // IHDR
    const again = readPassthroughPng(placeholder)!;
    const rows = inflateSync(again.idat);
    const pixels = placeholderPixels(read, SECRET, 7);
    for (let row = 0; row < read.height; row++) {
      const start = row * (40 * 3 + 1);
      expect(rows[start]).toBe(0);
      expect(
        rows
          .subarray(start + 1, start + 1 + 120)
          .equals(pixels.subarray(row * 120, row * 120 + 120)),
      ).toBe(true);
    }
  });
});

describe("imageReplacements and replaceObjects", () => {
  const read = readPassthroughPng(makePng())!;

  it("swaps a placeholder's image object for the PNG's own data with the PNG predictor", async () => {
    const other = Buffer.alloc(40 * 12 * 3, 9);
    const pdf = chromiumLikePdf([placeholderPixels(read, SECRET, 3), other], 40, 12);
    const { replacements, found } = imageReplacements(pdf, SECRET, [{ png: read, serial: 3 }]);
    expect([...found]).toEqual([3]);
    expect(replacements.map((r) => r.objectNumber)).toEqual([3]);
    const spliced = replaceObjects(pdf, replacements);
    expect(spliced).not.toBeNull();
    const document = await PDFDocument.load(spliced!);
    const image = document.context.lookup(PDFRef.of(3));
    expect(image).toBeInstanceOf(PDFRawStream);
    const stream = image as PDFRawStream;
    expect(Buffer.from(stream.contents).equals(Buffer.from(read.idat))).toBe(true);
    expect(String(stream.dict.get(PDFName.of("DecodeParms")))).toBe(
      "<<\n/Predictor 15\n/Colors 3\n/BitsPerComponent 8\n/Columns 40\n>>",
    );
    expect(String(stream.dict.get(PDFName.of("ColorSpace")))).toBe("/DeviceRGB");
    // The other image and the catalog are where the new table says, untouched.
    const kept = document.context.lookup(PDFRef.of(4)) as PDFRawStream;
    expect(inflateSync(kept.contents).equals(other)).toBe(true);
    expect(String(document.catalog.get(PDFName.of("Type")))).toBe("/Catalog");
  });

  it("finds nothing where the pixels differ from the placeholder's by one byte or in secret", () => {
    const pixels = placeholderPixels(read, SECRET, 3);
    pixels[pixels.length - 1] = 1;
    const changed = chromiumLikePdf([pixels], 40, 12);
    expect(imageReplacements(changed, SECRET, [{ png: read, serial: 3 }]).found.size).toBe(0);
    const forged = chromiumLikePdf([placeholderPixels(read, Buffer.alloc(16), 3)], 40, 12);
    expect(imageReplacements(forged, SECRET, [{ png: read, serial: 3 }]).found.size).toBe(0);
    const otherSerial = chromiumLikePdf([placeholderPixels(read, SECRET, 4)], 40, 12);
    expect(imageReplacements(otherSerial, SECRET, [{ png: read, serial: 3 }]).found.size).toBe(0);
  });

  it("leaves a PDF with an incremental update to the caller", () => {
    const pdf = chromiumLikePdf([placeholderPixels(read, SECRET, 3)], 40, 12);
    const { replacements } = imageReplacements(pdf, SECRET, [{ png: read, serial: 3 }]);
    const updated = Buffer.from(
      pdf.toString("latin1").replace("/Root 1 0 R>>", "/Root 1 0 R /Prev 9>>"),
      "latin1",
    );
    expect(replaceObjects(updated, replacements)).toBeNull();
    expect(replaceObjects(pdf, [])).toBe(pdf);
  });
});
