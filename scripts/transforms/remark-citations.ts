/**
 * Resolve and number citations the AMA/ICMJE way. References are numbered by first citation in
 * the running text; citations inside a figure or table take their numbers where that float is
 * first called out. Each citation becomes `<sup class="citation">` holding only linked numbers
 * (ranges of three or more joined by a hyphen); punctuation moves so the superscript follows
 * periods and commas and precedes colons and semicolons; narrative citations print the authors'
 * surnames before the superscript. With `style: "brackets"` (Vancouver) a citation prints as
 * `<span class="citation">[1]</span>` instead, after a space and before any punctuation, which
 * stays where the author wrote it.
 */
import type { Element, ElementContent } from "hast";
import type { Parent, Root, Text } from "mdast";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { type BibliographyEntry, narrativeNames } from "../bibliography/bibliography.ts";
import { report } from "../diagnostics/diagnostics.ts";
import { isRuleId } from "../diagnostics/rules.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import { displayPath } from "../loaders/load-manuscript.ts";
import type { Citation } from "./mdast-nodes.ts";
import { draftMarker, isDraft } from "./remark-draft-marks.ts";
import { isFloatNode } from "./remark-number-floats.ts";
import { type ResourceKind, reportResourceFailure } from "./resource-messages.ts";
import type { NumberedReference } from "./vfile-data.ts";

/** Compress sorted numbers into AMA ranges: [1,3,4,5,6,8,19] → "1,3-6,8,19" as runs. */
export function numberRuns(numbers: readonly number[]): [number, number][] {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const n of sorted) {
    const last = runs.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else runs.push([n, n]);
  }
  // A run of two is written "1,2", not "1-2".
  return runs.flatMap(([from, to]): [number, number][] =>
    to === from + 1
      ? [
          [from, from],
          [to, to],
        ]
      : [[from, to]],
  );
}

const bibliographyKind: ResourceKind = {
  noun: "bibliography",
  missing: "bibliography-missing",
  unreadable: "bibliography-malformed",
};

function collectEntries(file: VFile): Map<string, BibliographyEntry> {
  const entries = new Map<string, BibliographyEntry>();
  const resources = file.data.resources;
  const locate = file.data.locateFrontMatter;
  if (!resources) return entries;
  const bibliographyPlace = (index: number) => {
    const many = Array.isArray(file.data.frontMatter?.bibliography);
    return locate?.(many ? ["bibliography", index] : ["bibliography"]);
  };
  for (const [index, resource] of resources.bibliographies.entries()) {
    const where = bibliographyPlace(index);
    switch (resource.status) {
      case "ok":
        for (const problem of resource.problems) {
          const rule = isRuleId(problem.rule) ? problem.rule : "bibliography-malformed";
          report(
            file,
            rule,
            problem.message,
            { line: problem.line, column: problem.column },
            { file: displayPath(problem.file, file.cwd) },
          );
        }
        for (const entry of resource.entries) {
          if (entries.has(entry.key)) {
            report(
              file,
              "bibliography-duplicate-key",
              `Duplicate bibliography key \`${entry.key}\`; it is already defined in another bibliography file. Rename one.`,
              { line: entry.line, column: entry.column },
              { file: displayPath(entry.file, file.cwd) },
            );
            continue;
          }
          entries.set(entry.key, entry);
        }
        break;
      default:
        reportResourceFailure(file, resource, bibliographyKind, resource.reference, where);
    }
  }
  return entries;
}

/** Move punctuation around a parenthetical citation at `index` of `parent` (AMA placement). */
function placeCitation(parent: Parent, index: number, file: VFile, node: Citation): number {
  const previous = parent.children[index - 1];
  const next = parent.children[index + 1];
  let at = index;
  if (previous?.type === "text") {
    if (/(\d|\d\s?(mm|cm|m|mg|g|kg|mL|L|dL|µm|mm³|%|°C))\s*$/.test(previous.value)) {
      report(
        file,
        "citation-after-number",
        "Unexpected citation right after a number or unit, where the superscript reads as an exponent; move it to a word, e.g. after the end of the sentence.",
        node.position?.start,
      );
    }
    previous.value = previous.value.replace(/\s+$/, "");
    const moved = /[:;]$/.exec(previous.value)?.[0];
    if (moved) {
      previous.value = previous.value.slice(0, -1);
      if (next?.type === "text") next.value = moved + next.value;
      else parent.children.splice(index + 1, 0, { type: "text", value: moved });
    }
  }
  const after = parent.children[at + 1];
  if (after?.type === "text") {
    const moved = /^[.,]/.exec(after.value)?.[0];
    if (moved) {
      after.value = after.value.slice(1);
      if (previous?.type === "text") previous.value += moved;
      else {
        parent.children.splice(at, 0, { type: "text", value: moved });
        at++;
      }
    }
  }
  return at;
}

/** How in-text citations print: AMA superscripts or bracketed Vancouver numbers. */
export type CitationStyle = "superscript" | "brackets";

/** Options for `remarkCitations`. */
export interface CitationOptions {
  /** `superscript` (default): `<sup>1,3-5</sup>`; `brackets`: `[1,3-5]` on the line. */
  style?: CitationStyle;
}

