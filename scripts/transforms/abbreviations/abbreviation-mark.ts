/** Mark each use of a listed abbreviation as `<abbr title>`, splitting the text nodes it sits in. */
import type { Parent, Text } from "mdast";
import type {} from "mdast-util-to-hast";
import { type Locator, pointInText } from "./abbreviation-blocks.ts";
import { type Listed, push } from "./abbreviation-uses.ts";

/** Split text nodes so each use of a listed abbreviation renders as `<abbr title>`. */
export function markUses(listed: Map<string, Listed>, locator: Locator): void {
  type Cut = { from: number; to: number; title: string };
  const byParent = new Map<Parent, Map<Text, Cut[]>>();
  for (const entry of new Set(listed.values())) {
    for (const use of entry.uses) {
      const segment = use.block.segmentAt(use.start);
      // Already marked (a second run), or not inside one text node.
      if (!segment || segment.node.data?.hName) continue;
      const from = use.start - segment.start;
      const to = use.end - segment.start;
      if (from < 0 || to > segment.node.value.length) continue;
      let nodes = byParent.get(segment.parent);
      if (!nodes) {
        nodes = new Map();
        byParent.set(segment.parent, nodes);
      }
      push(nodes, segment.node, { from, to, title: entry.expansion });
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
      const piece = (from: number, to: number, title?: string): Text => {
        const node: Text = { type: "text", value: child.value.slice(from, to) };
        const start = pointInText(child, from, to - from, locator);
        const end = pointInText(child, to, 0, locator);
        if (start && end) node.position = { start, end };
        if (title !== undefined) node.data = { hName: "abbr", hProperties: { title } };
        return node;
      };
      let last = 0;
      for (const cut of cuts.sort((a, b) => a.from - b.from)) {
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
