/**
 * Guards against deeply nested input. The Markdown parser gets slow on thousands of nested
 * lists, block quotes or emphasis runs, and the recursive tree walkers after it (remark's
 * transforms, mdast-util-to-hast, the sanitizer, the serializer) overflow the stack. So the
 * text is scanned before parsing, in one linear pass, for an estimate of its nesting, and the
 * tree is measured again after parsing, without recursion. Both report where the nesting goes
 * past `maxNestingDepth`.
 */
import type { Nodes, Root } from "mdast";
import type { Point } from "unist";
import type { VFile } from "vfile";
import { type Place, report } from "../diagnostics/diagnostics.ts";

/** The deepest nesting a manuscript may have (lists, quotes, emphasis, links, directives). */
export const maxNestingDepth = 200;

/**
 * The most inline constructs (brackets, emphasis runs, code spans, `<`) one paragraph may hold.
 * micromark resolves a paragraph's inline events with one splice per run of brackets, so its
 * time grows with their square within a paragraph: up to about 2,000 a paragraph the cost per
 * byte stays flat, at 4,000 it doubles, and 20,000 `[a]` parse at 9 KB/s. A real paragraph holds
 * tens (citations, emphasis, links); 2,000 leaves a wide margin. With this cap a manuscript's
 * parse time is linear in its length: at most `length / cap` paragraphs cost `cap²` each.
 */
export const maxParagraphConstructs = 2_000;

/**
 * The most footnote labels (`[^id]` calls and `[^id]:` definitions together) a manuscript may
 * hold. micromark-extension-gfm-footnote looks every label up in a plain array of the
 * definitions (`defined.includes`), so its time grows with calls × definitions: 16,000 take
 * minutes (2.1.0, the newest release, still does). Case reports hold none to a few dozen
 * (most journals allow footnotes only under tables); 2,000 leaves a margin of a hundred times,
 * and bounds the lookups to 2,000 per label, linear in the manuscript.
 */
export const maxFootnoteLabels = 2_000;

/** Where nesting first goes too deep, a paragraph too complex or footnotes too many. */
export interface DeepNesting {
  line: number;
  column: number;
  /**
   * The estimated depth; for `constructs` the paragraph's constructs, for `footnotes` the
   * footnote labels so far.
   */
  depth: number;
  kind: "depth" | "constructs" | "footnotes";
}

const space = 0x20;
const tab = 0x09;

function isWhitespace(code: number | undefined): boolean {
  return code === undefined || code === space || code === tab || code === 0x0a || code === 0x0d;
}

function isPunctuation(char: string | undefined): boolean {
  return char !== undefined && /[\p{P}\p{S}]/u.test(char);
}

function isDigit(code: number | undefined): boolean {
  return code !== undefined && code >= 0x30 && code <= 0x39;
}

/**
 * Count the block containers opening `line`: `>` quote markers, list markers and leading
 * indentation (every 2 columns may belong to one more list level). Returns the count, where
 * the content starts, and where the count first went past `limit`.
 */
function blockPrefix(
  line: string,
  limit: number,
): { depth: number; index: number; listItem: boolean; over?: number } {
  let index = 0;
  let listItem = false;
  let markers = 0;
  let columns = 0;
  let over: number | undefined;
  // `token` is where the container that was counted last starts.
  const count = (token: number) => {
    if (over === undefined && markers + Math.floor(columns / 2) > limit) over = token;
  };
  for (;;) {
    const code = line.charCodeAt(index);
    if (code === space || code === tab) {
      columns += code === tab ? 4 - (columns % 4) : 1;
      count(index);
      index++;
      continue;
    }
    let markerEnd = -1;
    if (code === 0x3e /* > */) markerEnd = index + 1;
    else if (
      (code === 0x2d || code === 0x2a || code === 0x2b) &&
      isWhitespace(line.charCodeAt(index + 1))
    ) {
      markerEnd = index + 1;
    } else if (isDigit(code)) {
      let end = index;
      while (end - index < 9 && isDigit(line.charCodeAt(end))) end++;
      const after = line.charCodeAt(end);
      if ((after === 0x2e || after === 0x29) && isWhitespace(line.charCodeAt(end + 1)))
        markerEnd = end + 1;
    }
    if (markerEnd === -1) break;
    if (code !== 0x3e) listItem = true;
    markers++;
    count(index);
    // The one space that ends a marker belongs to it, not to the indentation.
    index = line.charCodeAt(markerEnd) === space ? markerEnd + 1 : markerEnd;
  }
  return {
    depth: markers + Math.floor(columns / 2),
    index,
    listItem,
    ...(over === undefined ? {} : { over }),
  };
}

