/**
 * Resolve `@fig-id` / `@tbl-id` (bare or bracketed) into links labelled the journal's way:
 * `<a class="cross-reference" href="#fig-ulcer">Fig 1</a>`. Runs after `remarkNumberFloats`,
 * so forward references work. An unknown id is an error with a suggestion. A panel callout,
 * `(@fig-ulcer, **B**)`, must name a panel the figure's legend defines; its bold letter stays as
 * written and renders as `<b>`.
 */

import type { Parent, Root } from "mdast";
import type {} from "mdast-util-to-hast";
import { toString as textOf } from "mdast-util-to-string";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import type { CrossReference } from "./mdast-nodes.ts";
import { draftMarker, isDraft } from "./remark-draft-marks.ts";
import { isPanelLetter } from "./remark-figures.ts";
import type { NumberedFloat } from "./vfile-data.ts";

/** Text that may sit between a callout and its panel letters: ", ", " and ", "-", "–". */
const panelSeparator = /^[\s,;&\-–—]*(?:and[\s,;&\-–—]*)?$/u;

/** Check and mark the panel letters that follow the figure callout at `index` of `parent`. */
function checkPanels(parent: Parent, index: number, target: NumberedFloat, file: VFile): void {
  for (let i = index + 1; i < parent.children.length; i++) {
    const sibling = parent.children[i];
    if (!sibling) break;
    if (sibling.type === "text") {
      if (panelSeparator.test(sibling.value)) continue;
      break;
    }
    if (!isPanelLetter(sibling)) break;
    const letter = textOf(sibling).trim();
    sibling.data = { ...sibling.data, hName: "b" };
    if (target.panels.includes(letter)) continue;
    const expected =
      target.panels.length > 0
        ? `one its legend defines (${target.panels.join(", ")})`
        : "none: its legend defines no panels; mark them in the legend with bold letters such as `**A**,`";
    report(
      file,
      "figure-panel-unknown",
      `Unexpected panel **${letter}** of \`${target.id}\` (${target.label}), expected ${expected}.`,
      sibling.position?.start,
    );
  }
}

function resolve(
  node: CrossReference,
  parent: Parent,
  index: number,
  floats: Map<string, NumberedFloat>,
  file: VFile,
): void {
  const target = floats.get(node.id);
  if (!target) {
    const kind = node.id.startsWith("fig-") ? "figure" : "table";
    report(
      file,
      "cross-reference-unknown",
      `Unknown cross-reference \`@${node.id}\`: no ${kind} has that id.${didYouMean(node.id, floats.keys())}`,
      node.position?.start,
    );
    node.data = {
      hName: "span",
      hProperties: { className: ["cross-reference-unknown"] },
      hChildren: [
        isDraft(file)
          ? draftMarker(`[?${node.id}]`, "cross-reference-unknown")
          : { type: "text", value: `@${node.id}` },
      ],
    };
    return;
  }
  node.data = {
    hName: "a",
    hProperties: { className: ["cross-reference"], href: `#${target.id}` },
    hChildren: [{ type: "text", value: target.label }],
  };
  if (target.kind === "figure") checkPanels(parent, index, target, file);
}

/** Resolve every cross-reference of `tree` against `file.data.floats`. */
export function resolveCrossReferences(tree: Root, file: VFile): void {
  const floats = file.data.floats ?? new Map<string, NumberedFloat>();
  visit(tree, "crossReference", (node, index, parent) => {
    if (parent && index !== undefined) resolve(node, parent, index, floats, file);
  });
}

/** unified plugin: resolve cross-references (see module doc). */
export function remarkCrossReferences() {
  return (tree: Root, file: VFile) => resolveCrossReferences(tree, file);
}
