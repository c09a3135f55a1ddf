/**
 * A small, strict, lazy PDF object reader for the incremental metadata writer.
 *
 * It reads only what the writer needs: `startxref`, one classic cross-reference table and its
 * trailer (PDF 32000-1 §7.5.4–7.5.5), and the indirect objects it is asked for, each parsed on
 * demand by a tokenizer (§7.2–7.3). A stream object's dictionary is read, its data never: content
 * streams, fonts and images are skipped by the cross-reference offsets. Every value keeps its
 * byte span, so the writer can splice an edited dictionary out of the original bytes.
 *
 * Anything outside the shape Chromium (Skia) writes — a cross-reference stream, an earlier update
 * (`/Prev`), encryption, an object not where the table says — throws {@link UnsupportedPdfError},
 * and the caller falls back to a full parse rather than guess.
 */

/** The PDF is not in the shape the lazy reader handles; the caller should use a full parser. */
export class UnsupportedPdfError extends Error {
  override name = "UnsupportedPdfError";
}

/** A parsed PDF value with its byte span `[start, end)` in the file. */
export type PdfValue =
  | { kind: "null"; start: number; end: number }
  | { kind: "boolean"; value: boolean; start: number; end: number }
  | { kind: "number"; value: number; start: number; end: number }
  | { kind: "name"; value: string; start: number; end: number }
  /** `literal` tells a `( … )` string from a `< … >` one. */
  | { kind: "string"; bytes: Uint8Array; literal: boolean; start: number; end: number }
  | { kind: "ref"; num: number; gen: number; start: number; end: number }
  | { kind: "array"; items: PdfValue[]; start: number; end: number }
  | PdfDictValue;

/** A dictionary; `end` is just past its closing `>>`. */
export interface PdfDictValue {
  kind: "dict";
  entries: Map<string, PdfValue>;
  start: number;
  end: number;
}

/** An indirect object: its number, generation, value, and whether a stream follows the value. */
export interface PdfIndirectObject {
  num: number;
  gen: number;
  value: PdfValue;
  isStream: boolean;
}

/** Work done by a reader, for tests that count work instead of timing it. */
export interface ReaderStats {
  /** Indirect objects parsed. */
  objectsParsed: number;
  /** Bytes the tokenizer stepped over (object bodies and the trailer, not the xref rows). */
  bytesTokenized: number;
}

/** A cross-reference entry in use: where object `num` starts, and its generation. */
interface XrefEntry {
  offset: number;
  gen: number;
}

