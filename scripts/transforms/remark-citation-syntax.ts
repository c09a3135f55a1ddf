/**
 * Tokenise Pandoc-style citations and Quarto-style cross-references in text:
 * `[@a; @b]` → a parenthetical `citation`, `@a` → a narrative `citation`, and
 * `@fig-x` / `@tbl-x` / `[@fig-x]` → `crossReference`. Keys starting `fig-` or `tbl-` are never
 * citations. `[@]` is reported as `citation-key-empty`.
 *
 * The scanner reads each character a bounded number of times, with no backtracking regular
 * expression: a bracket group is the run up to the next `[` or `]`, and a key is a run of key
 * characters trimmed back to its last letter, digit or `_`. So `[@` followed by a million
 * letters, or a paragraph of `[a]`, costs linear time.
 */
import type { Parent, PhrasingContent, Root, Text } from "mdast";
import type { Point, Position } from "unist";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { location } from "vfile-location";
import { report } from "../diagnostics/diagnostics.ts";
import { type Citation, type CrossReference, isCrossReferenceKey } from "./mdast-nodes.ts";

/** Characters a key may contain; a key starts and ends with a letter, digit or `_`. */
const keyCharacter = /[\p{L}\p{N}_:.#$%&+?<>~/-]/u;
const keyEdge = /[\p{L}\p{N}_]/u;
/** Characters that, right before `@`, make it part of a word or an e-mail address. */
const beforeNarrative = /[\p{L}\p{N}_@.\\]/u;

/** Counts the characters the scanner reads, so tests can check that the work is linear. */
export interface ScanWork {
  /** Characters read, all scans together. */
  characters: number;
}

/** A citation or cross-reference found in a text. */
export interface CitationMatch {
  /** Offset of `[` or `@` in the text. */
  start: number;
  /** Offset after `]` or the key. */
  end: number;
  /** `narrative` for a bare `@key`; otherwise the keys of a bracket group, `undefined` for `@` alone. */
  mode: Citation["mode"];
  keys: (string | undefined)[];
}

/** The key starting at `from` (after `@`), or undefined; `work` counts what is read. */
function keyAt(text: string, from: number, work: ScanWork): string | undefined {
  let end = from;
  while (end < text.length && keyCharacter.test(text.charAt(end))) end++;
  work.characters += end - from + 1;
  // A key ends on a letter, digit or `_`: "@doe." is the key `doe`.
  while (end > from && !keyEdge.test(text.charAt(end - 1))) end--;
  return end > from && keyEdge.test(text.charAt(from)) ? text.slice(from, end) : undefined;
}

/**
 * The keys of a bracket group's content (`@a; -@b, p. 3`), or undefined when it is not a
 * citation: every `;`-separated item must start with `@` (or `-@`) and hold no other `@`.
 */
function bracketKeys(content: string, work: ScanWork): (string | undefined)[] | undefined {
  const keys: (string | undefined)[] = [];
  for (const item of content.split(";")) {
    const at = /^\s*-?@/u.exec(item);
    if (!at || item.indexOf("@", at[0].length) !== -1) return undefined;
    keys.push(keyAt(item, at[0].length, work));
  }
  return keys;
}

/** Every citation and cross-reference in `text`, in order, in linear time. */
export function findCitations(text: string, work: ScanWork = { characters: 0 }): CitationMatch[] {
  const found: CitationMatch[] = [];
  // The next `[` and `@` at or after `at`; each is searched for again only once passed.
  const next = { "[": -1, "@": -1 };
  const search = (char: "[" | "@", from: number): number => {
    if (next[char] >= from) return next[char];
    const index = text.indexOf(char, from);
    next[char] = index === -1 ? text.length : index;
    work.characters += next[char] - from + 1;
    return next[char];
  };
  let at = 0;
  while (at < text.length) {
    const open = search("[", at);
    const mention = search("@", at);
    const start = Math.min(open, mention);
    if (start >= text.length) break;
    at = start + 1;
    if (start === open) {
      let close = start + 1;
      while (close < text.length && text.charAt(close) !== "[" && text.charAt(close) !== "]") {
        close++;
      }
      work.characters += close - start;
      if (text.charAt(close) !== "]") continue;
      const keys = bracketKeys(text.slice(start + 1, close), work);
      if (!keys) continue;
      found.push({ start, end: close + 1, mode: "parenthetical", keys });
      at = close + 1;
    } else {
      if (start > 0 && beforeNarrative.test(text.charAt(start - 1))) continue;
      const key = keyAt(text, start + 1, work);
      if (key === undefined) continue;
      found.push({ start, end: start + 1 + key.length, mode: "narrative", keys: [key] });
      at = start + 1 + key.length;
    }
  }
  return found;
}

/**
 * Points of a text node's value by index, from its start point. Lines are counted in the value
 * (with `vfile-location`), as escapes and indentation make the value differ from the source.
 */
function pointLocator(start: Point, value: string): (index: number) => Point {
  const lines = location(value);
  return (index) => {
    const point = lines.toPoint(index) ?? { line: 1, column: index + 1 };
    return {
      line: start.line + point.line - 1,
      column: point.line === 1 ? start.column + index : point.column,
      ...(start.offset !== undefined ? { offset: start.offset + index } : {}),
    };
  };
}

function tokenise(node: Text, file: VFile): PhrasingContent[] | undefined {
  const value = node.value;
  if (!value.includes("@")) return undefined;
  const start = node.position?.start;
  const pointAt = start ? pointLocator(start, value) : undefined;
  const place = (from: number, to: number): Position | undefined =>
    pointAt ? { start: pointAt(from), end: pointAt(to) } : undefined;
  const textNode = (from: number, to: number): Text => {
    const text: Text = { type: "text", value: value.slice(from, to) };
    const position = place(from, to);
    if (position) text.position = position;
    return text;
  };
  const out: PhrasingContent[] = [];
  let last = 0;
  for (const match of findCitations(value)) {
    const position = place(match.start, match.end);
    const created: PhrasingContent[] = [];
    if (match.mode === "narrative") {
      created.push(makeNode(match.keys[0] ?? "", "narrative", position));
    } else {
      const keys: string[] = [];
      for (const found of match.keys) {
        if (found === undefined) {
          report(
            file,
            "citation-key-empty",
            "Unexpected citation without a key, expected `[@key]` with a bibliography key.",
            position?.start,
          );
        } else {
          keys.push(found);
        }
      }
      if (keys.length === 0) continue;
      const references = keys.filter((k) => !isCrossReferenceKey(k));
      for (const [i, crossKey] of keys.filter(isCrossReferenceKey).entries()) {
        if (i > 0) created.push({ type: "text", value: ", " });
        created.push(makeNode(crossKey, "parenthetical", position));
      }
      if (references.length > 0) {
        const citation: Citation = { type: "citation", mode: "parenthetical", keys: references };
        if (position) citation.position = position;
        created.push(citation);
      }
    }
    if (match.start > last) out.push(textNode(last, match.start));
    out.push(...created);
    last = match.end;
  }
  if (out.length === 0) return undefined;
  if (last < value.length) out.push(textNode(last, value.length));
  return out;
}
function makeNode(
  name: string,
  mode: Citation["mode"],
  position: Position | undefined,
): Citation | CrossReference {
  const node: Citation | CrossReference = isCrossReferenceKey(name)
    ? { type: "crossReference", id: name }
    : { type: "citation", mode, keys: [name] };
  if (position) node.position = position;
  return node;
}

/** unified plugin: tokenise citations and cross-references (see module doc). */
export function remarkCitationSyntax() {
  return (tree: Root, file: VFile) => {
    // Each parent's children are rebuilt once: splicing per text node would be quadratic in a
    // long paragraph, and spreading a huge replacement into `splice` overflows the stack.
    visit(tree, (node) => {
      if (!("children" in node) || node.type === "link" || node.type === "linkReference") return;
      const parent = node as Parent;
      if (!parent.children.some((child) => child.type === "text")) return;
      let changed = false;
      const children: Parent["children"] = [];
      for (const child of parent.children) {
        const replacement = child.type === "text" ? tokenise(child, file) : undefined;
        if (replacement) {
          changed = true;
          for (const created of replacement) children.push(created as Parent["children"][number]);
        } else {
          children.push(child);
        }
      }
      if (changed) parent.children = children;
    });
  };
}
