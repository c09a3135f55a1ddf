/**
 * Bibliographies: read CSL-JSON, BibTeX/BibLaTeX and RIS files into CSL items with a position
 * for every entry and every problem, and format references with a journal's CSL style.
 *
 * This is the only file that imports citation-js, so a version change is mended here.
 * Nothing here reads files or touches the network: the loader passes the text in, JSON is
 * parsed with `JSON.parse`, and BibTeX and RIS are handed to citation-js with a forced input
 * type, so it never guesses that a string is a URL and fetches it.
 */
import { createHash } from "node:crypto";
import { plugins } from "@citation-js/core";
import "@citation-js/plugin-bibtex";
import "@citation-js/plugin-csl";
import "@citation-js/plugin-ris";

// ---------------------------------------------------------------------------------------------
// Types

/** A person or organisation in CSL-JSON. */
export interface CslName {
  family?: string;
  given?: string;
  /** A name printed as written, such as an organisation. */
  literal?: string;
  "non-dropping-particle"?: string;
  "dropping-particle"?: string;
  suffix?: string;
}

/** A CSL-JSON date: `{"date-parts": [[2011, 7]]}`, or a `raw`/`literal` string. */
export interface CslDate {
  "date-parts"?: number[][];
  raw?: string;
  literal?: string;
  season?: string | number;
  circa?: string | number | boolean;
}

/**
 * One reference as CSL-JSON (CSL 1.0.2 variable names). Numbers given for text variables
 * (`volume: 65`) are turned into strings when a bibliography is read. Other CSL variables
 * and project-specific keys are allowed.
 */
export interface CslItem {
  /** The citation key. */
  id: string;
  /** A CSL item type such as `article-journal`, `book` or `chapter`. */
  type?: string;
  author?: CslName[];
  editor?: CslName[];
  title?: string;
  /** The journal's full name. */
  "container-title"?: string;
  /** The journal's NLM abbreviation, printed by the JAAD style. */
  "container-title-short"?: string;
  volume?: string;
  issue?: string;
  page?: string;
  issued?: CslDate;
  accessed?: CslDate;
  DOI?: string;
  PMID?: string;
  PMCID?: string;
  URL?: string;
  ISSN?: string;
  ISBN?: string;
  publisher?: string;
  "publisher-place"?: string;
  edition?: string;
  "citation-key"?: string;
  [variable: string]: unknown;
}

/** One bibliography file as read by the loader (the loader does the I/O, not this module). */
export interface BibliographySource {
  /** The file's path, used for the format (by extension) and in problems. */
  path: string;
  /** The file's text. */
  text: string;
}

/** The rule ids this module reports. */
export type BibliographyRuleId =
  | "bibliography-malformed"
  | "bibliography-duplicate-key"
  | "bibliography-duplicate-doi"
  | "bibliography-entry-incomplete";

/** A problem in a bibliography file, with a 1-based line and column in that file. */
export interface BibliographyProblem {
  /** The bibliography file's path, as given in the source. */
  file: string;
  line: number;
  column: number;
  /** A kebab-case rule id (see {@link BibliographyRuleId}). */
  rule: BibliographyRuleId;
  severity: "error" | "warning";
  /** What was found, what was expected, and what to do. */
  message: string;
}

/**
 * One entry of a bibliography file. The position points at the entry's key: the `"id"`
 * member in JSON, the `@` of `@article{key,` in BibTeX, and the `TY` line in RIS.
 */
export interface BibliographyEntry {
  /** The citation key (`id` in JSON, the entry key in BibTeX, the `ID` tag or `ris-N` in RIS). */
  key: string;
  item: CslItem;
  file: string;
  line: number;
  column: number;
}

/** What {@link parseBibliography} returns: the readable entries and every problem found. */
export interface BibliographyResult {
  /** Entries in file order. A second entry with an already used key is left out. */
  entries: BibliographyEntry[];
  problems: BibliographyProblem[];
}

/** A CSL style: a name (for caching and messages) and the style's XML. */
export interface CslStyle {
  name: string;
  xml: string;
}

/** Formats references with one CSL style; made by {@link createReferenceFormatter}. */
export interface ReferenceFormatter {
  /** The style's name, as given. */
  readonly name: string;
  /** The locale used: the one asked for, else the style's default, else `en-US`. */
  readonly locale: string;
  /**
   * Format items already in citation-number order, in one pass. Returns one HTML string per
   * item, in the same order, with italics as `<i>`, without the wrapping `<div>` and without
   * the leading reference number.
   */
  format(items: readonly CslItem[]): string[];
}

// ---------------------------------------------------------------------------------------------
// Positions and problems

interface Position {
  line: number;
  column: number;
}

/** Turns string offsets into 1-based lines and columns (columns count UTF-16 code units). */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) {
      this.starts.push(index + 1);
    }
  }

  at(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (this.starts[low] ?? 0) + 1 };
  }

  /** The offset where a 1-based line starts (clamped to the last line). */
  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1] ?? 0;
  }
}

const SEVERITY: Record<BibliographyRuleId, "error" | "warning"> = {
  "bibliography-malformed": "error",
  "bibliography-duplicate-key": "error",
  "bibliography-duplicate-doi": "warning",
  "bibliography-entry-incomplete": "warning",
};

/** A problem at a string offset, before it is turned into a line and column. */
interface RawProblem {
  offset: number;
  rule: BibliographyRuleId;
  message: string;
}

/** An entry as a reader produced it, before normalisation and checks. */
interface RawEntry {
  key: string;
  data: Record<string, unknown>;
  /** Where the key is. */
  offset: number;
  /** Where some fields are written, by CSL variable name (for field-level problems). */
  fields: Map<string, number>;
}