/** What one line's inline scan found: where a limit was passed, and what it counted. */
interface InlineScan {
  constructs: number;
  /** Footnote labels (`[^`). */
  footnotes: number;
  over?: { depth: number; index: number; kind: DeepNesting["kind"] };
}

/** The limits one line's inline scan checks, each as what is left of it. */
interface InlineBudget {
  /** Nesting depth left. */
  depth: number;
  /** Constructs left in this paragraph. */
  constructs: number;
  /** Footnote labels left in this manuscript. */
  footnotes: number;
}

/**
 * Scan one line's inline syntax: `[` opens a label and `]` closes one; an emphasis delimiter
 * run that can only open adds its length to the depth, one that can only close subtracts it.
 * Reports where the depth first passes its budget, where the constructs (brackets, delimiter
 * runs, backticks, `<`) pass theirs, or where the footnote labels (`[^`) pass theirs.
 */
function scanInline(line: string, from: number, left: InlineBudget): InlineScan {
  const limit = left.depth;
  const budget = left.constructs;
  let depth = 0;
  let constructs = 0;
  let footnotes = 0;
  let index = from;
  while (index < line.length) {
    const char = line[index];
    if (char === "\\") {
      index += 2;
      continue;
    }
    if (char === "*" || char === "_" || char === "~" || char === "`") {
      let end = index;
      while (line[end] === char) end++;
      if (++constructs > budget)
        return { constructs, footnotes, over: { depth, index, kind: "constructs" } };
      if (char !== "`") {
        const before = line[index - 1];
        const after = line[end];
        const beforeSpace = index === from || isWhitespace(before?.charCodeAt(0));
        const afterSpace = isWhitespace(after?.charCodeAt(0));
        const opens = !afterSpace && (beforeSpace || isPunctuation(before));
        const closes = !beforeSpace && (afterSpace || isPunctuation(after));
        if (opens && !closes) {
          if (depth + (end - index) > limit) {
            const over = {
              depth: depth + (end - index),
              index: index + Math.max(0, limit - depth),
              kind: "depth" as const,
            };
            return { constructs, footnotes, over };
          }
          depth += end - index;
        } else if (closes && !opens) {
          depth = Math.max(0, depth - (end - index));
        }
      }
      index = end;
      continue;
    }
    if (char === "[" || char === "<") {
      if (++constructs > budget)
        return { constructs, footnotes, over: { depth, index, kind: "constructs" } };
      if (char === "[" && ++depth > limit)
        return { constructs, footnotes, over: { depth, index, kind: "depth" } };
      if (char === "[" && line[index + 1] === "^" && ++footnotes > left.footnotes)
        return { constructs, footnotes, over: { depth, index, kind: "footnotes" } };
    }
    if (char === "]") depth = Math.max(0, depth - 1);
    index++;
  }
  return { constructs, footnotes };
}

/**
 * The start of a CommonMark HTML block of kinds 1 to 6, whose lines are raw HTML up to a blank
 * line, not inline text: `<script`, `<pre`, `<style`, `<textarea`, comments, `<?`, `<!X`,
 * CDATA, and the block-level elements.
 */
const htmlBlockStart = new RegExp(
  `^(?:<(?:script|pre|style|textarea)(?:[\\s>]|$)|<!--|<\\?|<![A-Za-z]|<!\\[CDATA\\[|</?(?:${[
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details",
    "dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head",
    "header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p",
    "param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul",
  ].join("|")})(?:[\\s/>]|$))`,
  "i",
);