/** Byte classes (§7.2.2): 1 white-space, 2 delimiter, 0 regular. */
const CLASS = new Uint8Array(256);
for (const byte of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) CLASS[byte] = 1;
for (const byte of [0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) CLASS[byte] = 2;

/** Whether `byte` ends a regular token. */
function isBoundary(byte: number | undefined): boolean {
  return byte === undefined || CLASS[byte] !== 0;
}

/** Whether `byte` is PDF white-space. */
function isSpace(byte: number): boolean {
  return CLASS[byte] === 1;
}

/** A view of `bytes` as a Buffer (no copy), for its fast Latin-1 slices. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** A tokenizer over `bytes` from `pos`, counting the bytes it steps over. */
class Tokenizer {
  pos: number;
  readonly start: number;
  constructor(
    readonly bytes: Buffer,
    pos: number,
  ) {
    this.pos = pos;
    this.start = pos;
  }

  fail(what: string): never {
    throw new UnsupportedPdfError(`${what} at byte ${this.pos}`);
  }

  skipSpace(): void {
    const { bytes } = this;
    while (this.pos < bytes.length) {
      const byte = bytes[this.pos] as number;
      if (isSpace(byte)) this.pos++;
      else if (byte === 0x25) {
        while (this.pos < bytes.length && bytes[this.pos] !== 0x0a && bytes[this.pos] !== 0x0d)
          this.pos++;
      } else break;
    }
  }

  /** A regular token (number or keyword) as text, without moving past it. */
  peekWord(): string {
    let end = this.pos;
    while (!isBoundary(this.bytes[end])) end++;
    return this.bytes.toString("latin1", this.pos, end);
  }

  expectWord(word: string): void {
    this.skipSpace();
    if (this.peekWord() !== word) this.fail(`expected "${word}"`);
    this.pos += word.length;
  }

  /** One value; `n g R` references are recognised. */
  value(depth = 0): PdfValue {
    if (depth > 64) this.fail("nesting too deep");
    this.skipSpace();
    const { bytes } = this;
    const start = this.pos;
    const byte = bytes[start];
    if (byte === undefined) this.fail("unexpected end of file");
    if (byte === 0x2f) return this.name();
    if (byte === 0x28) return this.literalString();
    if (byte === 0x3c && bytes[start + 1] === 0x3c) return this.dict(depth);
    if (byte === 0x3c) return this.hexString();
    if (byte === 0x5b) {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (bytes[this.pos] === 0x5d) break;
        items.push(this.value(depth + 1));
      }
      this.pos++;
      return { kind: "array", items, start, end: this.pos };
    }
    const word = this.peekWord();
    if (word === "") this.fail(`unexpected character ${String.fromCharCode(byte)}`);
    this.pos += word.length;
    if (word === "null") return { kind: "null", start, end: this.pos };
    if (word === "true" || word === "false")
      return { kind: "boolean", value: word === "true", start, end: this.pos };
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) this.fail(`unexpected keyword "${word}"`);
    const number = Number(word);
    // `n g R`: look ahead for a generation number and R, else it was a plain number.
    if (/^\d+$/.test(word)) {
      const after = this.pos;
      this.skipSpace();
      const gen = this.peekWord();
      if (/^\d+$/.test(gen)) {
        this.pos += gen.length;
        this.skipSpace();
        if (this.peekWord() === "R") {
          this.pos++;
          return { kind: "ref", num: number, gen: Number(gen), start, end: this.pos };
        }
      }
      this.pos = after;
    }
    return { kind: "number", value: number, start, end: this.pos };
  }

  name(): PdfValue {
    const start = this.pos++;
    let end = this.pos;
    while (!isBoundary(this.bytes[end])) end++;
    const raw = this.bytes.toString("latin1", this.pos, end);
    this.pos = end;
    const value = !raw.includes("#")
      ? raw
      : raw.replace(/#([0-9A-Fa-f]{2})/g, (_: string, hex: string) =>
          String.fromCharCode(Number.parseInt(hex, 16)),
        );
    return { kind: "name", value, start, end };
  }

  dict(depth: number): PdfDictValue {
    const start = this.pos;
    this.pos += 2;
    const entries = new Map<string, PdfValue>();
    for (;;) {
      this.skipSpace();
      if (this.bytes[this.pos] === 0x3e && this.bytes[this.pos + 1] === 0x3e) break;
      const key = this.value(depth + 1);
      if (key.kind !== "name") this.fail("expected a name as dictionary key");
      entries.set(key.value, this.value(depth + 1));
    }
    this.pos += 2;
    return { kind: "dict", entries, start, end: this.pos };
  }

  hexString(): PdfValue {
    const start = this.pos++;
    const digits: number[] = [];
    for (;;) {
      const byte = this.bytes[this.pos++];
      if (byte === undefined) this.fail("unterminated hex string");
      if (byte === 0x3e) break;
      if (isSpace(byte)) continue;
      const digit = Number.parseInt(String.fromCharCode(byte), 16);
      if (Number.isNaN(digit)) this.fail("bad hex digit");
      digits.push(digit);
    }
    if (digits.length % 2 === 1) digits.push(0);
    const out = new Uint8Array(digits.length / 2);
    for (let i = 0; i < out.length; i++)
      out[i] = ((digits[2 * i] as number) << 4) | (digits[2 * i + 1] as number);
    return { kind: "string", bytes: out, literal: false, start, end: this.pos };
  }

  literalString(): PdfValue {
    const { bytes } = this;
    const start = this.pos++;
    const out: number[] = [];
    let depth = 1;
    const ESCAPES: Record<number, number> = {
      110: 0x0a,
      114: 0x0d,
      116: 0x09,
      98: 0x08,
      102: 0x0c,
      40: 0x28,
      41: 0x29,
      92: 0x5c,
    };
    for (;;) {
      const byte = bytes[this.pos++];
      if (byte === undefined) this.fail("unterminated string");
      if (byte === 0x5c) {
        const next = bytes[this.pos++];
        if (next === undefined) this.fail("unterminated string");
        const mapped = ESCAPES[next];
        if (mapped !== undefined) out.push(mapped);
        else if (next >= 0x30 && next <= 0x37) {
          let code = next - 0x30;
          for (let i = 0; i < 2; i++) {
            const digit = bytes[this.pos];
            if (digit === undefined || digit < 0x30 || digit > 0x37) break;
            code = code * 8 + digit - 0x30;
            this.pos++;
          }
          out.push(code & 0xff);
        } else if (next === 0x0d) {
          if (bytes[this.pos] === 0x0a) this.pos++;
        } else if (next !== 0x0a) out.push(next);
        continue;
      }
      if (byte === 0x28) depth++;
      if (byte === 0x29 && --depth === 0) break;
      if (byte === 0x0d) {
        // An unescaped end of line in a string is read as a line feed (§7.3.4.2).
        if (bytes[this.pos] === 0x0a) this.pos++;
        out.push(0x0a);
        continue;
      }
      out.push(byte);
    }
    return { kind: "string", bytes: Uint8Array.from(out), literal: true, start, end: this.pos };
  }
}

