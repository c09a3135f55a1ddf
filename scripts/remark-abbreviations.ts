/**
 * Check abbreviations against the front matter's `abbreviations:` list and mark every use with
 * `<abbr title>`.
 *
 * The text is read once, in scopes: the running text (the sections in reading order, without
 * headings, figures and tables), each figure or table on its own (caption, legend, cells and
 * footnotes), and the title and headings. One tokenising pass turns each scope's blocks into
 * words; every lookup is a Map lookup, so the work is linear in the size of the manuscript.
 * The rules are listed in `rules.ts` (`abbreviation-*`) and explained in the journal README.
 */
import type { Parent, PhrasingContent, Root, RootContent, Text } from "mdast";
import type { ContainerDirective } from "mdast-util-directive";
import type { Point, Position } from "unist";
import type { VFile } from "vfile";
import {
  findLongFormStart,
  isExplainedAfter,
  longFormWindow,
  longFormWords,
  normaliseWord,
  sameLongForm,
} from "./abbreviation-long-form.ts";
import {
  abbreviationKey,
  degreeSymbols,
  intrinsicSkip,
  isAbbreviationLike,
  numeralLabels,
  wordPattern,
} from "./abbreviation-tokens.ts";
import { report } from "./diagnostics.ts";
import { sortedAbbreviations } from "./render-front-matter.ts";
import { didYouMean } from "./suggest.ts";

/** Where a block of text sits. */
interface Scope {
  kind: "running" | "float" | "heading" | "title";
  /** For floats: the figure or table id. */
  floatId?: string;
  /** For floats: figure or table. */
  floatKind?: "figure" | "table";
}

/** A text node's place in a block's text. */
interface Segment {
  node: Text;
  parent: Parent;
  /** Offset of the node's value in the block text. */
  start: number;
}

/** A paragraph, cell or heading as one string, with the text nodes it came from. */
interface Block {
  scope: Scope;
  text: string;
  segments: Segment[];
  /** A table footnote or figure legend, where "ABBR, long form" defines an abbreviation. */
  definesInline: boolean;
  /** Places a stretch of the block text in the source. */
  locate: (start: number, end: number) => Point | undefined;
}

/** A word of a block. */
interface Word {
  value: string;
  start: number;
  end: number;
}

/** How an abbreviation use is written. */
interface Definition {
  /** The long form as the text writes it. */
  longForm: string;
  /** Where the long form starts, in the block text. */
  start: number;
  /** Whether it matches the list's long form (always true for unlisted abbreviations). */
  matches: boolean;
}

/** One appearance of an abbreviation (listed or not). */
interface Use {
  token: string;
  key: string;
  block: Block;
  start: number;
  end: number;
  /** Reading order across the whole manuscript. */
  order: number;
  /** "long form (ABBR)". */
  definition?: Definition;
  /** A footnote or legend entry "ABBR, long form": defines, does not use. */
  entry?: Definition;
}

/** A listed abbreviation. */
interface Listed {
  abbreviation: string;
  key: string;
  expansion: string;
  words: string[];
  uses: Use[];
  /** The long form written out in the running text (not as a definition). */
  longForms: { block: Block; start: number; order: number }[];
}

/** The separator standing for inline content that is not text (citations, code, images). */
const objectMark = "\uFFFC";
const gapInLongForm = /^[\s\-‐–'’/]*$/u;

function isFloat(node: RootContent): node is ContainerDirective {
  return node.type === "containerDirective" && (node.name === "figure" || node.name === "table");
}

/** Offsets → points in the manuscript source. */
function sourceLocator(source: string) {
  const lineStarts = [0];
  for (let index = source.indexOf("\n"); index !== -1; index = source.indexOf("\n", index + 1)) {
    lineStarts.push(index + 1);
  }
  const pointAt = (offset: number): Point => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1, offset };
  };
  const offsetOf = (point: Point): number => (lineStarts[point.line - 1] ?? 0) + point.column - 1;
  return { pointAt, offsetOf };
}

type Locator = ReturnType<typeof sourceLocator>;