interface ReaderResult {
  entries: RawEntry[];
  problems: RawProblem[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Show a short piece of user text inside a message. */
const quote = (text: string, limit = 40): string => {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return `\`${oneLine.length > limit ? `${oneLine.slice(0, limit)}…` : oneLine}\``;
};

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Read one bibliography file. The format follows the extension: `.json` (CSL-JSON),
 * `.bib`/`.bibtex` (BibTeX and BibLaTeX, so `journaltitle` and `shortjournal` keep the NLM
 * abbreviation) and `.ris`. Never throws: every malformed input ends as problems, and every
 * entry that can be read is returned.
 */
export function parseBibliography(source: BibliographySource): BibliographyResult {
  // Editors do not count a byte order mark as a column, so positions are taken without it.
  const text = source.text.startsWith("\uFEFF") ? source.text.slice(1) : source.text;
  const index = new LineIndex(text);
  let read: ReaderResult;
  try {
    read = readByFormat(source.path, text, index);
  } catch (error) {
    // A bug or an input citation-js chokes on in a way the readers did not foresee.
    read = {
      entries: [],
      problems: [
        {
          offset: 0,
          rule: "bibliography-malformed",
          message: `Unexpected failure while reading the bibliography: ${errorMessage(error)}. Expected a readable file; check its syntax, and report this if it looks valid.`,
        },
      ],
    };
  }

  const problems: RawProblem[] = [...read.problems];
  const entries: BibliographyEntry[] = [];
  const keys = new Map<string, RawEntry>();
  const dois = new Map<string, RawEntry>();
  for (const raw of read.entries) {
    const item = normaliseItem(raw, problems);
    const first = keys.get(raw.key);
    if (first) {
      const where = index.at(first.offset);
      problems.push({
        offset: raw.offset,
        rule: "bibliography-duplicate-key",
        message: `Duplicate key \`${raw.key}\`: it is already used by the entry at line ${where.line}, expected each key once. Rename one of them (the first is kept).`,
      });
      continue;
    }
    keys.set(raw.key, raw);
    checkDoi(raw, item, dois, index, problems);
    checkComplete(raw, item, problems);
    const at = index.at(raw.offset);
    entries.push({ key: raw.key, item, file: source.path, line: at.line, column: at.column });
  }

  return {
    entries,
    problems: problems
      .sort((a, b) => a.offset - b.offset)
      .map(({ offset, rule, message }) => ({
        file: source.path,
        ...index.at(offset),
        rule,
        severity: SEVERITY[rule],
        message,
      })),
  };
}

function readByFormat(path: string, text: string, index: LineIndex): ReaderResult {
  const extension = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  switch (extension) {
    case "json":
      return readCslJson(text);
    case "bib":
    case "bibtex":
      return readBibtex(text, index);
    case "ris":
      return readRis(text);
    default:
      return {
        entries: [],
        problems: [
          {
            offset: 0,
            rule: "bibliography-malformed",
            message: `Unknown bibliography format ${extension ? `\`.${extension}\`` : "(no extension)"}, expected a \`.json\` (CSL-JSON), \`.bib\`/\`.bibtex\` or \`.ris\` file. Export the references in one of these formats.`,
          },
        ],
      };
  }
}

/** Run the citation-js input chain on data of a known type, ending in CSL-JSON objects. */
function toCsl(input: unknown, forceType: string): Record<string, unknown>[] {
  const output = plugins.input.chain(input, { forceType, generateGraph: false, strict: true });
  if (!Array.isArray(output) || !output.every(isRecord)) {
    throw new TypeError(
      `citation-js returned ${typeof output} for ${forceType}, expected a list of CSL items`,
    );
  }
  return output;
}

// --- CSL-JSON ---------------------------------------------------------------------------------

interface JsonElement {
  start: number;
  /** Offsets of the element's member names, when it is an object (the last one wins, as in JSON.parse). */
  members: Map<string, number>;
}

type JsonScan =
  | { ok: true; topStart: number; elements: JsonElement[] }
  | { ok: false; offset: number; found: string; expected: string; hint?: string };

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return "the end of the file";
  const char = text[offset] ?? "";
  if (char === "\n" || char === "\r") return "a line break";
  const word = /[A-Za-z_$][\w$]*/y;
  word.lastIndex = offset;
  const match = word.exec(text);
  return match ? quote(match[0], 20) : `\`${char}\``;
}

/**
 * Walk JSON text without building values, to find where each element of a top-level array
 * and each member name of those elements is, and where the first syntax error is. Iterative,
 * so deeply nested input cannot overflow the stack.
 */
