/**
 * Loader for the manuscript file: reads bytes, rejects binary and non-UTF-8 input with a
 * positioned diagnostic, strips a BOM, and finds the manuscript's root folder.
 */
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import {
  findDeepNesting,
  maxFootnoteLabels,
  maxNestingDepth,
  maxParagraphConstructs,
  reportManuscriptTooLarge,
} from "../parse/nesting-depth.ts";
import { describeFailure, readGuarded, sizeLimits } from "./path-guard.ts";

/** Largest manuscript accepted, in bytes (the cap is set in `path-guard.ts`). */
export const maxManuscriptBytes: number = sizeLimits.manuscript;

/**
 * The manuscript's root: the nearest folder at or above the manuscript's folder holding
 * `package.json` or `.git`, else the manuscript's own folder.
 */
export function findManuscriptRoot(manuscriptPath: string): string {
  const start = dirname(resolve(manuscriptPath));
  let directory = start;
  for (;;) {
    if (existsSync(join(directory, "package.json")) || existsSync(join(directory, ".git")))
      return directory;
    const parent = dirname(directory);
    if (parent === directory) return start;
    directory = parent;
  }
}

/** A path as users see it: relative to the working directory when below it. */
export function displayPath(absolutePath: string, cwd = process.cwd()): string {
  const relativePath = relative(cwd, absolutePath);
  return relativePath.startsWith("..") || relativePath === "" ? absolutePath : relativePath;
}

function pointAt(bytes: Uint8Array, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // Locates the first byte that does not start a well-formed UTF-8 sequence.
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index] ?? 0;
    const length =
      byte < 0x80
        ? 1
        : (byte & 0xe0) === 0xc0
          ? 2
          : (byte & 0xf0) === 0xe0
            ? 3
            : (byte & 0xf8) === 0xf0
              ? 4
              : 0;
    if (length === 0) return index;
    for (let k = 1; k < length; k++) if (((bytes[index + k] ?? 0) & 0xc0) !== 0x80) return index;
    index += length;
  }
  return bytes.length;
}

/** Options for `readManuscript`. */
export interface ReadManuscriptOptions {
  /** Override the manuscript's root folder (`--root`). */
  root?: string;
  /** The working directory paths are shown relative to. */
  cwd?: string;
}

/**
 * Read a manuscript into a VFile. Problems (unreadable, empty, binary, bad encoding) are
 * reported on the file, whose value is then empty.
 */
export async function readManuscript(
  path: string,
  options: ReadManuscriptOptions = {},
): Promise<VFile> {
  const cwd = options.cwd ?? process.cwd();
  const absolutePath = resolve(cwd, path);
  const root = options.root ? resolve(cwd, options.root) : findManuscriptRoot(absolutePath);
  const file = new VFile({ path: displayPath(absolutePath, cwd), value: "" });
  file.data.manuscript = { absolutePath, directory: dirname(absolutePath), root };
  const start = { line: 1, column: 1 };
  // The manuscript is the one file the user names: any regular file within the size cap.
  const read = await readGuarded(absolutePath, "/", "manuscript");
  if (!read.ok) {
    const { failure } = read;
    if (failure.status === "too-large") {
      reportManuscriptTooLarge(
        file,
        `Unexpected manuscript of ${(failure.size / 1048576).toFixed(1)} MB, expected at most ${maxManuscriptBytes / 1048576} MB; split it or move data into CSV tables.`,
        start,
      );
    } else if (failure.status === "unreadable" && failure.detail === "it is a folder") {
      report(
        file,
        "manuscript-unreadable",
        "Unexpected folder, expected a Markdown manuscript file.",
        start,
      );
    } else {
      report(
        file,
        "manuscript-unreadable",
        `Cannot read the manuscript: ${describeFailure(failure)}. Check the path.`,
        start,
      );
    }
    return file;
  }
  const bytes: Uint8Array = read.bytes;
  if (
    bytes.length === 0 ||
    (bytes.length === 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
  ) {
    report(
      file,
      "manuscript-empty",
      "The manuscript is empty: write front matter (`---` … `---`) and sections.",
      start,
    );
    return file;
  }
  const sniff = bytes.subarray(0, 8192);
  const nul = sniff.indexOf(0);
  if (nul !== -1) {
    report(
      file,
      "manuscript-encoding",
      "Unexpected binary content (a NUL byte), expected Markdown text. Is this the right file?",
      pointAt(bytes, nul),
    );
    return file;
  }
  try {
    // TextDecoder strips a leading BOM by default.
    file.value = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const index = firstInvalidUtf8(bytes);
    report(
      file,
      "manuscript-encoding",
      "Invalid UTF-8 byte sequence: save the manuscript as UTF-8 (it looks like Latin-1 or Windows-1252).",
      pointAt(bytes, index),
    );
    return file;
  }
  // Deep nesting, dense paragraphs and masses of footnotes make the parser slow (quadratic) or
  // the tree walkers overflow: refuse them before parsing.
  const deep = findDeepNesting(String(file.value));
  if (deep) {
    const reasons = {
      depth: `Unexpected nesting about ${deep.depth} levels deep (lists, block quotes, emphasis, brackets or \`:::\` containers), expected at most ${maxNestingDepth}; flatten the structure.`,
      constructs: `Unexpected paragraph with more than ${maxParagraphConstructs} links, brackets, emphasis marks or code spans, expected fewer; split it into paragraphs.`,
      footnotes: `Unexpected footnote label number ${deep.depth} (\`[^…]\` calls and definitions), expected at most ${maxFootnoteLabels}; move notes into the text or a table.`,
    };
    const reason = reasons[deep.kind];
    reportManuscriptTooLarge(file, reason, { line: deep.line, column: deep.column });
    file.value = "";
  }
  return file;
}
