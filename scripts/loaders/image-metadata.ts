/**
 * Read the EXIF and XMP metadata of an image that can identify a patient: a person's name
 * (artist, creator, owner, person shown), the date it was taken, a GPS position. The loader
 * calls this on the bytes it already read through the path guard; the privacy transform gets
 * the result as data. `exifr` does the parsing.
 */
import exifr from "exifr";
import type { ImageMetadata } from "./resources.ts";

/** Fields that name a person, in EXIF, IPTC and XMP (exifr's merged names). */
const personFields = [
  "Artist",
  "XPAuthor",
  "OwnerName",
  "CameraOwnerName",
  "creator",
  "Creator",
  "By-line",
  "PersonInImage",
  "Copyright",
  "rights",
];

/** Fields that date the picture (not the software's save date). */
const dateFields = ["DateTimeOriginal", "CreateDate", "DateCreated", "DateTimeDigitized"];

function texts(value: unknown): string[] {
  if (typeof value === "string") return value.trim() ? [value.trim()] : [];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === "object") {
    // XMP language alternatives arrive as { lang: "x-default", value: "…" } or a map of them.
    const record = value as Record<string, unknown>;
    return "value" in record ? texts(record.value) : Object.values(record).flatMap(texts);
  }
  return [];
}

function dateText(value: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime()))
    return value.toISOString().slice(0, 10);
  return texts(value)[0];
}

/**
 * The identifying metadata in `bytes` (the head of a JPEG, PNG, TIFF, WebP or HEIC file), or
 * undefined when there is none or it cannot be parsed (the image checks report broken files).
 */
export async function readImageMetadata(bytes: Uint8Array): Promise<ImageMetadata | undefined> {
  let parsed: unknown;
  try {
    parsed = await exifr.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      tiff: true,
      exif: true,
      gps: true,
      xmp: true,
      iptc: true,
      icc: false,
      jfif: false,
      ihdr: false,
      interop: false,
      ifd1: false,
      makerNote: false,
      userComment: false,
      mergeOutput: true,
    });
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== "object") return undefined;
  const fields = parsed as Record<string, unknown>;
  const people = [...new Set(personFields.flatMap((name) => texts(fields[name])))];
  const dates = [
    ...new Set(
      dateFields.map((name) => dateText(fields[name])).filter((d): d is string => d !== undefined),
    ),
  ];
  const gps =
    typeof fields.latitude === "number" ||
    typeof fields.longitude === "number" ||
    fields.GPSLatitude !== undefined ||
    fields.GPSLongitude !== undefined;
  if (people.length === 0 && dates.length === 0 && !gps) return undefined;
  return { people, dates, gps };
}