/** Put one space before a bracketed citation at `index` of `parent`, where text precedes it. */
function placeBracketCitation(parent: Parent, index: number): void {
  const previous = parent.children[index - 1];
  if (previous?.type === "text" && previous.value.length > 0)
    previous.value = `${previous.value.replace(/\s+$/, "")} `;
}

function renderCitation(
  node: Citation,
  numbers: number[],
  keysByNumber: Map<number, string>,
  id: string,
  style: CitationStyle,
): void {
  const children: ElementContent[] = [];
  const link = (n: number): Element => ({
    type: "element",
    tagName: "a",
    properties: { href: `#ref-${keysByNumber.get(n)}` },
    children: [{ type: "text", value: String(n) }],
  });
  for (const [i, [from, to]] of numberRuns(numbers).entries()) {
    if (i > 0) children.push({ type: "text", value: "," });
    children.push(link(from));
    if (to !== from) children.push({ type: "text", value: "-" }, link(to));
  }
  if (children.length === 0) children.push({ type: "text", value: "?" });
  if (style === "brackets") {
    children.unshift({ type: "text", value: "[" });
    children.push({ type: "text", value: "]" });
    node.data = {
      hName: "span",
      hProperties: { className: ["citation"], id },
      hChildren: children,
    };
    return;
  }
  node.data = { hName: "sup", hProperties: { className: ["citation"], id }, hChildren: children };
}

/** Number and render all citations in `tree`. */
export function resolveCitations(tree: Root, file: VFile, options: CitationOptions = {}): void {
  const style = options.style ?? "superscript";
  const entries = collectEntries(file);
  const floats = new Map<string, Parent>();
  visit(tree, "containerDirective", (node) => {
    const id = node.attributes?.id;
    if (isFloatNode(node) && id && !floats.has(id)) floats.set(id, node);
  });
  const numbers = new Map<string, number>();
  const references: NumberedReference[] = [];
  const keysByNumber = new Map<number, string>();
  const calledOut = new Set<string>();
  let citationCount = 0;

  const cite = (parent: Parent, index: number, node: Citation): number => {
    if (node.data?.hName) return index;
    citationCount++;
    const id = `cite-${citationCount}`;
    const cited: number[] = [];
    const unknown: string[] = [];
    for (const key of node.keys) {
      const entry = entries.get(key);
      if (!entry) {
        // With no usable front matter the bibliography is unknown; that error is reported already.
        if (!file.data.frontMatter) continue;
        report(
          file,
          "citation-key-unknown",
          `Unknown citation key \`${key}\`: no bibliography entry has it.${didYouMean(key, entries.keys())}`,
          node.position?.start,
        );
        unknown.push(key);
        continue;
      }
      let number = numbers.get(key);
      if (number === undefined) {
        number = references.length + 1;
        numbers.set(key, number);
        keysByNumber.set(number, key);
        references.push({ key, number, firstCitationId: id });
      }
      cited.push(number);
    }
    let at = index;
    if (node.mode === "narrative") {
      const entry = entries.get(node.keys[0] ?? "");
      if (entry) {
        parent.children.splice(index, 0, {
          type: "text",
          value: narrativeNames(entry.item) + (style === "brackets" ? " " : ""),
        } satisfies Text);
        at++;
      }
    } else if (style === "brackets") {
      placeBracketCitation(parent, index);
    } else {
      at = placeCitation(parent, index, file, node);
    }
    renderCitation(node, cited, keysByNumber, id, style);
    if (unknown.length > 0 && isDraft(file) && node.data?.hChildren) {
      const children = cited.length > 0 ? node.data.hChildren : [];
      for (const key of unknown) children.push(draftMarker(`[?${key}]`, "citation-key-unknown"));
      node.data.hChildren = children;
    }
    return at;
  };

  const walk = (parent: Parent): void => {
    for (let index = 0; index < parent.children.length; index++) {
      const child = parent.children[index];
      if (!child) continue;
      if (isFloatNode(child)) continue;
      if (child.type === "citation") index = cite(parent, index, child);
      else if (child.type === "crossReference") {
        const float = floats.get(child.id);
        if (float && !calledOut.has(child.id)) {
          calledOut.add(child.id);
          walk(float);
        }
      } else if ("children" in child) walk(child);
    }
  };
  walk(tree);
  for (const [id, float] of floats) if (!calledOut.has(id)) walk(float);

  for (const entry of entries.values()) {
    if (!numbers.has(entry.key)) {
      report(
        file,
        "bibliography-entry-uncited",
        `Entry \`${entry.key}\` is never cited; cite it or remove it from the bibliography.`,
        { line: entry.line, column: entry.column },
        { file: displayPath(entry.file, file.cwd) },
      );
    }
  }
  file.data.references = references;
  file.data.referenceItems = new Map(
    references.map((reference) => [
      reference.key,
      entries.get(reference.key)?.item ?? { id: reference.key },
    ]),
  );
}

/** unified plugin: number and render citations (see module doc). */
export function remarkCitations(options: CitationOptions = {}) {
  return (tree: Root, file: VFile) => resolveCitations(tree, file, options);
}