/** PDFDocEncoding's code points for 0x18–0x1F and 0x80–0xA0 where they differ from Latin-1. */
const PDF_DOC: Record<number, number> = {
  24: 0x02d8,
  25: 0x02c7,
  26: 0x02c6,
  27: 0x02d9,
  28: 0x02dd,
  29: 0x02db,
  30: 0x02da,
  31: 0x02dc,
  128: 0x2022,
  129: 0x2020,
  130: 0x2021,
  131: 0x2026,
  132: 0x2014,
  133: 0x2013,
  134: 0x0192,
  135: 0x2044,
  136: 0x2039,
  137: 0x203a,
  138: 0x2212,
  139: 0x2030,
  140: 0x201e,
  141: 0x201c,
  142: 0x201d,
  143: 0x2018,
  144: 0x2019,
  145: 0x201a,
  146: 0x2122,
  147: 0xfb01,
  148: 0xfb02,
  149: 0x0141,
  150: 0x0152,
  151: 0x0160,
  152: 0x0178,
  153: 0x017d,
  154: 0x0131,
  155: 0x0142,
  156: 0x0153,
  157: 0x0161,
  158: 0x017e,
  160: 0x20ac,
};

/** A PDF text string's text (§7.9.2.2): UTF-16BE or UTF-8 after a byte order mark, else PDFDocEncoding. */
export function decodeTextString(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return new TextDecoder("utf-8").decode(bytes.subarray(3));
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(PDF_DOC[byte] ?? byte);
  return text;
}

/** The text of a string value, or undefined for any other value. */
export function textOf(value: PdfValue | undefined): string | undefined {
  return value?.kind === "string" ? decodeTextString(value.bytes) : undefined;
}

/** The name of a name value, or undefined. */
export function nameOf(value: PdfValue | undefined): string | undefined {
  return value?.kind === "name" ? value.value : undefined;
}

/** Find the last `startxref` and the offset after it. */
function findStartXref(bytes: Buffer): number {
  const tail = bytes.toString("latin1", Math.max(0, bytes.length - 1024), bytes.length);
  const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!match) throw new UnsupportedPdfError("no startxref … %%EOF at the end of the file");
  return Number(match[1]);
}

/**
 * A lazy reader of one PDF with a single classic cross-reference table: objects are parsed on
 * first {@link PdfReader.object} call and cached.
 */
export class PdfReader {
  /** Work counters, for tests. */
  readonly stats: ReaderStats = { objectsParsed: 0, bytesTokenized: 0 };
  /** The trailer dictionary. */
  readonly trailer: PdfDictValue;
  /** Offset of the original `xref` keyword, for the new trailer's `/Prev`. */
  readonly xrefOffset: number;
  /** The trailer's `/Size`: one more than the highest object number. */
  readonly size: number;
  private readonly xref = new Map<number, XrefEntry>();
  private readonly cache = new Map<number, PdfIndirectObject>();

