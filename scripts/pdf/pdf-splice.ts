/**
 * Replace indirect objects of a PDF in place: each object's bytes (`n g obj … endobj`) are
 * swapped for new ones and the cross-reference table is written again with the moved offsets.
 * Only for a PDF with one classic `xref` table and no incremental updates, as Chromium writes
 * it; anything else is left to the caller (`null`).
 */

/** A new body for one indirect stream object of a PDF. */
export interface ObjectReplacement {
  objectNumber: number;
  generation: number;
  /** The stream dictionary, `<< … >>`, with the right `/Length`. */
  dictionary: string;
  stream: Uint8Array;
}

/** The classic cross-reference table: offset of each in-use object, and where the table starts. */
interface XrefTable {
  offsets: Map<number, { offset: number; generation: number }>;
  /** Byte offset of the `xref` keyword. */
  start: number;
  /** The trailer dictionary, `<< … >>`. */
  trailer: string;
  size: number;
}

/** Read the one classic cross-reference table of `text` (latin1), or null. */
function readXref(text: string): XrefTable | null {
  const tail = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text.slice(-64));
  if (tail === null) return null;
  const start = Number(tail[1]);
  if (text.indexOf("startxref") !== text.lastIndexOf("startxref")) return null;
  if (!text.startsWith("xref", start)) return null;
  const trailerAt = text.indexOf("trailer", start);
  if (trailerAt < 0) return null;
  const trailer = /^trailer\s*(<<[\s\S]*?>>)\s*startxref/.exec(text.slice(trailerAt));
  if (trailer?.[1] === undefined || /\/Prev\b|\/XRefStm\b/.test(trailer[1])) return null;
  const offsets = new Map<number, { offset: number; generation: number }>();
  const lines = text
    .slice(start + 4, trailerAt)
    .trim()
    .split(/\r?\n|\r/);
  let next = 0;
  let size = 0;
  for (const line of lines) {
    const section = /^(\d+) (\d+)\s*$/.exec(line);
    if (section !== null) {
      next = Number(section[1]);
      size = Math.max(size, next + Number(section[2]));
      continue;
    }
    const entry = /^(\d{10}) (\d{5}) ([nf])\s*$/.exec(line);
    if (entry === null) return null;
    if (entry[3] === "n") {
      offsets.set(next, { offset: Number(entry[1]), generation: Number(entry[2]) });
    }
    next++;
  }
  return { offsets, start, trailer: trailer[1], size };
}

/**
 * `pdf` with the given objects' bodies replaced and the cross-reference table rewritten, or
 * null when the file is not a single classic table or an object is not where the table says.
 */
export function replaceObjects(
  pdf: Uint8Array,
  replacements: readonly ObjectReplacement[],
): Uint8Array | null {
  if (replacements.length === 0) return pdf;
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const text = bytes.toString("latin1");
  const xref = readXref(text);
  if (xref === null) return null;
  const ordered = [...xref.offsets.entries()].sort((a, b) => a[1].offset - b[1].offset);
  const byNumber = new Map(
    replacements.map((replacement) => [replacement.objectNumber, replacement]),
  );
  const parts: Uint8Array[] = [];
  const newOffsets = new Map<number, number>();
  let copiedTo = 0;
  let length = 0;
  const copy = (until: number): void => {
    parts.push(bytes.subarray(copiedTo, until));
    length += until - copiedTo;
    copiedTo = until;
  };
  for (const [index, [objectNumber, { offset, generation }]] of ordered.entries()) {
    copy(offset);
    newOffsets.set(objectNumber, length);
    const replacement = byNumber.get(objectNumber);
    if (replacement === undefined) continue;
    const header = `${objectNumber} ${generation} obj`;
    if (!text.startsWith(header, offset) || replacement.generation !== generation) return null;
    const limit = ordered[index + 1]?.[1].offset ?? xref.start;
    const end = text.lastIndexOf("endobj", limit);
    if (end < offset) return null;
    const body = Buffer.concat([
      Buffer.from(`${header}\n${replacement.dictionary} stream\n`, "latin1"),
      replacement.stream,
      Buffer.from("\nendstream\n", "latin1"),
    ]);
    parts.push(body);
    length += body.length;
    copiedTo = end;
    byNumber.delete(objectNumber);
  }
  if (byNumber.size > 0) return null;
  copy(xref.start);
  const rows = [`xref\n0 ${xref.size}\n0000000000 65535 f \n`];
  for (let objectNumber = 1; objectNumber < xref.size; objectNumber++) {
    const offset = newOffsets.get(objectNumber);
    const generation = xref.offsets.get(objectNumber)?.generation ?? 0;
    rows.push(
      offset === undefined
        ? "0000000000 65535 f \n"
        : `${String(offset).padStart(10, "0")} ${String(generation).padStart(5, "0")} n \n`,
    );
  }
  rows.push(`trailer\n${xref.trailer}\nstartxref\n${length}\n%%EOF\n`);
  parts.push(Buffer.from(rows.join(""), "latin1"));
  return Buffer.concat(parts);
}
