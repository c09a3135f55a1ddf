/**
 * Facts about an image from its bytes, without decoding pixels: format and pixel size from
 * image-size (read from the file's head), plus what it does not check — whether a PNG or JPEG
 * file is whole (every PNG chunk's CRC and the IEND chunk, the JPEG end-of-image marker), the
 * pixel-count cap, formats browsers cannot show (TIFF), active SVG content, and the resolution
 * the file declares (PNG `pHYs`, JPEG JFIF density).
 */
import { crc32 } from "node:zlib";
import { imageSize } from "image-size";
import { maxImagePixels } from "./path-guard.ts";

/** What the header says. */
export interface ImageHeader {
  format: string;
  width: number;
  height: number;
  /** Declared dots per inch, when the file states one. */
  density?: number;
}

function pngDensity(bytes: Buffer): number | undefined {
  // Chunks follow the 8-byte signature: length (4), type (4), data, CRC (4).
  for (let offset = 8; offset + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString("latin1", offset + 4, offset + 8);
    if (type === "IDAT") return undefined;
    if (type === "pHYs" && length >= 9 && offset + 17 <= bytes.length) {
      const pixelsPerUnit = bytes.readUInt32BE(offset + 8);
      const unitIsMetre = bytes[offset + 16] === 1;
      return unitIsMetre ? pixelsPerUnit * 0.0254 : undefined;
    }
    offset += 12 + length;
  }
  return undefined;
}

function jpegDensity(bytes: Buffer): number | undefined {
  // Walk the segments before the image data (SOS) for a JFIF APP0: "JFIF\0", version (2),
  // units (1: per inch, 2: per cm), X density (2).
  for (let offset = 2; offset + 4 <= bytes.length && bytes[offset] === 0xff; ) {
    const marker = bytes[offset + 1];
    if (marker === 0xda) return undefined;
    const length = bytes.readUInt16BE(offset + 2);
    if (
      marker === 0xe0 &&
      offset + 16 <= bytes.length &&
      bytes.toString("latin1", offset + 4, offset + 8) === "JFIF"
    ) {
      const units = bytes[offset + 11];
      const x = bytes.readUInt16BE(offset + 12);
      return units === 1 ? x : units === 2 ? x * 2.54 : undefined;
    }
    offset += 2 + length;
  }
  return undefined;
}

/** Detected formats a browser shows, with the file extension an output copy gets. */
export const displayableImageFormats: Readonly<Record<string, readonly string[]>> = {
  png: ["png"],
  jpeg: ["jpg", "jpeg"],
  gif: ["gif"],
  webp: ["webp"],
  svg: ["svg"],
};

/** Why an image cannot be used: `unsupported` formats, or `malformed` (corrupt) bytes. */
export class ImageProblem extends Error {
  /** `unsupported`: a format no browser shows or no image; `malformed`: corrupt or too big. */
  readonly kind: "unsupported" | "malformed";
  constructor(kind: "unsupported" | "malformed", message: string) {
    super(message);
    this.kind = kind;
  }
}

/** Bytes of an image read through the guard: its head, its tail and a streaming scan. */
export interface ImageBytes {
  size: number;
  head: Buffer;
  tail: Buffer;
  scan(visit: (chunk: Buffer, position: number) => void): Promise<void>;
}

/** How many bytes of the head `inspectImage` needs for the header of most files. */
export const imageHeadBytes = 256 * 1024;

/**
 * Walk a PNG's chunks as its bytes stream by: every chunk's CRC must match and the IEND chunk
 * must come, else the file is corrupt or truncated. Holds a few bytes, never the file.
 */
