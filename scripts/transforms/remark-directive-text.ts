/**
 * remark-directive reads any `:word` as a text directive, so "ratio 3:4" or "Note:the" would
 * vanish. This transform turns every text and leaf directive back into its source text, keeps
 * only the `figure` and `table` containers, and reports unknown or unclosed containers.
 */
import type { Nodes, Parent, PhrasingContent, Root, RootContent } from "mdast";
import type { ContainerDirective } from "mdast-util-directive";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";

/** Containers whose broken fences are already explained by the container they ran into. */
const explained = new WeakSet<object>();

/** The container directives Casepress understands. */
export const knownContainers = new Set(["figure", "table"]);

function sourceOf(node: Nodes, source: string): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? "" : source.slice(start, end);
}

/** Merge runs of adjacent text nodes, so later transforms see "[@a; @b]" whole. */
function mergeTexts(parent: Parent): void {
  const merged: RootContent[] = [];
  for (const child of parent.children) {
    const previous = merged.at(-1);
    if (child.type === "text" && previous?.type === "text") {
      previous.value += child.value;
      if (previous.position && child.position) previous.position.end = child.position.end;
    } else {
      merged.push(child);
    }
  }
  parent.children = merged;
}

function isClosed(node: ContainerDirective, source: string): boolean {
  const text = sourceOf(node, source).trimEnd();
  const lastLine = text.slice(text.lastIndexOf("\n") + 1).trim();
  return text.includes("\n") && /^:{3,}$/.test(lastLine);
}

function visit(parent: Parent, file: VFile, source: string): void {
  const children: RootContent[] = [];
  for (const child of parent.children) {
    if (child.type === "textDirective" || child.type === "leafDirective") {
      const text: PhrasingContent = { type: "text", value: sourceOf(child, source) };
      if (child.position) text.position = child.position;
      children.push(
        child.type === "leafDirective"
          ? {
              type: "paragraph",
              children: [text],
              ...(child.position ? { position: child.position } : {}),
            }
          : text,
      );
      continue;
    }
    if (child.type === "containerDirective") {
      const nested = knownContainers.has(child.name)
        ? child.children.find(
            (inner) => inner.type === "containerDirective" && knownContainers.has(inner.name),
          )
        : undefined;
      if (nested?.type === "containerDirective") {
        explained.add(nested);
        // Figures and tables never nest: the next container's fences closed this one's.
        report(
          file,
          "directive-unclosed",
          `Unclosed \`:::${child.name}\` container: it runs into the \`:::${nested.name}\` on line ${nested.position?.start.line ?? "?"}; add a line with \`:::\` where the ${child.name} ends.`,
          child.position?.start,
        );
      } else if (!explained.has(child) && !isClosed(child, source)) {
        report(
          file,
          "directive-unclosed",
          `Unclosed \`:::${child.name}\` container: add a line with \`:::\` where it ends.`,
          child.position?.start,
        );
      }
      if (!knownContainers.has(child.name)) {
        report(
          file,
          "directive-unknown",
          `Unknown container \`:::${child.name}\`, expected \`:::figure\` or \`:::table\`; its content is kept as plain text.`,
          child.position?.start,
        );
        visit(child, file, source);
        children.push(...child.children);
        continue;
      }
    }
    if ("children" in child) visit(child, file, source);
    children.push(child);
  }
  parent.children = children;
  mergeTexts(parent);
}

/** unified plugin: restore text directives as text and check containers. */
export function remarkDirectiveText() {
  return (tree: Root, file: VFile) => visit(tree, file, String(file.value));
}