function scanJson(text: string): JsonScan {
  const length = text.length;
  const stack: ("[" | "{")[] = [];
  const elements: JsonElement[] = [];
  let current: JsonElement | undefined;
  let topStart = 0;
  let offset = 0;
  let state: "value" | "value-or-end" | "name" | "name-or-end" | "colon" | "after-value" = "value";
  let afterComma = false;

  const fail = (expected: string, hint?: string): JsonScan => ({
    ok: false,
    offset,
    found: describeAt(text, offset),
    expected,
    ...(hint === undefined ? {} : { hint }),
  });

  /** Scan a string starting at `offset`; returns its end or a failure. */
  const scanString = (): number | JsonScan => {
    const start = offset;
    let at = offset + 1;
    while (at < length) {
      const code = text.charCodeAt(at);
      if (code === 0x22) return at + 1;
      if (code === 0x5c) {
        const escaped = text[at + 1] ?? "";
        if ('"\\/bfnrt'.includes(escaped) && escaped !== "") at += 2;
        else if (escaped === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) at += 6;
        else {
          offset = at + 1;
          return fail('a valid escape such as `\\n`, `\\"` or `\\u00e9` after the backslash');
        }
        continue;
      }
      if (code < 0x20) {
        offset = at;
        const where = new LineIndex(text).at(start);
        return fail(
          `\`"\` to close the string opened at line ${where.line}, column ${where.column}`,
          "A JSON string cannot contain a line break or control character; write it as `\\n`.",
        );
      }
      at++;
    }
    offset = length;
    const where = new LineIndex(text).at(start);
    return fail(`\`"\` to close the string opened at line ${where.line}, column ${where.column}`);
  };

  for (;;) {
    while (offset < length) {
      const code = text.charCodeAt(offset);
      if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) offset++;
      else break;
    }
    const char = text[offset];

    if (state === "value" || state === "value-or-end") {
      if (state === "value-or-end" && char === "]") {
        offset++;
        stack.pop();
        state = "after-value";
        continue;
      }
      if (stack.length === 0) topStart = offset;
      else if (stack.length === 1 && stack[0] === "[") {
        current = { start: offset, members: new Map() };
        elements.push(current);
      }
      if (char === "{") {
        stack.push("{");
        offset++;
        state = "name-or-end";
      } else if (char === "[") {
        stack.push("[");
        offset++;
        state = "value-or-end";
      } else if (char === '"') {
        const end = scanString();
        if (typeof end !== "number") return end;
        offset = end;
        state = "after-value";
      } else if (char !== undefined && /[-0-9]/.test(char)) {
        JSON_NUMBER.lastIndex = offset;
        const match = JSON_NUMBER.exec(text);
        if (!match) return fail("a number");
        offset += match[0].length;
        state = "after-value";
      } else if (text.startsWith("true", offset) || text.startsWith("null", offset)) {
        offset += 4;
        state = "after-value";
      } else if (text.startsWith("false", offset)) {
        offset += 5;
        state = "after-value";
      } else {
        return fail(
          "a value (an object, array, string, number, `true`, `false` or `null`)",
          afterComma && char === "]"
            ? "Remove the comma before it: JSON does not allow a trailing comma."
            : char === "'"
              ? "JSON strings use double quotes."
              : undefined,
        );
      }
      afterComma = false;
      continue;
    }

    if (state === "name" || state === "name-or-end") {
      if (state === "name-or-end" && char === "}") {
        offset++;
        stack.pop();
        state = "after-value";
        continue;
      }
      if (char !== '"') {
        return fail(
          "a property name in double quotes",
          afterComma && char === "}"
            ? "Remove the comma before it: JSON does not allow a trailing comma."
            : undefined,
        );
      }
      const start = offset;
      const end = scanString();
      if (typeof end !== "number") return end;
      if (stack.length === 2 && stack[0] === "[" && current) {
        const name: unknown = JSON.parse(text.slice(start, end));
        if (typeof name === "string") current.members.set(name, start);
      }
      offset = end;
      state = "colon";
      afterComma = false;
      continue;
    }

    if (state === "colon") {
      if (char !== ":") return fail("`:` after the property name");
      offset++;
      state = "value";
      continue;
    }

    // after-value
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (offset >= length) return { ok: true, topStart, elements };
      return fail(
        "the end of the file",
        "Only one top-level value is allowed: the array of entries.",
      );
    }
    if (char === ",") {
      offset++;
      state = top === "[" ? "value" : "name";
      afterComma = true;
    } else if ((top === "[" && char === "]") || (top === "{" && char === "}")) {
      offset++;
      stack.pop();
    } else if (top === "[") {
      return fail(
        "`,` or `]` after an array element",
        char === "{" ? "Add a comma between the entries." : undefined,
      );
    } else {
      return fail(
        "`,` or `}` after a property value",
        char === '"' ? "Add a comma between the properties." : undefined,
      );
    }
  }
}

/** The offset in a JSON.parse error message, when the engine gives one. */
function jsonParseOffset(message: string, text: string): number | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position?.[1]) return Number(position[1]);
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineColumn?.[1] && lineColumn[2]) {
    return new LineIndex(text).lineStart(Number(lineColumn[1])) + Number(lineColumn[2]) - 1;
  }
  return undefined;
}

const JSON_KINDS = (value: unknown): string =>
  value === null
    ? "`null`"
    : Array.isArray(value)
      ? "an array"
      : typeof value === "object"
        ? "an object"
        : `a ${typeof value}`;

