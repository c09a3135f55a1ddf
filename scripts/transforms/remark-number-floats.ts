/**
 * Number figures and tables by their first callout in the running text (AMA/ICMJE), whatever
 * their order in the source, and write their captions' labels ("Fig 1.", "Table I."). Floats
 * called out only from another float's legend or footnotes follow, in the order those floats
 * are numbered; floats never called out come last, in source order, and are reported.
 *
 * This module also holds the float model the figure and table transforms share: a float is a
 * `:::figure` or `:::table` container directive that stays in the tree (remark-citations
 * relies on it) and renders through `data.hName`; its parts (`<figcaption>`, `<thead>`,
 * footnotes) are `floatPart` nodes; and the abbreviation definitions of legends and footnotes.
 */

import type { Data, Nodes, Parent, PhrasingContent, Root, RootContent, Strong } from "mdast";
import type { ContainerDirective } from "mdast-util-directive";
import type {} from "mdast-util-to-hast";
import { EXIT, visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import { abbreviationDefinitions } from "./abbreviations/abbreviation-definitions.ts";
import { formatNumber, type NumberStyle } from "./numbering.ts";
import type { NumberedFloat } from "./vfile-data.ts";

/** A part of a rendered float (`<figcaption>`, `<thead>`, table footnotes): a parent that renders as `data.hName`. */
export interface FloatPart extends Parent {
  type: "floatPart";
  children: RootContent[];
  data?: Data;
}

declare module "mdast" {
  interface BlockContentMap {
    floatPart: FloatPart;
  }
  interface RootContentMap {
    floatPart: FloatPart;
  }
}

/** The two kinds of float. */
export type FloatKind = NumberedFloat["kind"];

/** A `:::figure` or `:::table` container. */
export type FloatNode = ContainerDirective & { name: FloatKind };

/** The id prefix each kind of float must use, so `@fig-x` / `@tbl-x` can call it out. */
export const floatIdPrefix: Record<FloatKind, string> = { figure: "fig-", table: "tbl-" };

/** The class of the bold label opening each kind of caption. */
const labelClass: Record<FloatKind, string> = { figure: "figure-label", table: "table-label" };

/** Whether `node` is a figure or table container. */
export function isFloatNode(node: Nodes): node is FloatNode {
  return node.type === "containerDirective" && (node.name === "figure" || node.name === "table");
}

/** The float's id when it has one with the right prefix (`fig-…`, `tbl-…`). */
export function floatId(node: FloatNode): string | undefined {
  const id = node.attributes?.id;
  const prefix = floatIdPrefix[node.name];
  return id?.startsWith(prefix) && id.length > prefix.length ? id : undefined;
}

/** An empty caption label (`<b class="figure-label">`); `remarkNumberFloats` writes its text. */
export function createLabel(kind: FloatKind): Strong {
  return {
    type: "strong",
    children: [{ type: "text", value: "" }],
    data: { hName: "b", hProperties: { className: [labelClass[kind]] } },
  };
}

/** Put a label at the start of a caption's phrasing content, before the caption text. */
export function withLabel(kind: FloatKind, children: PhrasingContent[]): PhrasingContent[] {
  const label = createLabel(kind);
  const first = children[0];
  if (first?.type === "text") first.value = first.value.replace(/^\s+/, "");
  const rest = children.filter((child) => child.type !== "text" || child.value !== "");
  return rest.length === 0 ? [label] : [label, { type: "text", value: " " }, ...rest];
}

function isLabel(node: Nodes, kind: FloatKind): node is Strong {
  const className = node.type === "strong" ? node.data?.hProperties?.className : undefined;
  return Array.isArray(className) && className.includes(labelClass[kind]);
}

function findLabel(float: FloatNode): Strong | undefined {
  let found: Strong | undefined;
  visit(float, (node) => {
    if (node !== float && isFloatNode(node)) return "skip";
    if (isLabel(node, float.name)) {
      found = node;
      return EXIT;
    }
    return undefined;
  });
  return found;
}

/** The panel letters a figure's legend defines, as the figure transform recorded them. */
export function panelsOf(float: FloatNode): string[] {
  const panels = float.data?.hProperties?.dataPanels;
  return typeof panels === "string" && panels !== "" ? panels.split(" ") : [];
}

// Abbreviation definitions in legends and footnotes ----------------------------------------

/** Record the abbreviations a float's legend or footnotes define, for the abbreviation checker. */
export function recordFloatAbbreviations(file: VFile, id: string | undefined, text: string): void {
  if (!id) return;
  const definitions = abbreviationDefinitions(text);
  file.data.floatAbbreviations ??= new Map();
  file.data.floatAbbreviations.set(id, definitions);
}

// Numbering ------------------------------------------------------------------------------

interface FloatEntry {
  node: FloatNode;
  kind: FloatKind;
  /** A valid, unique id; undefined when missing, malformed or a duplicate. */
  id: string | undefined;
  number: number;
  calledOut: boolean;
}

/** Options for `remarkNumberFloats`: the journal profile's words and number styles for floats. */
export interface Options {
  /** Caption label words, as in the journal profile's `labels` (default "Fig" and "Table"). */
  labels?: { figure: string; table: string };
  /** Number styles, as in the journal profile's `numbering` (default arabic for both). */
  numbering?: Record<FloatKind, NumberStyle>;
}

/** Number the floats of `tree`, write their caption labels and `file.data.floats`. */
export function numberFloats(tree: Root, file: VFile, options: Options = {}): void {
  const labels = {
    figure: options.labels?.figure ?? "Fig",
    table: options.labels?.table ?? "Table",
  };
  const styles: Record<FloatKind, NumberStyle> = {
    figure: options.numbering?.figure ?? "arabic",
    table: options.numbering?.table ?? "arabic",
  };

  const entries: FloatEntry[] = [];
  const byId = new Map<string, FloatEntry>();
  visit(tree, (node) => {
    if (!isFloatNode(node)) return;
    let id = floatId(node);
    if (id !== undefined && byId.has(id)) {
      const first = byId.get(id)?.node.position?.start;
      report(
        file,
        "figure-id-duplicate",
        `Duplicate id \`${id}\`${first ? ` (first used on line ${first.line})` : ""}, expected each figure and table to have its own id; rename one.`,
        node.position?.start,
      );
      id = undefined;
    }
    const entry: FloatEntry = { node, kind: node.name, id, number: 0, calledOut: false };
    entries.push(entry);
    if (id !== undefined) byId.set(id, entry);
  });

  const counts: Record<FloatKind, number> = { figure: 0, table: 0 };
  const queue: FloatEntry[] = [];
  const callOut = (id: string, from: FloatEntry | undefined): void => {
    const entry = byId.get(id);
    if (!entry || entry.calledOut || entry === from) return;
    entry.calledOut = true;
    counts[entry.kind]++;
    entry.number = counts[entry.kind];
    queue.push(entry);
  };
  const walk = (parent: Parent, from: FloatEntry | undefined): void => {
    for (const child of parent.children) {
      if (isFloatNode(child)) continue;
      if (child.type === "crossReference") callOut(child.id, from);
      else if ("children" in child) walk(child, from);
    }
  };
  walk(tree, undefined);
  // Callouts in legends and footnotes count after the running text, float by float.
  for (let i = 0; i < queue.length; i++) {
    const entry = queue[i];
    if (entry) walk(entry.node, entry);
  }
  for (const entry of entries) {
    if (entry.number !== 0) continue;
    counts[entry.kind]++;
    entry.number = counts[entry.kind];
    if (entry.id === undefined) continue;
    const rule = entry.kind === "figure" ? "figure-not-called-out" : "table-not-called-out";
    const what = entry.kind === "figure" ? "figure" : "table";
    report(
      file,
      rule,
      `Unexpected ${what} \`${entry.id}\` that the text never calls out, expected a callout such as \`(@${entry.id})\` where the text first discusses it.`,
      entry.node.position?.start,
    );
  }

  // Figures should sit in the source in the order they are called out.
  let previous: FloatEntry | undefined;
  for (const entry of entries) {
    if (entry.kind !== "figure" || !entry.calledOut || entry.id === undefined) continue;
    if (previous && entry.number < previous.number) {
      report(
        file,
        "figure-callout-order",
        `Unexpected figure \`${entry.id}\` (${labels.figure} ${formatNumber(entry.number, styles.figure)}) after \`${previous.id}\` (${labels.figure} ${formatNumber(previous.number, styles.figure)}) in the source, expected figures in the order the text first calls them out; move it before \`${previous.id}\`.`,
        entry.node.position?.start,
      );
    }
    if (!previous || entry.number > previous.number) previous = entry;
  }

  const floats = new Map<string, NumberedFloat>();
  for (const entry of entries) {
    const label = `${labels[entry.kind]} ${formatNumber(entry.number, styles[entry.kind])}`;
    const labelNode = findLabel(entry.node);
    if (labelNode) labelNode.children = [{ type: "text", value: `${label}.` }];
    if (entry.id === undefined) continue;
    floats.set(entry.id, {
      id: entry.id,
      kind: entry.kind,
      label,
      number: entry.number,
      calledOut: entry.calledOut,
      panels: panelsOf(entry.node),
    });
  }
  file.data.floats = floats;
}

/** unified plugin: number figures and tables by first callout (see module doc). */
export function remarkNumberFloats(options: Options = {}) {
  return (tree: Root, file: VFile) => numberFloats(tree, file, options);
}