  /** The file, as a Buffer view. */
  readonly bytes: Buffer;

  constructor(pdf: Uint8Array) {
    const bytes = asBuffer(pdf);
    this.bytes = bytes;
    if (bytes.toString("latin1", 0, 5) !== "%PDF-") throw new UnsupportedPdfError("no %PDF-");
    this.xrefOffset = findStartXref(bytes);
    const tokens = new Tokenizer(bytes, this.xrefOffset);
    tokens.expectWord("xref");
    this.readXrefTable(tokens);
    tokens.expectWord("trailer");
    const trailer = tokens.value();
    this.stats.bytesTokenized += tokens.pos - tokens.start;
    if (trailer.kind !== "dict") throw new UnsupportedPdfError("the trailer is not a dictionary");
    for (const key of trailer.entries.keys())
      if (!["Size", "Root", "Info", "ID"].includes(key))
        throw new UnsupportedPdfError(`unexpected trailer entry /${key}`);
    const size = trailer.entries.get("Size");
    if (size?.kind !== "number") throw new UnsupportedPdfError("the trailer has no /Size");
    this.trailer = trailer;
    this.size = size.value;
  }

  /** Read `start count` subsections of 20-byte rows. */
  private readXrefTable(tokens: Tokenizer): void {
    const { bytes } = this;
    for (;;) {
      tokens.skipSpace();
      const first = tokens.peekWord();
      if (!/^\d+$/.test(first)) return;
      tokens.pos += first.length;
      tokens.skipSpace();
      const count = tokens.peekWord();
      if (!/^\d+$/.test(count)) tokens.fail("bad xref subsection");
      tokens.pos += count.length;
      tokens.skipSpace();
      for (let i = 0; i < Number(count); i++) {
        const row = bytes.toString("latin1", tokens.pos, tokens.pos + 20);
        const match = /^(\d{10}) (\d{5}) ([nf])[\r\n ]{2}$/.exec(row);
        if (!match) tokens.fail("bad xref row");
        if (match[3] === "n")
          this.xref.set(Number(first) + i, { offset: Number(match[1]), gen: Number(match[2]) });
        tokens.pos += 20;
      }
    }
  }

  /** The generation of object `num` in the table, or undefined when it is not in use. */
  generation(num: number): number | undefined {
    return this.xref.get(num)?.gen;
  }

  /** Indirect object `num`, parsed on first use. */
  object(num: number): PdfIndirectObject {
    const cached = this.cache.get(num);
    if (cached) return cached;
    const entry = this.xref.get(num);
    if (!entry) throw new UnsupportedPdfError(`object ${num} is not in the xref table`);
    const tokens = new Tokenizer(this.bytes, entry.offset);
    tokens.expectWord(String(num));
    tokens.expectWord(String(entry.gen));
    tokens.expectWord("obj");
    const value = tokens.value();
    tokens.skipSpace();
    const after = tokens.peekWord();
    if (after !== "endobj" && after !== "stream")
      tokens.fail(`expected endobj or stream after object ${num}`);
    this.stats.objectsParsed++;
    this.stats.bytesTokenized += tokens.pos - tokens.start;
    const object = { num, gen: entry.gen, value, isStream: after === "stream" };
    this.cache.set(num, object);
    return object;
  }

  /** Follow a reference to its value; other values are returned as they are. */
  resolve(value: PdfValue | undefined): PdfValue | undefined {
    if (value?.kind !== "ref") return value;
    const object = this.object(value.num);
    if (object.gen !== value.gen) throw new UnsupportedPdfError(`stale reference to ${value.num}`);
    return object.value;
  }

  /** Follow a reference to a dictionary (not a stream), or throw. */
  dict(value: PdfValue | undefined, what: string): PdfDictValue {
    const resolved = this.resolve(value);
    if (resolved?.kind !== "dict") throw new UnsupportedPdfError(`${what} is not a dictionary`);
    if (value?.kind === "ref" && this.object(value.num).isStream)
      throw new UnsupportedPdfError(`${what} is a stream`);
    return resolved;
  }
}
