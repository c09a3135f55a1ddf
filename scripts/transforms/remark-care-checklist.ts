/**
 * The CARE checklist (CAse REport guidelines): for each of its 13 items, find where the
 * manuscript covers it (a front matter key, a heading, or a content cue) and record the
 * section and line in `file.data.careChecklist`. The items and their cues are data
 * (`care/care-items.json`). With `report`, each missing item is a `care-item-missing` message
 * (info by default; a journal profile may raise it in `severities`).
 */
import type { Heading, Nodes, Root } from "mdast";
import { toString as nodeText } from "mdast-util-to-string";
import type { Point } from "unist";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import careData from "./care/care-items.json" with { type: "json" };

/** One checklist item and how to recognise it. */
export interface ChecklistItemDefinition {
  /** The item's number in the published checklist (1–13). */
  number: number;
  /** A stable kebab-case id: `patient-perspective`. */
  id: string;
  /** The item's name: “Patient perspective”. */
  topic: string;
  /** What the item asks for, in a sentence. */
  description: string;
  /** Front matter keys that cover the item when present. */
  frontMatter?: string[];
  /** Headings (a regular expression matched whole, case-insensitive) that cover the item. */
  headings?: string;
  /** Text (case-insensitive regular expression) that covers the item in a paragraph. */
  cues?: string;
}

/** A checklist as data. */
export interface ChecklistDefinition {
  /** The checklist's name, for messages: “CARE”. */
  name: string;
  /** Sections (whole heading, case-insensitive) where cues do not count. */
  cueSkipSections: string;
  items: ChecklistItemDefinition[];
}

/** Where the manuscript covers an item, or that it does not. */
export interface ChecklistEntry {
  number: number;
  id: string;
  topic: string;
  description: string;
  /** Whether the manuscript covers the item. */
  covered: boolean;
  /** How it was found: a front matter key, a heading, or text in a section. */
  via?: "front matter" | "heading" | "text";
  /** The section (heading text) it is in, or “front matter”. */
  section?: string;
  line?: number;
  column?: number;
}

/** The filled checklist of one manuscript. */
export interface ChecklistResult {
  name: string;
  entries: ChecklistEntry[];
}

declare module "vfile" {
  interface DataMap {
    /** Written by `remarkCareChecklist`: the filled CARE checklist. */
    careChecklist: ChecklistResult;
  }
}

/** Options of `remarkCareChecklist`. */
export interface CareChecklistOptions {
  /** The checklist items and cues (default: the bundled CARE items). */
  checklist?: ChecklistDefinition;
  /** Report each missing item as `care-item-missing` (default: false, data only). */
  report?: boolean;
}

/** The bundled CARE checklist. */
export const careChecklist: ChecklistDefinition = careData;

interface Block {
  node: Nodes;
  section: string;
  cuesCount: boolean;
}

function headingText(heading: Heading): string {
  return nodeText(heading).trim().replace(/\s+/g, " ");
}

/** Blocks whose text counts as coverage: running text, legends and table rows. */
const textTypes = new Set(["paragraph", "tableRow"]);

function collect(tree: Root, skip: RegExp): { headings: Block[]; blocks: Block[] } {
  const headings: Block[] = [];
  const blocks: Block[] = [];
  let section = "(before the first heading)";
  let cuesCount = true;
  visit(tree, (node) => {
    if (node.type === "heading") {
      section = headingText(node);
      cuesCount = !skip.test(section);
      headings.push({ node, section, cuesCount });
      return "skip";
    }
    if (!textTypes.has(node.type)) return undefined;
    blocks.push({ node, section, cuesCount });
    return "skip";
  });
  return { headings, blocks };
}

/** The point `index` characters into `text`, which starts at `start`. */
function pointIn(text: string, start: Point, index: number): Point {
  let { line, column } = start;
  for (let at = 0; at < index; at++) {
    if (text.charCodeAt(at) === 10) {
      line++;
      column = 1;
    } else column++;
  }
  return { line, column };
}

function findEntry(
  item: ChecklistItemDefinition,
  file: VFile,
  source: string,
  found: { headings: Block[]; blocks: Block[]; frontMatterLine: number },
): Omit<ChecklistEntry, "number" | "id" | "topic" | "description"> {
  for (const key of item.frontMatter ?? []) {
    const place = file.data.locateFrontMatter?.([key]);
    // The locator falls back to the whole front matter (its `---` line) for a missing key.
    if (place && place.start.line > found.frontMatterLine)
      return {
        covered: true,
        via: "front matter",
        section: "front matter",
        line: place.start.line,
        column: place.start.column,
      };
  }
  if (item.headings) {
    const pattern = new RegExp(`^(?:${item.headings})$`, "iu");
    const heading = found.headings.find((block) => pattern.test(block.section));
    const start = heading?.node.position?.start;
    if (heading && start)
      return {
        covered: true,
        via: "heading",
        section: heading.section,
        line: start.line,
        column: start.column,
      };
  }
  if (item.cues) {
    const pattern = new RegExp(item.cues, "iu");
    for (const block of found.blocks) {
      const start = block.node.position?.start;
      const end = block.node.position?.end;
      if (!block.cuesCount || start?.offset === undefined || end?.offset === undefined) continue;
      const text = source.slice(start.offset, end.offset);
      const match = pattern.exec(text);
      if (!match) continue;
      const point = pointIn(text, start, match.index);
      return {
        covered: true,
        via: "text",
        section: block.section,
        line: point.line,
        column: point.column,
      };
    }
  }
  return { covered: false };
}

function advice(item: ChecklistItemDefinition): string {
  const ways: string[] = [];
  if (item.frontMatter?.length) ways.push(`the front matter key \`${item.frontMatter[0]}:\``);
  if (item.headings) ways.push(`a \`# ${item.topic}\` section`);
  if (item.cues && !item.headings?.includes(item.topic.toLowerCase()))
    ways.push("a paragraph about it");
  return ways.join(" or ");
}

/**
 * Fill the checklist for the manuscript into `file.data.careChecklist`; with `report`, report
 * each item the manuscript does not cover.
 */
export function remarkCareChecklist(options: CareChecklistOptions = {}) {
  const checklist = options.checklist ?? careChecklist;
  const skip = new RegExp(checklist.cueSkipSections, "iu");
  return (tree: Root, file: VFile): void => {
    const source = String(file.value);
    const yaml = tree.children[0]?.type === "yaml" ? tree.children[0] : undefined;
    const found = { ...collect(tree, skip), frontMatterLine: yaml?.position?.start.line ?? 0 };
    const entries = checklist.items.map(
      (item): ChecklistEntry => ({
        number: item.number,
        id: item.id,
        topic: item.topic,
        description: item.description,
        ...findEntry(item, file, source, found),
      }),
    );
    file.data.careChecklist = { name: checklist.name, entries };
    if (!options.report) return;
    const firstHeading = found.headings[0]?.node.position?.start;
    for (const [index, entry] of entries.entries()) {
      if (entry.covered) continue;
      const item = checklist.items[index];
      if (!item) continue;
      const inFrontMatter = (item.frontMatter?.length ?? 0) > 0 && !item.headings;
      report(
        file,
        "care-item-missing",
        `Missing ${checklist.name} item ${item.number}, “${item.topic}”: expected ${item.description.charAt(0).toLowerCase()}${item.description.slice(1, -1)}; add ${advice(item)}.`,
        inFrontMatter || !firstHeading ? { line: 1, column: 1 } : firstHeading,
      );
    }
  };
}
