/**
 * Draft rendering (`build --draft`, and always in `casepress preview`): the output is written
 * despite errors, with each problem marked where it sits. The transforms that find a problem
 * make its marker in the mdast, through `data.hName`/`hProperties`, and only when
 * `file.data.draft` is set, so a build without `--draft` renders exactly as before:
 *
 * - an unknown citation key becomes `[?key]` (remark-citations.ts);
 * - an unknown cross-reference becomes `[?fig-id]` (remark-cross-references.ts);
 * - a missing or unreadable figure file becomes a placeholder box with its name
 *   (remark-figures.ts).
 *
 * `addDraftMark` puts the DRAFT mark, with the error count, at the top of the page; the
 * journals' stylesheets fix it on the screen and repeat it on every printed page.
 */
import type { Element } from "hast";
import type { Paragraph, Root } from "mdast";
import type {} from "mdast-util-to-hast";
import type { VFile } from "vfile";

/** The class every draft marker carries, styled by both journals' stylesheets. */
export const draftMarkClass = "draft-mark";

/** Whether `file` is built as a draft, so the transforms mark problems in place. */
export function isDraft(file: VFile): boolean {
  return file.data.draft === true;
}

/** An inline marker such as `[?reiter201]`, as a hast element for `data.hChildren`. */
export function draftMarker(text: string, kind: string): Element {
  return {
    type: "element",
    tagName: "span",
    properties: { className: [draftMarkClass, `draft-${kind}`] },
    children: [{ type: "text", value: text }],
  };
}

/** The DRAFT mark's text: `DRAFT · 2 errors`. */
export function draftMarkText(errors: number): string {
  return `DRAFT · ${errors} ${errors === 1 ? "error" : "errors"}`;
}

/** Put the DRAFT mark with the error count at the top of the page body. */
export function addDraftMark(tree: Root, errors: number): void {
  const mark: Paragraph = {
    type: "paragraph",
    data: { hName: "div", hProperties: { className: ["draft-watermark"], role: "note" } },
    children: [{ type: "text", value: draftMarkText(errors) }],
  };
  tree.children.unshift(mark);
}
