/**
 * PNG figures passed into the PDF as they are.
 *
 * Chromium decodes every PNG figure and deflates its pixels again when it prints (for an
 * 8-bit, opaque, non-interlaced PNG it keeps the pixels exactly and the PNG's ICC profile as
 * `/ICCBased`). A PDF can embed a PNG's own IDAT data instead: it is a zlib stream of
 * predictor-filtered rows, which `/FlateDecode` with `/DecodeParms << /Predictor 15 … >>`
 * decodes to the same pixels. So the page gets a placeholder of the same size and chunks
 * (profile, EXIF, resolution), whose pixels are cheap to re-deflate: a marker row (a per-renderer
 * secret and the image's serial number), then black. After printing, every image object whose
 * pixels are exactly a placeholder's is replaced by the original IDAT data; the caller prints
 * again without placeholders when any placeholder did not come out intact (transformed,
 * cropped, rotated or not painted), so the PDF's pixels are always the figure's own.
 */
import { constants, deflateSync, inflateSync, crc32 as zlibCrc32 } from "node:zlib";
import type { ObjectReplacement } from "./pdf-splice.ts";

const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Chunks copied into the placeholder, so the page treats it as it would the figure. Any other
 * chunk (transparency, gamma, chromaticities, palette, unknown ones) makes the PNG ineligible.
 */
const KEPT_CHUNKS = new Set(["iCCP", "sRGB", "pHYs", "eXIf", "tEXt", "zTXt", "iTXt", "tIME"]);

/** Marker length: 16 secret bytes and a 4-byte serial number. */
const MARKER_BYTES = 20;

/** A PNG whose IDAT data a PDF can embed as is. */
export interface PassthroughPng {
  width: number;
  height: number;
  /** Colour components per pixel: 3 (RGB, colour type 2) or 1 (grey, colour type 0). */
  colors: 1 | 3;
  /** The IDAT chunks' data, concatenated: one zlib stream. */
  idat: Uint8Array;
  /** The placeholder's chunks before IDAT (IHDR and the kept ancillary chunks), raw. */
  header: Uint8Array[];
}

/** One chunk of a PNG file. */
interface Chunk {
  type: string;
  data: Uint8Array;
  /** The whole chunk: length, type, data and CRC. */
  raw: Uint8Array;
}

/** The chunks of a PNG file, or null when it is not one or a chunk's CRC is wrong. */
function chunksOf(bytes: Uint8Array): Chunk[] | null {
  if (bytes.length < 8 || !PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) return null;
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (zlibCrc32(bytes.subarray(offset + 4, end - 4)) !== view.getUint32(end - 4)) return null;
    chunks.push({
      type,
      data: bytes.subarray(offset + 8, offset + 8 + length),
      raw: bytes.subarray(offset, end),
    });
    offset = end;
    if (type === "IEND") return chunks;
  }
  return null;
}

/**
 * The PNG's parts when a PDF can embed its pixel data as is, else null: 8 bits per sample,
 * RGB or grey without transparency, not interlaced, only the chunks in {@link KEPT_CHUNKS}
 * besides IHDR, IDAT (consecutive) and IEND, and wide enough to hold the marker row.
 */
export function readPassthroughPng(bytes: Uint8Array): PassthroughPng | null {
  const chunks = chunksOf(bytes);
  const ihdr = chunks?.[0];
  if (chunks === null || ihdr === undefined || ihdr.type !== "IHDR" || ihdr.data.length !== 13) {
    return null;
  }
  const view = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, 13);
  const [width, height] = [view.getUint32(0), view.getUint32(4)];
  const [depth, colorType, compression, filter, interlace] = ihdr.data.subarray(8, 13);
  if (depth !== 8 || (colorType !== 2 && colorType !== 0)) return null;
  if (compression !== 0 || filter !== 0 || interlace !== 0) return null;
  const colors = colorType === 2 ? 3 : 1;
  if (width * colors < MARKER_BYTES || height < 1 || width * height * colors > 2 ** 26) return null;
  const header = [ihdr.raw];
  const idat: Uint8Array[] = [];
  for (const [index, chunk] of chunks.entries()) {
    if (index === 0 || chunk.type === "IEND") continue;
    if (chunk.type === "IDAT") {
      if (idat.length > 0 && chunks[index - 1]?.type !== "IDAT") return null;
      idat.push(chunk.data);
    } else if (KEPT_CHUNKS.has(chunk.type) && idat.length === 0) {
      header.push(chunk.raw);
    } else {
      return null;
    }
  }
  if (idat.length === 0) return null;
  const data = Buffer.concat(idat);
  return decodesCleanly(data, width * colors, height)
    ? { width, height, colors, idat: data, header }
    : null;
}

