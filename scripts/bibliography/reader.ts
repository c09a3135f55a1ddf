/**
 * What the three readers (CSL-JSON, BibTeX, RIS) share: the raw shapes they produce before
 * normalisation, positions through `vfile-location`, and small helpers for messages.
 */
import { location } from "vfile-location";
import type { BibliographyRuleId } from "./types.ts";

/** A problem at a string offset, before it is turned into a line and column. */
export interface RawProblem {
  offset: number;
  rule: BibliographyRuleId;
  message: string;
}

/** An entry as a reader produced it, before normalisation and checks. */
export interface RawEntry {
  key: string;
  data: Record<string, unknown>;
  /** Where the key is. */
  offset: number;
  /** Where some fields are written, by CSL variable name (for field-level problems). */
  fields: Map<string, number>;
}

/** What a reader returns: its entries in file order and the problems it found. */
export interface ReaderResult {
  entries: RawEntry[];
  problems: RawProblem[];
}

/** A 1-based line and column (columns count UTF-16 code units). */
export interface LineColumn {
  line: number;
  column: number;
}

/** Turns offsets into lines and columns and back, for one text. */
export interface Positions {
  /** The line and column of an offset (clamped into the text). */
  at(offset: number): LineColumn;
  /** The offset of a line and column, clamped to the text's last line and to its end. */
  offset(line: number, column: number): number;
}

/** Index one text's lines with `vfile-location` (built lazily, so it costs nothing unused). */
export function positions(text: string): Positions {
  const place = location(text);
  const at = (offset: number): LineColumn => {
    const point = place.toPoint(Math.min(Math.max(offset, 0), text.length));
    // toPoint is defined for every offset from 0 to the text's length, which the clamp ensures.
    return point ? { line: point.line, column: point.column } : { line: 1, column: 1 };
  };
  return {
    at,
    offset(line, column) {
      const lastLine = at(text.length).line;
      const start = place.toOffset({ line: Math.min(Math.max(line, 1), lastLine), column: 1 });
      return Math.min((start ?? 0) + Math.max(column, 1) - 1, text.length);
    },
  };
}

/** Whether a value is a plain object (not `null`, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The message of a thrown value. */
export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Show a short piece of user text inside a message. */
export const quote = (text: string, limit = 40): string => {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return `\`${oneLine.length > limit ? `${oneLine.slice(0, limit)}…` : oneLine}\``;
};

/** Name the JSON kind of a value for a message: "`null`", "an array", "a number"… */
export const describeKind = (value: unknown): string =>
  value === null
    ? "`null`"
    : Array.isArray(value)
      ? "an array"
      : typeof value === "object"
        ? "an object"
        : `a ${typeof value}`;
