/**
 * Facts about an image from its bytes, without decoding pixels: format and pixel size from
 * image-size, plus the two things it does not read — whether a PNG or JPEG file is complete (a
 * truncated file ends without its IEND chunk or EOI marker), and the resolution the file
 * declares (PNG `pHYs`, JPEG JFIF density).
 */
import { imageSize } from "image-size";

/** What the header says. */
export interface ImageHeader {
  format: string;
  width: number;
  height: number;
  /** Declared dots per inch, when the file states one. */
  density?: number;
}

const pngEnd = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

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

/**
 * Read an image's header. Throws an Error whose message says what is wrong when the bytes are
 * not a supported image or the file is truncated.
 */
export function readImageHeader(bytes: Buffer): ImageHeader {
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    throw new Error(
      "not an image file Casepress can read (PNG, JPEG, TIFF, GIF, BMP, WebP or SVG)",
    );
  }
  const format = size.type === "jpg" ? "jpeg" : (size.type ?? "unknown");
  if (!size.width || !size.height) throw new Error("no pixel size in the image header");
  if (format === "png" && !bytes.subarray(-8).equals(pngEnd))
    throw new Error("the PNG file is truncated (no IEND chunk at its end)");
  if (format === "jpeg" && !(bytes.at(-2) === 0xff && bytes.at(-1) === 0xd9)) {
    throw new Error("the JPEG file is truncated (no end-of-image marker)");
  }
  const density =
    format === "png" ? pngDensity(bytes) : format === "jpeg" ? jpegDensity(bytes) : undefined;
  return { format, width: size.width, height: size.height, ...(density ? { density } : {}) };
}