/**
 * Whether `idat` inflates to exactly `height` rows of `stride` bytes, each with a valid filter
 * type: a figure the browser would show whole, so the PDF shows what the browser would.
 */
function decodesCleanly(idat: Uint8Array, stride: number, height: number): boolean {
  let rows: Buffer;
  try {
    rows = inflateSync(idat, { maxOutputLength: (stride + 1) * height + 1 });
  } catch {
    return false;
  }
  if (rows.length !== (stride + 1) * height) return false;
  for (let row = 0; row < height; row++) if ((rows[row * (stride + 1)] ?? 5) > 4) return false;
  return true;
}

/** The decoded pixels of the placeholder for `serial`: the marker row, then zeros. */
export function placeholderPixels(png: PassthroughPng, secret: Uint8Array, serial: number): Buffer {
  const pixels = Buffer.alloc(png.width * png.height * png.colors);
  pixels.set(secret.subarray(0, MARKER_BYTES - 4), 0);
  pixels.writeUInt32BE(serial, MARKER_BYTES - 4);
  return pixels;
}

/** A PNG chunk with its length and CRC. */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(zlibCrc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** The placeholder PNG for `serial`: the figure's header chunks, {@link placeholderPixels} as IDAT. */
export function placeholderPng(png: PassthroughPng, secret: Uint8Array, serial: number): Buffer {
  const pixels = placeholderPixels(png, secret, serial);
  const stride = png.width * png.colors;
  const rows = Buffer.alloc((stride + 1) * png.height); // Filter byte 0 (none) on every row.
  for (let row = 0; row < png.height; row++) {
    pixels.copy(rows, row * (stride + 1) + 1, row * stride, (row + 1) * stride);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    ...png.header,
    chunk("IDAT", deflateSync(rows, { level: 1, strategy: constants.Z_RLE })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/** An indirect stream object of a PDF, located by a scan. */
interface StreamObject {
  objectNumber: number;
  generation: number;
  dictionary: string;
  data: Uint8Array;
}

/**
 * The stream objects of a PDF that are images deflated without a predictor, as Chromium writes
 * them: found by their `/Subtype /Image` entry, each with its `n g obj <<…>> stream` header.
 */
function* imageStreams(pdf: Uint8Array): Generator<StreamObject> {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString("latin1");
  const header = /(\d+) (\d+) obj\s*$/;
  for (
    let at = text.indexOf("/Subtype /Image");
    at >= 0;
    at = text.indexOf("/Subtype /Image", at + 1)
  ) {
    const open = text.lastIndexOf("<<", at);
    const object = open < 0 ? null : header.exec(text.slice(Math.max(0, open - 24), open));
    const close = /^(?:[^<>]|<<[^<>]*>>)*>>\s*stream\r?\n/.exec(text.slice(open + 2, at + 4096));
    if (object === null || close === null) continue;
    const dictionary = text.slice(open, open + 2 + close[0].lastIndexOf(">>") + 2);
    const length = /\/Length (\d+)(?![\d ]*R)/.exec(dictionary);
    if (length === null || !/\/Filter\s*\/FlateDecode\b/.test(dictionary)) continue;
    if (/\/DecodeParms|\/SMask|\/Decode\b|\/Mask\b/.test(dictionary)) continue;
    const start = open + 2 + close[0].length;
    yield {
      objectNumber: Number(object[1]),
      generation: Number(object[2]),
      dictionary,
      data: pdf.subarray(start, start + Number(length[1])),
    };
  }
}

/** A placeholder the page was given, by serial number. */
export interface ServedPlaceholder {
  png: PassthroughPng;
  serial: number;
}

/** What {@link imageReplacements} found. */
export interface ImageReplacements {
  /** New bodies for the image objects that hold a placeholder's exact pixels. */
  replacements: ObjectReplacement[];
  /** Serial numbers of the placeholders found intact. */
  found: Set<number>;
}

let zeros = Buffer.alloc(0);

/** Whether `pixels` are exactly the placeholder's: the marker, then zeros, nothing more. */
function isPlaceholder(pixels: Buffer, entry: ServedPlaceholder, secret: Uint8Array): boolean {
  const { png, serial } = entry;
  if (pixels.length !== png.width * png.height * png.colors) return false;
  if (!pixels.subarray(0, MARKER_BYTES - 4).equals(secret.subarray(0, MARKER_BYTES - 4)))
    return false;
  if (pixels.readUInt32BE(MARKER_BYTES - 4) !== serial) return false;
  const rest = pixels.length - MARKER_BYTES;
  if (zeros.length < rest) zeros = Buffer.alloc(rest);
  return pixels.subarray(MARKER_BYTES).equals(zeros.subarray(0, rest));
}

/** A number entry of a PDF dictionary, or NaN. */
function numberEntry(dictionary: string, key: string): number {
  const match = new RegExp(`/${key}\\s+(\\d+)`).exec(dictionary);
  return match === null ? Number.NaN : Number(match[1]);
}

/**
 * Find Chromium's image objects that carry a served placeholder's exact pixels, and return
 * replacements that embed the original PNG's IDAT data with the PNG predictor instead. The
 * object keeps every other entry Chromium wrote (its `/ColorSpace`, from the same ICC profile).
 */
export function imageReplacements(
  pdf: Uint8Array,
  secret: Uint8Array,
  served: readonly ServedPlaceholder[],
): ImageReplacements {
  const replacements: ObjectReplacement[] = [];
  const found = new Set<number>();
  const bySize = new Map<string, ServedPlaceholder[]>();
  for (const entry of served) {
    const key = `${entry.png.width}x${entry.png.height}`;
    bySize.set(key, [...(bySize.get(key) ?? []), entry]);
  }
  for (const image of imageStreams(pdf)) {
    const width = numberEntry(image.dictionary, "Width");
    const height = numberEntry(image.dictionary, "Height");
    const candidates = bySize.get(`${width}x${height}`);
    if (candidates === undefined || numberEntry(image.dictionary, "BitsPerComponent") !== 8) {
      continue;
    }
    let pixels: Buffer;
    try {
      pixels = inflateSync(image.data);
    } catch {
      continue;
    }
    if (!pixels.subarray(0, MARKER_BYTES - 4).equals(secret.subarray(0, MARKER_BYTES - 4)))
      continue;
    const serial = pixels.length >= MARKER_BYTES ? pixels.readUInt32BE(MARKER_BYTES - 4) : -1;
    const entry = candidates.find((candidate) => candidate.serial === serial);
    if (entry === undefined || !isPlaceholder(pixels, entry, secret)) continue;
    const { png } = entry;
    found.add(serial);
    const kept = image.dictionary
      .slice(2, -2)
      .replace(/\/Length \d+/, "")
      .trim();
    replacements.push({
      objectNumber: image.objectNumber,
      generation: image.generation,
      dictionary: `<<${kept}\n/DecodeParms <</Predictor 15 /Colors ${png.colors} /BitsPerComponent 8 /Columns ${png.width}>>\n/Length ${png.idat.length}>>`,
      stream: png.idat,
    });
  }
  return { replacements, found };
}