function pngChunkChecker() {
  let state: "signature" | "header" | "data" | "crc" | "done" = "signature";
  let held = Buffer.alloc(0);
  let remaining = 8;
  let type = "";
  let crc = 0;
  let chunkStart = 0;
  let problem: string | undefined;
  let sawData = false;
  const take = (chunk: Buffer, from: number, count: number) => {
    held = Buffer.concat([held, chunk.subarray(from, from + count)]);
  };
  return {
    feed(chunk: Buffer, position: number): void {
      let index = 0;
      while (index < chunk.length && state !== "done" && problem === undefined) {
        const count = Math.min(remaining, chunk.length - index);
        if (state === "data") {
          crc = crc32(chunk.subarray(index, index + count), crc);
        } else {
          take(chunk, index, count);
        }
        index += count;
        remaining -= count;
        if (remaining > 0) continue;
        if (state === "signature" || (state === "crc" && type !== "IEND")) {
          if (state === "crc" && held.readUInt32BE(0) !== crc >>> 0) {
            problem = `the PNG file is corrupt (chunk \`${type}\` at byte ${chunkStart} fails its CRC check)`;
            return;
          }
          state = "header";
          chunkStart = position + index;
          remaining = 8;
        } else if (state === "header") {
          const length = held.readUInt32BE(0);
          type = held.toString("latin1", 4, 8);
          if (!/^[A-Za-z]{4}$/.test(type) || length > 0x7fffffff) {
            problem = `the PNG file is corrupt (no valid chunk at byte ${chunkStart})`;
            return;
          }
          if (type === "IDAT") sawData = true;
          crc = crc32(held.subarray(4, 8));
          state = length === 0 ? "crc" : "data";
          remaining = length === 0 ? 4 : length;
        } else if (state === "data") {
          state = "crc";
          remaining = 4;
        } else {
          // The IEND chunk's CRC: the end of the image.
          if (held.readUInt32BE(0) !== crc >>> 0) {
            problem = `the PNG file is corrupt (chunk \`IEND\` at byte ${chunkStart} fails its CRC check)`;
            return;
          }
          state = "done";
        }
        held = Buffer.alloc(0);
      }
    },
    result(): string | undefined {
      if (problem) return problem;
      if (state !== "done") return "the PNG file is truncated (it ends before its IEND chunk)";
      if (!sawData) return "the PNG file holds no image data (no IDAT chunk)";
      return undefined;
    },
  };
}

/** Active content an SVG must not hold: it is copied beside the page and may be opened. */
const activeSvg = /<script|<foreignObject|\son[a-z]+\s*=|javascript:|<iframe|<object|<embed/i;

/**
 * Inspect an image from its head, tail and (for PNG and SVG) one streaming pass: the format
 * (only formats browsers show), pixel size (at most `maxImagePixels`), declared density, and
 * whether the data is whole (PNG chunk CRCs and IEND, JPEG end-of-image marker). Throws an
 * `ImageProblem` saying what is wrong.
 */
export async function inspectImage(bytes: ImageBytes): Promise<ImageHeader> {
  let size: ReturnType<typeof imageSize>;
  let head = bytes.head;
  try {
    size = imageSize(head);
  } catch {
    // A JPEG with large metadata before its frame header: read on, within the image cap.
    if (head.length < bytes.size) {
      const parts: Buffer[] = [];
      await bytes.scan((chunk) => parts.push(Buffer.from(chunk)));
      head = Buffer.concat(parts);
    }
    try {
      size = imageSize(head);
    } catch {
      throw new ImageProblem(
        "malformed",
        "not an image file Casepress can read (PNG, JPEG, GIF, WebP or SVG)",
      );
    }
  }
  const format = size.type === "jpg" ? "jpeg" : (size.type ?? "unknown");
  if (format === "tiff")
    throw new ImageProblem(
      "unsupported",
      "TIFF images cannot be shown by browsers, so the HTML and the PDF would show a broken image; convert it to PNG (lossless), e.g. `magick figure.tif figure.png`",
    );
  if (!(format in displayableImageFormats))
    throw new ImageProblem(
      "unsupported",
      `a ${format.toUpperCase()} file, not an image format browsers show; save it as PNG or JPEG`,
    );
  if (!size.width || !size.height)
    throw new ImageProblem("malformed", "no pixel size in the image header");
  if (size.width * size.height > maxImagePixels)
    throw new ImageProblem(
      "malformed",
      `the image is ${size.width} × ${size.height} pixels, more than the ${maxImagePixels / 1e6} million pixels allowed; scale it down`,
    );
  if (format === "png") {
    const checker = pngChunkChecker();
    await bytes.scan((chunk, position) => checker.feed(chunk, position));
    const problem = checker.result();
    if (problem) throw new ImageProblem("malformed", problem);
  }
  if (format === "jpeg" && !(bytes.tail.at(-2) === 0xff && bytes.tail.at(-1) === 0xd9))
    throw new ImageProblem("malformed", "the JPEG file is truncated (no end-of-image marker)");
  if (format === "svg") {
    let text = "";
    await bytes.scan((chunk) => {
      text += chunk.toString("latin1");
    });
    if (activeSvg.test(text))
      throw new ImageProblem(
        "unsupported",
        "the SVG file holds scripts, event handlers or embedded content; export it again without them, or as PNG",
      );
  }
  const density =
    format === "png" ? pngDensity(head) : format === "jpeg" ? jpegDensity(head) : undefined;
  return { format, width: size.width, height: size.height, ...(density ? { density } : {}) };
}

/** `inspectImage` on bytes already in memory. */
export async function inspectImageBytes(bytes: Buffer): Promise<ImageHeader> {
  return inspectImage({
    size: bytes.length,
    head: bytes.subarray(0, imageHeadBytes),
    tail: bytes.subarray(-16),
    async scan(visit) {
      for (let position = 0; position < bytes.length; position += 64 * 1024)
        visit(bytes.subarray(position, position + 64 * 1024), position);
    },
  });
}