function readCslJson(text: string): ReaderResult {
  const problems: RawProblem[] = [];
  const scan = scanJson(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reported = jsonParseOffset(errorMessage(error), text);
    if (scan.ok) {
      // The scanner accepted what JSON.parse refused: trust JSON.parse's words.
      const short = errorMessage(error).replace(/,\s*".*" is not valid JSON$/s, "");
      problems.push({
        offset: reported ?? 0,
        rule: "bibliography-malformed",
        message: `Malformed JSON: ${short}. Expected a JSON array of CSL-JSON entries; fix the syntax here.`,
      });
    } else {
      problems.push({
        offset: reported ?? scan.offset,
        rule: "bibliography-malformed",
        message: `Malformed JSON: found ${scan.found}, expected ${scan.expected}. ${scan.hint ?? "Fix the JSON syntax here."}`,
      });
    }
    return { entries: [], problems };
  }

  const elements = scan.ok ? scan.elements : [];
  const topStart = scan.ok ? scan.topStart : 0;
  if (!Array.isArray(value)) {
    problems.push({
      offset: topStart,
      rule: "bibliography-malformed",
      message: `Found ${JSON_KINDS(value)} at the top of the file, expected an array of CSL-JSON entries (\`[{"id": "…", "type": "…"}, …]\`). ${isRecord(value) ? "Wrap the entry in `[` and `]`." : "Export the references as CSL-JSON."}`,
    });
    return { entries: [], problems };
  }

  const entries: RawEntry[] = [];
  value.forEach((element: unknown, position) => {
    const info = elements[position];
    const start = info?.start ?? topStart;
    if (!isRecord(element)) {
      problems.push({
        offset: start,
        rule: "bibliography-malformed",
        message: `Entry ${position + 1} is ${JSON_KINDS(element)}, expected an object with an \`id\` and a \`type\`. Replace it with a CSL-JSON entry or remove it.`,
      });
      return;
    }
    const id = element.id;
    const key =
      typeof id === "number" && Number.isFinite(id)
        ? String(id)
        : typeof id === "string"
          ? id.trim()
          : "";
    if (key === "") {
      const idAt = info?.members.get("id");
      problems.push({
        offset: idAt ?? start,
        rule: "bibliography-malformed",
        message:
          id === undefined
            ? `Entry ${position + 1} has no \`id\`, expected a citation key such as \`"id": "reiter2011"\`. Add one; the entry is skipped until then.`
            : `Entry ${position + 1} has the \`id\` ${JSON.stringify(id)}, expected a non-empty string such as \`"reiter2011"\`. Fix it; the entry is skipped until then.`,
      });
      return;
    }
    entries.push({
      key,
      data: { ...element, id: key },
      offset: info?.members.get("id") ?? start,
      fields: info?.members ?? new Map(),
    });
  });

  // Hand the parsed objects (never the text) to citation-js, which upgrades older CSL-JSON.
  try {
    const upgraded = toCsl(
      entries.map((entry) => entry.data),
      "@csl/list+object",
    );
    upgraded.forEach((data, position) => {
      const entry = entries[position];
      if (entry) entry.data = data;
    });
  } catch {
    // Keep the objects as written; normalisation reports any bad field.
  }
  return { entries, problems };
}

// --- BibTeX / BibLaTeX --------------------------------------------------------------------------

interface BibChunk {
  kind: "entry" | "macro";
  start: number;
  end: number;
  key: string;
}

