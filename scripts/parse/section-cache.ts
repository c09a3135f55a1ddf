/**
 * The section parse cache for warm rebuilds (`casepress preview`, `build --watch`): the
 * manuscript is split at its top-level headings, each section is parsed alone, and a section
 * whose text did not change since the last parse reuses its tree (copied, with its positions
 * shifted to where the section now starts). Typing in one section then re-parses only it.
 *
 * Never wrong: a split is made only where CommonMark must start a new top-level block whatever
 * came before, so the sections' trees joined are the tree of the whole text (tests/fuzz.test.ts
 * checks this, positions included, over random edits). A split point is an ATX heading at column
 * 1 after a blank line, outside the front matter, fenced code and `:::` directive containers. A blank line ends
 * every other open block (paragraphs, lists, quotes, tables) or leaves it unable to take a
 * column-1 heading. Texts this scan cannot follow exactly are parsed whole: link reference and
 * footnote definitions (`[x]:`) are resolved across the whole document, before or after them,
 * so a text with `]:` anywhere is; so is one with a line starting with `<` (an HTML block may
 * hold fences and headings, and some kinds do not end at a blank line), one with a lone
 * carriage return, which the line counting here does not follow, and one that starts with a
 * byte order mark, which the parser drops before counting offsets.
 */
import type { Root, RootContent } from "mdast";

/** Parses one piece of Markdown (the manuscript parser). */
export type ParseText = (text: string) => Root;

/** Where a section starts in the whole text. */
interface Section {
  text: string;
  /** Zero-based line of the section's first line. */
  line: number;
  /** Offset of the section's first character. */
  offset: number;
}

const fenceOpen = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const fenceClose = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const containerOpen = /^ {0,3}(:{3,})[ \t]*[A-Za-z]/;
const containerClose = /^ {0,3}(:{3,})[ \t]*$/;
const heading = /^#{1,6}(?:[ \t]|$)/;
const blank = /^[ \t]*$/;
/** A line that may start an HTML block: such texts are parsed whole (see the file's doc). */
const htmlStart = /^ {0,3}</m;

/**
 * Split `text` into sections at top-level headings, or undefined when it must be parsed whole.
 * Every section but the first starts with its heading line.
 */
export function splitSections(text: string): Section[] | undefined {
  if (
    text.includes("]:") ||
    /\r(?!\n)/.test(text) ||
    htmlStart.test(text) ||
    // The parser drops a leading byte order mark and counts offsets without it.
    text.startsWith("\uFEFF")
  )
    return undefined;
  const sections: Section[] = [];
  let start = { line: 0, offset: 0 };
  let fence: { char: string; length: number } | undefined;
  // YAML front matter: no split before its closing `---` (none at all when it is unclosed).
  let frontMatter = text.startsWith("---");
  const containers: number[] = [];
  let previousBlank = true;
  let offset = 0;
  let lineNumber = 0;
  while (offset < text.length) {
    const newline = text.indexOf("\n", offset);
    const end = newline === -1 ? text.length : newline + 1;
    const line = text.slice(offset, end).replace(/\r?\n$/, "");
    if (frontMatter) {
      if (lineNumber > 0 && line === "---") frontMatter = false;
    } else if (fence) {
      const close = fenceClose.exec(line)?.[1];
      if (close?.[0] === fence.char && close.length >= fence.length) fence = undefined;
    } else if (
      heading.test(line) &&
      previousBlank &&
      containers.length === 0 &&
      lineNumber > start.line
    ) {
      sections.push({ text: text.slice(start.offset, offset), ...start });
      start = { line: lineNumber, offset };
    } else {
      const opened = fenceOpen.exec(line);
      const marker = opened?.[1];
      if (marker && !(marker[0] === "`" && opened[2]?.includes("`"))) {
        fence = { char: marker[0] ?? "`", length: marker.length };
      } else {
        const closing = containerClose.exec(line)?.[1];
        const top = containers.at(-1);
        if (closing && top !== undefined && closing.length >= top) containers.pop();
        else {
          const colons = containerOpen.exec(line)?.[1];
          if (colons) containers.push(colons.length);
        }
      }
    }
    previousBlank = blank.test(line);
    offset = end;
    lineNumber++;
  }
  sections.push({ text: text.slice(start.offset), ...start });
  return sections;
}

/** A deep copy of `value` with every `position` moved down `lines` lines and on `offset` characters. */
function shifted<T>(value: T, lines: number, offset: number): T {
  if (Array.isArray(value)) return value.map((item) => shifted(item, lines, offset)) as T;
  if (value === null || typeof value !== "object") return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "position" && item && typeof item === "object") {
      const { start, end } = item as {
        start: { line: number; column: number; offset?: number };
        end: { line: number; column: number; offset?: number };
      };
      copy[key] = {
        start: {
          line: start.line + lines,
          column: start.column,
          offset: (start.offset ?? 0) + offset,
        },
        end: { line: end.line + lines, column: end.column, offset: (end.offset ?? 0) + offset },
      };
    } else copy[key] = shifted(item, lines, offset);
  }
  return copy as T; // A copy of a T, key for key.
}

/** Counts of the cache's work in this process; tests assert work done and not done. */
export interface SectionCacheWork {
  /** Sections parsed. */
  parsed: number;
  /** Sections taken from the cache. */
  reused: number;
  /** Texts parsed whole, without splitting (definitions or lone carriage returns). */
  whole: number;
}

/**
 * A cache of section trees by section text, for one warm process. It keeps the sections of the
 * last parse only, so it holds at most about one manuscript's trees.
 */
export class SectionParseCache {
  /** What the cache did so far. */
  readonly work: SectionCacheWork = { parsed: 0, reused: 0, whole: 0 };
  private sections = new Map<string, Root>();

  /** Parse `text` as `parseText` would parse it whole, re-parsing only the changed sections. */
  parse(text: string, parseText: ParseText): Root {
    const sections = splitSections(text);
    if (!sections) {
      this.work.whole++;
      this.sections.clear();
      return parseText(text);
    }
    const next = new Map<string, Root>();
    const children: RootContent[] = [];
    let last: Root | undefined;
    let lastSection: Section | undefined;
    for (const section of sections) {
      let tree = next.get(section.text) ?? this.sections.get(section.text);
      if (tree) this.work.reused++;
      else {
        // Parsed once, kept untouched: callers get copies, which transforms may change.
        tree = parseText(section.text);
        this.work.parsed++;
      }
      next.set(section.text, tree);
      children.push(...shifted(tree.children, section.line, section.offset));
      last = tree;
      lastSection = section;
    }
    this.sections = next;
    const root: Root = { type: "root", children };
    const end = last?.position?.end;
    if (end && lastSection) {
      root.position = {
        start: { line: 1, column: 1, offset: 0 },
        end: {
          line: end.line + lastSection.line,
          column: end.column,
          offset: (end.offset ?? 0) + lastSection.offset,
        },
      };
    }
    return root;
  }
}