/**
 * Scan Markdown text, in time linear in its length, for nesting deeper than `limit`, a
 * paragraph with more than `maxParagraphConstructs` inline constructs, or more than
 * `maxFootnoteLabels` footnote labels (the parser's cost grows with the square of either). The
 * depth estimate errs on the deep side (indentation counts as possible list levels), so it
 * flags only input far from anything a manuscript needs.
 */
export function findDeepNesting(text: string, limit = maxNestingDepth): DeepNesting | undefined {
  let lineNumber = 0;
  let start = 0;
  let directives = 0;
  let constructs = 0;
  let footnotes = 0;
  let fence: string | undefined;
  // Whether the current block is raw HTML, not parsed as inline text. Blocks of kinds 1 to 6
  // may interrupt a paragraph, so any line can start one.
  let htmlBlock = false;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    lineNumber++;
    const line = text.slice(start, end).replace(/\r$/, "");
    start = end + 1;
    if (line.trim() === "") {
      constructs = 0;
      htmlBlock = false;
      if (end === text.length) break;
      continue;
    }
    const prefix = blockPrefix(line, limit - directives);
    if (prefix.over !== undefined) {
      return {
        line: lineNumber,
        column: prefix.over + 1,
        depth: prefix.depth + directives,
        kind: "depth",
      };
    }
    const content = line.slice(prefix.index);
    let depth = prefix.depth + directives;
    if (fence !== undefined) {
      if (content.startsWith(fence) && content.slice(fence.length).trim() === "") fence = undefined;
    } else {
      const codeFence = /^(`{3,}|~{3,})/.exec(content)?.[1];
      const directiveFence = /^:{3,}/.exec(content)?.[0];
      if (codeFence) {
        fence = codeFence;
      } else if (directiveFence) {
        if (content.slice(directiveFence.length).trim() === "")
          directives = Math.max(0, directives - 1);
        else directives++;
        depth = prefix.depth + directives;
      } else if (htmlBlock || htmlBlockStart.test(content)) {
        htmlBlock = true;
      } else {
        // Table rows, list items and definitions are parsed one by one, so they do not add up.
        if (content.startsWith("|") || prefix.listItem || /^\[[^\]]+\]:/.test(content))
          constructs = 0;
        const inline = scanInline(line, prefix.index, {
          depth: limit - depth,
          constructs: maxParagraphConstructs - constructs,
          footnotes: maxFootnoteLabels - footnotes,
        });
        constructs += inline.constructs;
        footnotes += inline.footnotes;
        if (inline.over) {
          const found =
            inline.over.kind === "depth"
              ? depth + inline.over.depth
              : inline.over.kind === "footnotes"
                ? footnotes
                : constructs;
          return {
            line: lineNumber,
            column: inline.over.index + 1,
            depth: found,
            kind: inline.over.kind,
          };
        }
      }
    }
    if (depth > limit) return { line: lineNumber, column: prefix.index + 1, depth, kind: "depth" };
    if (end === text.length) break;
  }
  return undefined;
}

/**
 * The first node of `tree` nested deeper than `limit`, found without recursion, with its
 * depth; undefined when the tree is shallow enough.
 */
export function findDeepNode(
  tree: Root,
  limit = maxNestingDepth,
): { point: Point | undefined; depth: number } | undefined {
  const stack: [Nodes, number][] = [[tree, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    if (depth > limit) return { point: node.position?.start, depth };
    if (!("children" in node)) continue;
    // Pushed last to first, so nodes are visited in document order.
    for (let index = node.children.length - 1; index >= 0; index--) {
      const child = node.children[index];
      if (child) stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

/**
 * Report a manuscript past one of the size limits (bytes, nesting, footnotes, marks per
 * paragraph) as `manuscript-too-large`, the one rule for all of them, at `place`.
 */
export function reportManuscriptTooLarge(file: VFile, reason: string, place: Place): void {
  report(file, "manuscript-too-large", reason, place);
}