/** The source point of `local` in a text node, exact when the value matches the source. */
function pointInText(
  node: Text,
  local: number,
  length: number,
  source: string,
  locator: Locator,
): Point | undefined {
  const start = node.position?.start;
  if (!start) return undefined;
  if (start.offset !== undefined) {
    const offset = start.offset + local;
    if (source.slice(offset, offset + length) === node.value.slice(local, local + length))
      return locator.pointAt(offset);
  }
  const before = node.value.slice(0, local);
  const lastBreak = before.lastIndexOf("\n");
  const lines = before.split("\n").length - 1;
  return {
    line: start.line + lines,
    column: lastBreak === -1 ? start.column + local : local - lastBreak,
  };
}

/** Gather the blocks of the manuscript in reading order. */
function collectBlocks(tree: Root, source: string, locator: Locator): Block[] {
  const blocks: Block[] = [];
  const textBlock = (parent: Parent, scope: Scope, definesInline: boolean): void => {
    const segments: Segment[] = [];
    let text = "";
    const add = (node: PhrasingContent | RootContent, owner: Parent): void => {
      if (node.type === "text") {
        if (node.position) {
          segments.push({ node, parent: owner, start: text.length });
          text += node.value;
        } else {
          // Text without a source place is generated (narrative citation names).
          text += objectMark;
        }
      } else if (node.type === "break") {
        text += " ";
      } else if ("children" in node && node.type !== "citation" && node.type !== "crossReference") {
        for (const child of node.children) add(child as PhrasingContent, node);
      } else {
        text += objectMark;
      }
    };
    for (const child of parent.children) add(child as PhrasingContent, parent);
    const locate = (start: number, end: number): Point | undefined => {
      let low = 0;
      let high = segments.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if ((segments[middle]?.start ?? 0) <= start) low = middle;
        else high = middle - 1;
      }
      const segment = segments[low];
      if (!segment) return undefined;
      return pointInText(segment.node, start - segment.start, end - start, source, locator);
    };
    blocks.push({ scope, text, segments, definesInline, locate });
  };
  const walk = (parent: Parent, scope: Scope, inFloat: boolean): void => {
    let afterTable = false;
    for (const child of parent.children) {
      if (child.type === "yaml" || child.type === "code" || child.type === "html") continue;
      if (child.type === "heading") {
        textBlock(child, { kind: "heading" }, false);
      } else if (!inFloat && isFloat(child)) {
        const floatScope: Scope = {
          kind: "float",
          floatId: child.attributes?.id ?? `${child.name}@${child.position?.start.line ?? 0}`,
          floatKind: child.name === "figure" ? "figure" : "table",
        };
        walk(child, floatScope, true);
      } else if (child.type === "paragraph") {
        const legend = inFloat && (scope.floatKind === "figure" || afterTable);
        textBlock(child, scope, legend);
      } else if (child.type === "tableCell") {
        textBlock(child, scope, false);
      } else if ("children" in child) {
        walk(child, scope, inFloat);
      }
      if (inFloat && child.type === "table") afterTable = true;
    }
  };
  walk(tree, { kind: "running" }, false);
  return blocks;
}

/** A block for a front matter string (the title), placed by searching the YAML source. */
function frontMatterBlock(
  value: string,
  place: Position | undefined,
  source: string,
  locator: Locator,
): Block {
  const from = place ? locator.offsetOf(place.start) : -1;
  const to = place ? locator.offsetOf(place.end) : -1;
  const locate = (start: number, end: number): Point | undefined => {
    if (!place) return undefined;
    const token = value.slice(start, end);
    const pattern = new RegExp(
      `(?<![\\p{L}\\p{N}])${token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}])`,
      "u",
    );
    const found = pattern.exec(source.slice(from, to));
    return found ? locator.pointAt(from + found.index) : place.start;
  };
  return { scope: { kind: "title" }, text: value, segments: [], definesInline: false, locate };
}

/** The label of a float in messages: "Table I", else its id. */
function floatName(file: VFile, scope: Scope): string {
  const label = scope.floatId ? file.data.floats?.get(scope.floatId)?.label : undefined;
  if (label) return label;
  return `the ${scope.floatKind ?? "float"} \`${scope.floatId ?? "?"}\``;
}

/** Options for `checkAbbreviations`. */
export interface AbbreviationOptions {
  /** Add `<abbr title>` to each use of a listed abbreviation (default true). */
  markUses?: boolean;
}