const BIB_OPEN = /@[ \t]*([A-Za-z_][\w:+-]*)[ \t\r\n]*([{(])?/y;
const BIB_NEXT_ENTRY = /[ \t]*@[ \t]*[A-Za-z_][\w:+-]*[ \t]*[{(]/y;
const BIB_FIELD_START = /[ \t]*[A-Za-z_][\w:+-]*[ \t]*=/y;
const BIB_KEY = /[ \t\r\n]*([^,\s{}()"#%'=]*)[ \t\r\n]*/y;

const test = (pattern: RegExp, text: string, offset: number): boolean => {
  pattern.lastIndex = offset;
  return pattern.test(text);
};

type BibEnd =
  | { closed: true; end: number }
  | { closed: false; stop: number; braceAt: number; reason: "eof" | "next-entry" | "stray" };

/** Find where an entry whose body starts at `bodyStart` ends, following brace depth. */
function findBibEnd(text: string, bodyStart: number, open: "{" | "("): BibEnd {
  const fieldLevel = open === "{" ? 1 : 0;
  const stack: number[] = open === "{" ? [bodyStart - 1] : [];
  let suspect: number | undefined;
  let inQuote = false;
  for (let at = bodyStart; at < text.length; at++) {
    const char = text[at];
    if (char === "\\") {
      at++;
      continue;
    }
    if (char === "\n") {
      if (test(BIB_NEXT_ENTRY, text, at + 1)) {
        const stop = text.indexOf("@", at + 1);
        return {
          closed: false,
          stop,
          braceAt: suspect ?? stack[stack.length - 1] ?? bodyStart - 1,
          reason: "next-entry",
        };
      }
      // A new `field =` line while a value is still open: that value probably lacks its `}`.
      if (
        suspect === undefined &&
        (stack.length > fieldLevel || inQuote) &&
        test(BIB_FIELD_START, text, at + 1)
      ) {
        suspect = stack[stack.length - 1];
      }
      continue;
    }
    if (char === '"' && stack.length === fieldLevel) inQuote = !inQuote;
    else if (char === "{") stack.push(at);
    else if (char === "}") {
      if (stack.length === 0) return { closed: false, stop: at + 1, braceAt: at, reason: "stray" };
      stack.pop();
      if (open === "{" && stack.length === 0) return { closed: true, end: at + 1 };
    } else if (char === ")" && open === "(" && stack.length === 0 && !inQuote) {
      return { closed: true, end: at + 1 };
    }
  }
  return {
    closed: false,
    stop: text.length,
    braceAt: suspect ?? stack[stack.length - 1] ?? bodyStart - 1,
    reason: "eof",
  };
}

function readBibtex(text: string, index: LineIndex): ReaderResult {
  const problems: RawProblem[] = [];
  const chunks: BibChunk[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const at = text.indexOf("@", cursor);
    if (at === -1) break;
    BIB_OPEN.lastIndex = at;
    const open = BIB_OPEN.exec(text);
    const lineStart = text.lastIndexOf("\n", at - 1) + 1;
    const atLineStart = /^[ \t]*$/.test(text.slice(lineStart, at));
    if (!open?.[1]) {
      cursor = at + 1;
      continue;
    }
    const type = open[1].toLowerCase();
    if (type === "comment") {
      const end = text.indexOf("\n", at);
      cursor = end === -1 ? text.length : end + 1;
      continue;
    }
    const brace = open[2];
    if (brace !== "{" && brace !== "(") {
      // `@` inside free text (an e-mail address in a comment) is not an entry.
      if (atLineStart) {
        problems.push({
          offset: at,
          rule: "bibliography-malformed",
          message: `Found \`@${open[1]}\` without \`{\`, expected an entry such as \`@${type}{key, title = {…}}\`. Add the opening brace and the key.`,
        });
      }
      cursor = at + open[0].length;
      continue;
    }
    const bodyStart = at + open[0].length;
    let key = "";
    let keyProblem: string | undefined;
    if (type !== "string" && type !== "preamble") {
      BIB_KEY.lastIndex = bodyStart;
      const keyMatch = BIB_KEY.exec(text);
      key = keyMatch?.[1] ?? "";
      const after = text[bodyStart + (keyMatch?.[0].length ?? 0)];
      if (key === "") {
        keyProblem = `Found \`@${open[1]}${brace}\` without a key, expected \`@${type}${brace}key,\`. Add a citation key before the first field.`;
      } else if (after !== ",") {
        keyProblem = `Found ${after === undefined ? "the end of the file" : quote(after)} after the key \`${key}\`, expected \`,\` before the first field. Add the comma.`;
      }
    }
    const end = findBibEnd(text, bodyStart, brace);
    if (!end.closed) {
      const field = /([A-Za-z_][\w:+-]*)\s*=\s*$/.exec(
        text.slice(Math.max(0, end.braceAt - 80), end.braceAt),
      )?.[1];
      const name = key === "" ? `\`@${type}\` entry` : `entry \`${key}\``;
      if (end.reason === "stray") {
        problems.push({
          offset: end.braceAt,
          rule: "bibliography-malformed",
          message: `Found a \`}\` that closes nothing in the ${name}, expected the entry to end with \`)\`. Remove the extra brace or balance it.`,
        });
      } else {
        const stop =
          end.reason === "eof"
            ? "the end of the file"
            : `the next entry at line ${index.at(end.stop).line}`;
        problems.push({
          offset: end.braceAt,
          rule: "bibliography-malformed",
          message: `Unclosed \`${text[end.braceAt] === "(" ? "(" : "{"}\` in the ${name}${field ? ` (field \`${field}\`)` : ""}: found ${stop} with the brace still open, expected a matching \`${text[end.braceAt] === "(" ? ")" : "}"}\`. Add the missing brace${field ? " at the end of the field value" : " at the end of the entry"}; the entry is skipped until then.`,
        });
      }
      cursor = Math.max(end.stop, at + 1);
      continue;
    }
    cursor = end.end;
    if (keyProblem !== undefined) {
      problems.push({ offset: at, rule: "bibliography-malformed", message: keyProblem });
      continue;
    }
    chunks.push({
      kind: type === "string" || type === "preamble" ? "macro" : "entry",
      start: at,
      end: end.end,
      key,
    });
  }

  const wanted = chunks.filter((chunk) => chunk.kind === "entry");
  const prose = text.replace(/^[ \t]*(?:%|@comment).*$/gim, "");
  if (chunks.length === 0 && problems.length === 0 && /\S/.test(prose)) {
    problems.push({
      offset: 0,
      rule: "bibliography-malformed",
      message:
        "Found no BibTeX entry, expected entries such as `@article{key, title = {…}}`. Export the references as BibTeX or BibLaTeX.",
    });
  }
  if (wanted.length === 0) return { entries: [], problems };

  let items: (Record<string, unknown> | undefined)[] | undefined;
  try {
    const parsed = toCsl(
      chunks.map((chunk) => text.slice(chunk.start, chunk.end)).join("\n"),
      "@biblatex/text",
    );
    // Entries come back in file order; check it rather than trust it.
    const inOrder = parsed.every(
      (item, position) => item["citation-key"] === wanted[position]?.key,
    );
    if (parsed.length === wanted.length && inOrder) items = parsed;
  } catch {
    // One entry breaks citation-js's parser: read them one by one below to find which.
  }
  if (!items) {
    items = wanted.map((chunk) => {
      const macros = chunks.filter((other) => other.kind === "macro" && other.start < chunk.start);
      const prefix = macros.map((macro) => `${text.slice(macro.start, macro.end)}\n`).join("");
      try {
        return toCsl(prefix + text.slice(chunk.start, chunk.end), "@biblatex/text")[0];
      } catch (error) {
        problems.push(bibSyntaxProblem(error, chunk, prefix, text, index));
        return undefined;
      }
    });
  }

  const entries: RawEntry[] = [];
  wanted.forEach((chunk, position) => {
    const data = items?.[position];
    if (!data) return;
    const fields = new Map<string, number>();
    const doi = /(^|[\s,{])doi\s*=/im.exec(text.slice(chunk.start, chunk.end));
    if (doi) fields.set("DOI", chunk.start + doi.index + (doi[1]?.length ?? 0));
    entries.push({ key: chunk.key, data: { ...data, id: chunk.key }, offset: chunk.start, fields });
  });
  return { entries, problems };
}

/** Turn a citation-js BibTeX syntax error ("… at line 3 col 5") into a positioned problem. */
function bibSyntaxProblem(
  error: unknown,
  chunk: BibChunk,
  prefix: string,
  text: string,
  index: LineIndex,
): RawProblem {
  const message = errorMessage(error);
  const place = /at line (\d+) col (\d+)/.exec(message);
  let offset = chunk.start;
  if (place?.[1] && place[2]) {
    const line = Number(place[1]) - (prefix.match(/\n/g)?.length ?? 0);
    const chunkStart = index.at(chunk.start);
    const fileLine = chunkStart.line + line - 1;
    const column = line === 1 ? chunkStart.column + Number(place[2]) - 1 : Number(place[2]);
    if (line >= 1) offset = Math.min(index.lineStart(fileLine) + column - 1, text.length);
  }
  const detail = (message.split("\n")[0] ?? "").replace(/ at line \d+ col \d+:?$/, "");
  return {
    offset,
    rule: "bibliography-malformed",
    message: `Cannot read the BibTeX entry \`${chunk.key}\`: ${detail}. Expected fields written \`name = {value}\` or \`name = "value"\`, separated by commas; fix the syntax here.`,
  };
}

// --- RIS ------------------------------------------------------------------------------------

const RIS_TAG = /^([A-Z][A-Z0-9]) {2}-(?: (.*)|\s*)$/;

interface RisRecord {
  start: number;
  lines: string[];
  id: string | undefined;
  doiAt: number | undefined;
}

function readRis(text: string): ReaderResult {
  const problems: RawProblem[] = [];
  const records: RisRecord[] = [];
  let current: RisRecord | undefined;
  let lastTag: string | undefined;
  let junkReported = false;
  let offset = 0;
  for (const line of text.split("\n")) {
    const lineOffset = offset;
    offset += line.length + 1;
    const trimmed = line.trim();
    const indent = line.length - line.trimStart().length;
    if (trimmed === "") continue;
    const tag = RIS_TAG.exec(trimmed);
    if (!tag?.[1]) {
      if (current && lastTag !== undefined) {
        current.lines.push(trimmed); // A continuation of the previous tag's value.
      } else if (!junkReported) {
        junkReported = true;
        problems.push({
          offset: lineOffset + indent,
          rule: "bibliography-malformed",
          message: `Found ${quote(trimmed)} ${current ? "before any tag of the record" : "outside a record"}, expected an RIS line such as \`TY  - JOUR\` (two capitals, two spaces, a hyphen, a space, the value). Fix the line or remove it.`,
        });
      }
      continue;
    }
    junkReported = false;
    const name = tag[1];
    const value = (tag[2] ?? "").trim();
    if (name === "TY") {
      if (current) {
        problems.push({
          offset: current.start,
          rule: "bibliography-malformed",
          message: `The record starting here has no \`ER  - \` line: found the next \`TY\` at line ${lineNumber(text, lineOffset)}, expected \`ER  - \` to end this record first. Add it.`,
        });
        records.push(current);
      }
      current = { start: lineOffset + indent, lines: [trimmed], id: undefined, doiAt: undefined };
      lastTag = name;
      continue;
    }
    if (name === "ER") {
      if (current) records.push(current);
      else {
        problems.push({
          offset: lineOffset + indent,
          rule: "bibliography-malformed",
          message:
            "Found `ER  - ` outside a record, expected it only to end a record that began with `TY  - `. Remove it or add the missing `TY` line.",
        });
      }
      current = undefined;
      lastTag = undefined;
      continue;
    }
    if (!current) {
      problems.push({
        offset: lineOffset + indent,
        rule: "bibliography-malformed",
        message: `Found the tag \`${name}\` outside a record, expected every record to begin with \`TY  - \` (such as \`TY  - JOUR\`). Add the \`TY\` line or move the tag into a record.`,
      });
      continue;
    }
    if (name === "ID" && current.id === undefined && value !== "") current.id = value;
    if (name === "DO" && current.doiAt === undefined) current.doiAt = lineOffset + indent;
    current.lines.push(trimmed);
    lastTag = name;
  }
  if (current) {
    problems.push({
      offset: current.start,
      rule: "bibliography-malformed",
      message:
        "The record starting here has no `ER  - ` line: found the end of the file, expected `ER  - ` to end the record. Add it.",
    });
    records.push(current);
  }
  if (records.length === 0 && problems.length === 0 && text.trim() !== "") {
    problems.push({
      offset: 0,
      rule: "bibliography-malformed",
      message:
        "Found no RIS record, expected records that begin with `TY  - ` and end with `ER  - `. Export the references as RIS.",
    });
  }
  if (records.length === 0) return { entries: [], problems };

  const recordText = (record: RisRecord): string => `${record.lines.join("\n")}\nER  - \n`;
  let items: (Record<string, unknown> | undefined)[] | undefined;
  try {
    const parsed = toCsl(records.map(recordText).join("\n"), "@ris/file");
    if (parsed.length === records.length) items = parsed;
  } catch {
    // Read the records one by one below to find the one that fails.
  }
  if (!items) {
    items = records.map((record) => {
      try {
        return toCsl(recordText(record), "@ris/file")[0];
      } catch (error) {
        problems.push({
          offset: record.start,
          rule: "bibliography-malformed",
          message: `Cannot read the RIS record starting here: ${errorMessage(error)}. Expected \`TAG  - value\` lines; fix the record.`,
        });
        return undefined;
      }
    });
  }

  const entries: RawEntry[] = [];
  records.forEach((record, position) => {
    const data = items?.[position];
    if (!data) return;
    const key = record.id ?? `ris-${position + 1}`;
    const fields = new Map<string, number>();
    if (record.doiAt !== undefined) fields.set("DOI", record.doiAt);
    entries.push({ key, data: { ...data, id: key }, offset: record.start, fields });
  });
  return { entries, problems };
}

function lineNumber(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1))
    line++;
  return line;
}

// ---------------------------------------------------------------------------------------------
// Normalisation and checks

const NAME_VARIABLES = new Set([
  "author",
  "chair",
  "collection-editor",
  "compiler",
  "composer",
  "container-author",
  "contributor",
  "curator",
  "director",
  "editor",
  "editorial-director",
  "executive-producer",
  "guest",
  "host",
  "illustrator",
  "interviewer",
  "narrator",
  "organizer",
  "original-author",
  "performer",
  "producer",
  "recipient",
  "reviewed-author",
  "script-writer",
  "series-creator",
  "translator",
]);

const DATE_VARIABLES = new Set([
  "accessed",
  "available-date",
  "event-date",
  "issued",
  "original-date",
  "submitted",
]);

const TEXT_VARIABLES = new Set([
  "type",
  "title",
  "title-short",
  "container-title",
  "container-title-short",
  "collection-title",
  "volume",
  "issue",
  "page",
  "page-first",
  "number",
  "edition",
  "DOI",
  "PMID",
  "PMCID",
  "URL",
  "ISSN",
  "ISBN",
  "publisher",
  "publisher-place",
  "genre",
  "language",
  "note",
  "citation-key",
  "number-of-pages",
  "supplement",
  "section",
  "source",
  "status",
]);

const NAME_PARTS = [
  "family",
  "given",
  "literal",
  "non-dropping-particle",
  "dropping-particle",
  "suffix",
] as const;

/**
 * Check the shapes of an entry's variables and make a clean {@link CslItem}: numbers in text
 * variables become strings, a DOI loses any `https://doi.org/` or `doi:` prefix, and given
 * names written as capital initials (`DR`, which citeproc would shorten to `D`) become
 * `D. R.`. A variable with the wrong shape is reported and left out.
 */
function normaliseItem(raw: RawEntry, problems: RawProblem[]): CslItem {
  const item: CslItem = { id: raw.key };
  const report = (variable: string, found: string, expected: string) => {
    problems.push({
      offset: raw.fields.get(variable) ?? raw.offset,
      rule: "bibliography-malformed",
      message: `Entry \`${raw.key}\`: \`${variable}\` is ${found}, expected ${expected}. Fix the value; it is ignored until then.`,
    });
  };
  for (const [variable, value] of Object.entries(raw.data)) {
    if (variable === "id" || value === undefined) continue;
    if (NAME_VARIABLES.has(variable)) {
      if (!Array.isArray(value)) {
        report(
          variable,
          JSON_KINDS(value),
          'a list of names such as `[{"family": "Miller", "given": "D. R."}]`',
        );
        continue;
      }
      const names: CslName[] = [];
      value.forEach((name: unknown, position) => {
        const clean = normaliseName(name);
        if (clean) names.push(clean);
        else {
          report(
            variable,
            `${typeof name === "string" ? `the string ${quote(name)}` : JSON_KINDS(name)} at position ${position + 1}`,
            'a name object such as `{"family": "Miller", "given": "D. R."}` or `{"literal": "WHO"}`',
          );
        }
      });
      if (names.length > 0) item[variable] = names;
      continue;
    }
    if (DATE_VARIABLES.has(variable)) {
      const date = normaliseDate(value);
      if (date) item[variable] = date;
      else
        report(
          variable,
          typeof value === "object" ? "not a CSL date" : JSON_KINDS(value),
          '`{"date-parts": [[2011, 7]]}`',
        );
      continue;
    }
    if (TEXT_VARIABLES.has(variable)) {
      if (typeof value === "string") item[variable] = value;
      else if (typeof value === "number" && Number.isFinite(value)) item[variable] = String(value);
      else report(variable, JSON_KINDS(value), "a string");
      continue;
    }
    item[variable] = value;
  }
  if (typeof item.DOI === "string") {
    const doi = item.DOI.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, "");
    if (doi === "") delete item.DOI;
    else item.DOI = doi;
  }
  return item;
}

function normaliseName(name: unknown): CslName | undefined {
  if (!isRecord(name)) return undefined;
  const clean: CslName = {};
  for (const part of NAME_PARTS) {
    const value = name[part];
    if (typeof value === "string" && value.trim() !== "") clean[part] = value.trim();
  }
  if (clean.family === undefined && clean.literal === undefined && clean.given === undefined)
    return undefined;
  if (clean.given !== undefined && /^\p{Lu}{2,3}$/u.test(clean.given)) {
    clean.given = [...clean.given].map((letter) => `${letter}.`).join(" ");
  }
  return clean;
}

function normaliseDate(value: unknown): CslDate | undefined {
  if (!isRecord(value)) return undefined;
  const date: CslDate = {};
  const parts = value["date-parts"];
  if (parts !== undefined) {
    if (!Array.isArray(parts) || parts.length === 0 || parts.length > 2) return undefined;
    const clean: number[][] = [];
    for (const part of parts) {
      if (!Array.isArray(part) || part.length === 0 || part.length > 3) return undefined;
      const numbers = part.map((piece: unknown) =>
        typeof piece === "number"
          ? piece
          : typeof piece === "string" && /^-?\d+$/.test(piece.trim())
            ? Number(piece)
            : Number.NaN,
      );
      if (!numbers.every(Number.isInteger)) return undefined;
      clean.push(numbers);
    }
    date["date-parts"] = clean;
  }
  for (const key of ["raw", "literal"] as const) {
    const text = value[key];
    if (typeof text === "string" && text.trim() !== "") date[key] = text;
  }
  if (typeof value.season === "string" || typeof value.season === "number")
    date.season = value.season;
  const circa = value.circa;
  if (typeof circa === "string" || typeof circa === "number" || typeof circa === "boolean")
    date.circa = circa;
  return date["date-parts"] || date.raw || date.literal ? date : undefined;
}

function checkDoi(
  raw: RawEntry,
  item: CslItem,
  seen: Map<string, RawEntry>,
  index: LineIndex,
  problems: RawProblem[],
) {
  if (typeof item.DOI !== "string") return;
  const doi = item.DOI.toLowerCase();
  const first = seen.get(doi);
  if (!first) {
    seen.set(doi, raw);
    return;
  }
  problems.push({
    offset: raw.fields.get("DOI") ?? raw.offset,
    rule: "bibliography-duplicate-doi",
    message: `Duplicate DOI \`${item.DOI}\`: entry \`${raw.key}\` has the same DOI as \`${first.key}\` (line ${index.at(first.offset).line}), expected one entry per work. Merge them and cite one key.`,
  });
}

function hasYear(date: CslDate | undefined): boolean {
  if (!date) return false;
  if (typeof date["date-parts"]?.[0]?.[0] === "number") return true;
  return /\d{4}/.test(`${date.raw ?? ""} ${date.literal ?? ""}`);
}

function checkComplete(raw: RawEntry, item: CslItem, problems: RawProblem[]) {
  if (item.type === undefined) {
    problems.push({
      offset: raw.offset,
      rule: "bibliography-entry-incomplete",
      message: `Entry \`${raw.key}\` has no \`type\`, expected a CSL type such as \`article-journal\` or \`book\`. Add it so the style can print the entry in the right form.`,
    });
    return;
  }
  if (item.type !== "article-journal") return;
  const missing: string[] = [];
  if (!item.author || item.author.length === 0) missing.push("author");
  if (!item.title?.trim()) missing.push("title");
  if (!item["container-title"]?.trim() && !item["container-title-short"]?.trim())
    missing.push("container-title (journal)");
  if (!hasYear(item.issued)) missing.push("issued (year)");
  if (missing.length === 0) return;
  problems.push({
    offset: raw.offset,
    rule: "bibliography-entry-incomplete",
    message: `Entry \`${raw.key}\` (article-journal) has no ${listWords(missing)}, expected author, title, journal and year for a journal article. Add the missing ${missing.length === 1 ? "field" : "fields"}.`,
  });
}

function listWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Formatting

const formatters = new Map<string, ReferenceFormatter>();

function cslConfig() {
  const config = plugins.config.get("@csl");
  if (!config)
    throw new Error(
      "citation-js's CSL plugin is not registered; check the @citation-js/plugin-csl install.",
    );
  return config;
}

/** The entry's text without citeproc's wrapping `<div>`s and the number column. */
function entryContent(html: string): string {
  const entry = /^\s*<div[^>]*class="csl-entry"[^>]*>([\s\S]*)<\/div>\s*$/.exec(html)?.[1] ?? html;
  const text = entry.trim().replace(/^<div class="csl-left-margin">[\s\S]*?<\/div>/, "");
  return (/^<div class="csl-right-inline">([\s\S]*)<\/div>$/.exec(text)?.[1] ?? text).trim();
}

function renderEntries(
  template: string,
  lang: string,
  items: readonly CslItem[],
): Map<string, string> {
  // citeproc keeps the objects it is given; hand it copies so callers' items stay untouched.
  const data = items.map((item) => structuredClone(item));
  const output = plugins.output.format("bibliography", data, {
    format: "html",
    template,
    lang,
    nosort: true,
    asEntryArray: true,
  });
  if (!Array.isArray(output)) throw new TypeError("citation-js returned no bibliography entries");
  const byId = new Map<string, string>();
  for (const pair of output) {
    if (Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string") {
      byId.set(pair[0], entryContent(pair[1]));
    }
  }
  return byId;
}

/**
 * Make a formatter for a CSL style. The style is registered and compiled once per process
 * (cached by name and content), so calling this again for the same journal is free; a style
 * that does not compile throws here, where the journal is loaded. For the reference number to
 * be left out of the output, the style's bibliography should use `second-field-align`.
 */
export function createReferenceFormatter(style: CslStyle, locale?: string): ReferenceFormatter {
  const config = cslConfig();
  const digest = createHash("sha256").update(style.xml).digest("hex").slice(0, 16);
  const template = `casepress:${style.name}:${digest}`;
  const wanted = locale ?? /default-locale="([^"]+)"/.exec(style.xml)?.[1] ?? "en-US";
  const lang = config.locales.has(wanted) ? wanted : "en-US";
  const cacheKey = `${template}|${lang}`;
  const cached = formatters.get(cacheKey);
  if (cached) return cached;

  if (!/<style\b[\s\S]*<bibliography\b/.test(style.xml)) {
    throw new Error(
      `The CSL style "${style.name}" has no <bibliography> element, expected a CSL 1.0 style with one.`,
    );
  }
  if (!config.styles.has(template)) config.styles.add(template, style.xml);
  try {
    // Build citeproc's engine now (it is cached by citation-js), so the cost is paid once.
    renderEntries(template, lang, [
      { id: "casepress-warm-up", type: "article-journal", title: "Warm-up" },
    ]);
  } catch (error) {
    throw new Error(`The CSL style "${style.name}" could not be compiled: ${errorMessage(error)}`);
  }

  const formatter: ReferenceFormatter = {
    name: style.name,
    locale: lang,
    format(items) {
      if (items.length === 0) return [];
      const unique = new Map<string, CslItem>();
      for (const item of items) if (!unique.has(item.id)) unique.set(item.id, item);
      const byId = renderEntries(template, lang, [...unique.values()]);
      return items.map((item) => {
        const html = byId.get(item.id);
        if (html === undefined) throw new Error(`citeproc returned no entry for \`${item.id}\``);
        return html;
      });
    },
  };
  formatters.set(cacheKey, formatter);
  return formatter;
}

// ---------------------------------------------------------------------------------------------
// Narrative citations

function nameInText(name: CslName): string {
  if (name.literal) return name.literal;
  const family = [name["non-dropping-particle"], name.family].filter(Boolean).join(" ");
  return family || name.given || "";
}

/**
 * The authors as a narrative citation reads them: "Chatterjee" (one author), "Walsh and
 * Fairley" (two), "Zizic et al" (three or more; AMA writes no period). Without authors, an
 * organisation's literal name or the title's first words stand in, and last the key.
 */
export function narrativeNames(item: CslItem): string {
  const names = (item.author ?? []).map(nameInText).filter((name) => name !== "");
  const [first, second] = names;
  if (first !== undefined) {
    if (names.length === 1) return first;
    if (names.length === 2 && second !== undefined) return `${first} and ${second}`;
    return `${first} et al`;
  }
  const title = (item.title ?? "").split(/[:.?!]/)[0]?.trim() ?? "";
  if (title !== "") {
    const words = title.split(/\s+/);
    return words
      .slice(0, 4)
      .join(" ")
      .replace(/[,;]+$/, "");
  }
  return item.id;
}