/** Check the abbreviations of `tree` and mark their uses (see the module doc). */
export function checkAbbreviations(
  tree: Root,
  file: VFile,
  options: AbbreviationOptions = {},
): void {
  const frontMatter = file.data.frontMatter;
  const profile = file.data.journal;
  const locateFrontMatter = file.data.locateFrontMatter ?? (() => undefined);
  const source = String(file.value);
  const locator = sourceLocator(source);
  const list = frontMatter?.abbreviations ?? {};
  const ignored = new Set([
    ...(profile?.abbreviations.allow ?? []),
    ...(frontMatter?.["abbreviations-ignore"] ?? []),
  ]);
  const minUses = profile?.abbreviations["min-uses"] ?? 0;

  const listed = new Map<string, Listed>();
  const multiPart = new Map<string, string[]>();
  const longFormStarts = new Map<string, Listed[]>();
  for (const [abbreviation, expansion] of Object.entries(list)) {
    const key = abbreviationKey(abbreviation);
    const entry: Listed = {
      abbreviation,
      key,
      expansion,
      words: longFormWords(expansion),
      uses: [],
      longForms: [],
    };
    listed.set(key, entry);
    const parts = abbreviation.match(wordPattern) ?? [];
    if (parts.length > 1 || parts[0] !== abbreviation) {
      const first = parts[0];
      if (first) multiPart.set(first, [...(multiPart.get(first) ?? []), abbreviation]);
      listed.set(abbreviation, entry);
    }
    const firstWord = entry.words[0];
    if (firstWord) longFormStarts.set(firstWord, [...(longFormStarts.get(firstWord) ?? []), entry]);
  }

  const blocks = collectBlocks(tree, source, locator);
  if (frontMatter?.title)
    blocks.unshift(
      frontMatterBlock(frontMatter.title, locateFrontMatter(["title"]), source, locator),
    );
  const shortTitle = frontMatter?.["short-title"];
  if (shortTitle)
    blocks.unshift(
      frontMatterBlock(shortTitle, locateFrontMatter(["short-title"]), source, locator),
    );

  const unlisted = new Map<string, Use[]>();
  let order = 0;

  for (const block of blocks) {
    const text = block.text;
    const words: Word[] = [];
    for (const match of text.matchAll(wordPattern))
      words.push({ value: match[0], start: match.index, end: match.index + match[0].length });
    const upperOnly =
      (block.scope.kind === "heading" || block.scope.kind === "title") && !/\p{Ll}/u.test(text);
    const running = block.scope.kind === "running";
    let skipUntil = -1;

    const wordsBefore = (index: number, limit: number): Word[] => {
      const found: Word[] = [];
      for (let at = index - 1; at >= 0 && found.length < limit; at--) {
        const word = words[at];
        const next = words[at + 1];
        if (!word || !next) break;
        const gap = text.slice(word.end, at === index - 1 ? next.start - 1 : next.start);
        if (!gapInLongForm.test(gap) || (at === index - 1 && gap.length === 0)) break;
        found.unshift(word);
      }
      return found;
    };
    const wordsAfter = (index: number, limit: number): string[] => {
      const found: string[] = [];
      for (let at = index + 1; at < words.length && found.length < limit; at++) {
        const word = words[at];
        const previous = words[at - 1];
        if (!word || !previous) break;
        if (/[.!?;:()[\]{}\uFFFC]/u.test(text.slice(previous.end, word.start))) break;
        found.push(word.value);
      }
      return found;
    };

    for (const [index, word] of words.entries()) {
      order++;
      if (word.start < skipUntil) continue;
      // The long form written out in running text.
      if (running) {
        for (const candidate of longFormStarts.get(normaliseWord(word.value)) ?? []) {
          const last = index + candidate.words.length - 1;
          const end = words[last];
          if (!end) continue;
          let same = true;
          for (let offset = 1; offset < candidate.words.length && same; offset++) {
            const current = words[index + offset];
            const previous = words[index + offset - 1];
            same =
              current !== undefined &&
              previous !== undefined &&
              gapInLongForm.test(text.slice(previous.end, current.start)) &&
              normaliseWord(current.value) === candidate.words[offset];
          }
          if (!same) continue;
          const following = words[last + 1];
          const isDefinition =
            following !== undefined &&
            /^\s*\($/.test(text.slice(end.end, following.start)) &&
            abbreviationKey(following.value) === candidate.key;
          if (!isDefinition) candidate.longForms.push({ block, start: word.start, order });
        }
      }

      let token = word.value;
      let end = word.end;
      for (const full of multiPart.get(token) ?? []) {
        if (
          text.startsWith(full, word.start) &&
          !/[\p{L}\p{N}]/u.test(text.charAt(word.start + full.length))
        ) {
          token = full;
          end = word.start + full.length;
          skipUntil = end;
          break;
        }
      }
      const key = listed.has(token) && token !== word.value ? token : abbreviationKey(token);
      const entry = listed.get(key);
      if (!entry) {
        if (ignored.has(token) || ignored.has(key) || !isAbbreviationLike(token) || upperOnly)
          continue;
        if (intrinsicSkip(token)) continue;
        const previous = words[index - 1];
        const gapBefore = previous ? text.slice(previous.end, word.start) : "";
        const previousWord = previous?.value.toLowerCase() ?? "";
        if (token === "IV" && numeralLabels.has(previousWord)) continue;
        if (
          degreeSymbols.has(token) &&
          /^,\s*$/.test(gapBefore) &&
          /^(?:\p{Lu}\p{Ll}|[A-Z][A-Za-z]*$)/u.test(previous?.value ?? "")
        )
          continue;
        if (
          /^(?:hemoglobin|haemoglobin|hb)$/.test(previousWord) &&
          /^[\s-]$/.test(gapBefore) &&
          /^\p{Lu}{1,3}$/u.test(token)
        )
          continue;
      }

      const use: Use = { token, key, block, start: word.start, end, order };
      const letters = entry ? entry.key : key;
      // "ABBR, long form" in a table footnote or figure legend.
      if (block.definesInline) {
        const before = text.slice(0, word.start);
        const after = /^,\s+([^;.]+)/u.exec(text.slice(end));
        if (after?.[1] && (before.trim() === "" || /[;.]\s*$/.test(before))) {
          const longForm = after[1].trim();
          const longWords = longForm.match(wordPattern) ?? [];
          if (
            findLongFormStart(longWords, letters) !== undefined ||
            (entry && sameLongForm(longForm, entry.expansion))
          ) {
            use.entry = {
              longForm,
              start: end + after[0].indexOf(after[1]),
              matches: entry ? sameLongForm(longForm, entry.expansion) : true,
            };
          }
        }
      }
      // "long form (ABBR)".
      if (!use.entry && text.charAt(word.start - 1) === "(" && text.charAt(end) === ")") {
        const limit = Math.max(longFormWindow(letters), (entry?.words.length ?? 0) + 2);
        const before = wordsBefore(index, limit);
        const listedWords = entry?.words ?? [];
        const tail = before.slice(-listedWords.length);
        if (
          entry &&
          listedWords.length > 0 &&
          tail.length === listedWords.length &&
          tail.every((w, i) => normaliseWord(w.value) === listedWords[i])
        ) {
          const first = tail[0] as Word;
          use.definition = {
            longForm: text.slice(first.start, word.start - 1).trim(),
            start: first.start,
            matches: true,
          };
        } else {
          const start = findLongFormStart(
            before.map((w) => w.value),
            letters,
          );
          const shown =
            start !== undefined
              ? before.slice(start)
              : entry
                ? before.slice(-Math.max(1, listedWords.length))
                : [];
          const first = shown[0];
          if (first)
            use.definition = {
              longForm: text.slice(first.start, word.start - 1).trim(),
              start: first.start,
              matches: !entry,
            };
        }
      }
      if (entry) {
        entry.uses.push(use);
      } else {
        // An unlisted name spelled out right after its single use ("CREST syndrome, for …").
        if (
          !use.definition &&
          !use.entry &&
          isExplainedAfter(wordsAfter(index, 3 + letters.length * 3), letters)
        ) {
          (use as Use & { explained?: boolean }).explained = true;
        }
        unlisted.set(key, [...(unlisted.get(key) ?? []), use]);
      }
    }
  }

  const place = (use: Use): Point | undefined => use.block.locate(use.start, use.end);
  const entryPlace = (entry: Listed): Position | undefined =>
    locateFrontMatter(["abbreviations", entry.abbreviation]);
  const expected = (entry: Listed) => `“${entry.expansion} (${entry.abbreviation})”`;
  const lineOf = (use: Use) => place(use)?.line ?? "?";
  const listedNames = [...new Set([...listed.values()].map((entry) => entry.abbreviation))];

  for (const entry of new Set(listed.values())) {
    const uses = entry.uses.filter((use) => !use.entry);
    if (uses.length === 0) {
      report(
        file,
        "abbreviation-unused",
        `Unused abbreviation \`${entry.abbreviation}\`: it is listed but appears nowhere in the text, tables or legends. Remove it from \`abbreviations:\`, or use it.`,
        entryPlace(entry),
      );
      continue;
    }
    if (minUses > 0 && uses.length < minUses) {
      report(
        file,
        "abbreviation-few-uses",
        `Abbreviation \`${entry.abbreviation}\` is used ${uses.length === 1 ? "once" : `${uses.length} times`}, fewer than the journal's minimum of ${minUses}; consider writing “${entry.expansion}” instead.`,
        entryPlace(entry),
      );
    }
    const runningUses = uses.filter((use) => use.block.scope.kind === "running");
    const definitions = runningUses.filter((use) => use.definition);
    const first = runningUses[0];
    const definition = definitions[0];
    if (first && !definition) {
      report(
        file,
        "abbreviation-first-use-undefined",
        `Unexpected first use of \`${first.token}\` without its long form, expected ${expected(entry)} where the text first uses it.`,
        place(first),
      );
    } else if (first && definition && first !== definition) {
      report(
        file,
        "abbreviation-used-before-definition",
        `Unexpected use of \`${first.token}\` before its definition on line ${lineOf(definition)}, expected ${expected(entry)} here, at its first use.`,
        place(first),
      );
    }
    for (const use of [...uses, ...entry.uses.filter((use) => use.entry)]) {
      const written = use.definition ?? use.entry;
      if (written && !written.matches) {
        report(
          file,
          "abbreviation-expansion-mismatch",
          `Unexpected long form “${written.longForm}” for \`${entry.abbreviation}\`, expected “${entry.expansion}” as in \`abbreviations:\`; make them agree.`,
          use.block.locate(written.start, written.start + written.longForm.length),
        );
      }
    }
    if (definition) {
      for (const again of definitions.slice(1)) {
        report(
          file,
          "abbreviation-long-form-repeated",
          `Unexpected second definition of \`${entry.abbreviation}\`, already defined on line ${lineOf(definition)}; expected \`${again.token}\` alone.`,
          place(again),
        );
      }
      for (const written of entry.longForms) {
        if (written.order <= definition.order) continue;
        const end = written.start + entry.expansion.length;
        report(
          file,
          "abbreviation-long-form-repeated",
          `Unexpected long form “${written.block.text.slice(written.start, end)}” after \`${entry.abbreviation}\` was defined on line ${lineOf(definition)}, expected \`${entry.abbreviation}\`.`,
          written.block.locate(written.start, end),
        );
      }
    }
    if (runningUses.length === 0) {
      const expandedIn = new Set(
        entry.uses
          .filter((use) => use.entry || use.definition)
          .map((use) => use.block.scope.floatId),
      );
      const reported = new Set<string>();
      for (const use of uses) {
        const id = use.block.scope.floatId;
        if (use.block.scope.kind !== "float" || id === undefined || reported.has(id)) continue;
        reported.add(id);
        if (expandedIn.has(id) || file.data.floatAbbreviations?.get(id)?.has(entry.abbreviation))
          continue;
        const where = use.block.scope.floatKind === "figure" ? "legend" : "footnote";
        report(
          file,
          "abbreviation-float-undefined",
          `Unexpected \`${use.token}\` in ${floatName(file, use.block.scope)} without its long form: it is not used in the text, so expected “${entry.abbreviation}, ${entry.expansion}” in the ${use.block.scope.floatKind ?? "table"}'s ${where}.`,
          place(use),
        );
      }
    }
    for (const use of uses) {
      if (use.block.scope.kind !== "heading" && use.block.scope.kind !== "title") continue;
      report(
        file,
        "abbreviation-in-heading",
        `Unexpected abbreviation \`${use.token}\` in ${use.block.scope.kind === "title" ? "the title" : "a heading"}, expected the long form “${entry.expansion}”.`,
        place(use),
      );
    }
  }

  for (const [key, uses] of unlisted) {
    const inText = uses.filter(
      (use) => use.block.scope.kind !== "heading" && use.block.scope.kind !== "title",
    );
    for (const use of uses) {
      if (use.block.scope.kind !== "heading" && use.block.scope.kind !== "title") continue;
      report(
        file,
        "abbreviation-in-heading",
        `Unexpected abbreviation \`${use.token}\` in ${use.block.scope.kind === "title" ? "the title" : "a heading"}, expected a long form; \`${use.token}\` is not in \`abbreviations:\` either.`,
        place(use),
      );
    }
    const defined = inText.find((use) => (use.definition ?? use.entry) !== undefined);
    const written = defined?.definition ?? defined?.entry;
    if (defined && written) {
      report(
        file,
        "abbreviation-unlisted-definition",
        `Unexpected definition of \`${defined.token}\` (“${written.longForm}”) that \`abbreviations:\` does not list; add \`${defined.token}: ${written.longForm}\` to the list.${didYouMean(key, listedNames)}`,
        place(defined),
      );
      continue;
    }
    const first = inText[0];
    if (!first) continue;
    if (inText.length === 1 && (first as Use & { explained?: boolean }).explained) continue;
    report(
      file,
      "abbreviation-unlisted",
      `Unexpected abbreviation \`${first.token}\` (used ${inText.length === 1 ? "once" : `${inText.length} times`}) that \`abbreviations:\` does not list; add it with its long form, or to \`abbreviations-ignore:\` if it needs none.${didYouMean(key, listedNames)}`,
      place(first),
    );
  }

  const entries = Object.keys(list);
  const sorted = sortedAbbreviations(list).map(([abbreviation]) => abbreviation);
  const misplaced = entries.findIndex((abbreviation, index) => sorted[index] !== abbreviation);
  if (misplaced !== -1) {
    const abbreviation = entries[misplaced] ?? "";
    report(
      file,
      "abbreviation-list-unsorted",
      `Unexpected \`${abbreviation}\` at position ${misplaced + 1} of \`abbreviations:\`, expected the list sorted alphabetically ignoring case (${sorted.join(", ")}). The “Abbreviations used” box is sorted anyway.`,
      locateFrontMatter(["abbreviations", abbreviation]),
    );
  }

  if (options.markUses !== false) markUses(listed, source, locator);
}

/** Split text nodes so each use of a listed abbreviation renders as `<abbr title>`. */
function markUses(listed: Map<string, Listed>, source: string, locator: Locator): void {
  const byParent = new Map<Parent, Map<Text, { from: number; to: number; title: string }[]>>();
  for (const entry of new Set(listed.values())) {
    for (const use of entry.uses) {
      const segments = use.block.segments;
      const segment = segments.findLast((candidate) => candidate.start <= use.start);
      if (!segment || segment.node.data?.hName) continue;
      const from = use.start - segment.start;
      const to = use.end - segment.start;
      if (to > segment.node.value.length) continue;
      let nodes = byParent.get(segment.parent);
      if (!nodes) byParent.set(segment.parent, (nodes = new Map()));
      nodes.set(segment.node, [
        ...(nodes.get(segment.node) ?? []),
        { from, to, title: entry.expansion },
      ]);
    }
  }
  for (const [parent, nodes] of byParent) {
    const children: Parent["children"] = [];
    for (const child of parent.children) {
      const cuts = child.type === "text" ? nodes.get(child) : undefined;
      if (!cuts || child.type !== "text") {
        children.push(child);
        continue;
      }
      cuts.sort((a, b) => a.from - b.from);
      const piece = (from: number, to: number, title?: string): Text => {
        const node: Text = { type: "text", value: child.value.slice(from, to) };
        const start = pointInText(child, from, to - from, source, locator);
        const end = pointInText(child, to, 0, source, locator);
        if (start && end) node.position = { start, end };
        if (title !== undefined) node.data = { hName: "abbr", hProperties: { title } };
        return node;
      };
      let last = 0;
      for (const cut of cuts) {
        if (cut.from < last) continue;
        if (cut.from > last) children.push(piece(last, cut.from));
        children.push(piece(cut.from, cut.to, cut.title));
        last = cut.to;
      }
      if (last < child.value.length) children.push(piece(last, child.value.length));
    }
    parent.children = children;
  }
}

/** unified plugin: check abbreviations and mark their uses (see `checkAbbreviations`). */
export function remarkAbbreviations(options: AbbreviationOptions = {}) {
  return (tree: Root, file: VFile) => checkAbbreviations(tree, file, options);
}
