/**
 * Figures as the journal sets them. A `:::figure{#fig-id}` container holds one or more images
 * (a composite, or panels laid out in a grid) and then its legend. It renders as
 *
 *   <figure id="fig-id" class="figure" data-panels="A B">
 *     <div class="figure-images"><img src alt width height></div>
 *     <figcaption><b class="figure-label">Fig 1.</b> Legend. <b class="panel-label">A</b>, …</figcaption>
 *   </figure>
 *
 * Bold single letters in the legend (`**A**`, `(**B**)`) define the figure's panels. The label
 * text is written later by `remarkNumberFloats`. Every image, in a figure or not, is checked
 * against what its loader found: missing, outside the root, remote, unreadable, a format the
 * journal does not take, low resolution at print width, and missing alt text.
 */

import type { Image, Nodes, Paragraph, PhrasingContent, Root, RootContent } from "mdast";
import type {} from "mdast-util-to-hast";
import { toString as textOf } from "mdast-util-to-string";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import type { ImageResource } from "../loaders/resources.ts";
import type { JournalProfile } from "../schemas/journal-profile.ts";
import { draftMarkClass, isDraft } from "./remark-draft-marks.ts";
import {
  createLabel,
  type FloatNode,
  type FloatPart,
  floatId,
  isFloatNode,
  recordFloatAbbreviations,
  withLabel,
} from "./remark-number-floats.ts";
import { reportResourceFailure } from "./resource-messages.ts";

/** Formats without a pixel resolution to check. */
const vectorFormats = new Set(["svg", "pdf", "eps"]);

/** Canonical format names, so a profile may say `jpg` or `tif`. */
function canonicalFormat(format: string): string {
  const lower = format.toLowerCase();
  return lower === "jpg" ? "jpeg" : lower === "tif" ? "tiff" : lower;
}

/** How many images share a row of the figure's grid: 1, 2 for up to 4 images, 3 for up to 9. */
export function gridColumns(images: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(images)));
}

/** Whether `node` is a bold single letter, the way legends mark panels (`**A**`). */
export function isPanelLetter(node: Nodes): boolean {
  return node.type === "strong" && /^[A-Za-z]$/.test(textOf(node).trim());
}

function isBlank(node: PhrasingContent): boolean {
  return node.type === "break" || (node.type === "text" && node.value.trim() === "");
}

type FigureSettings = JournalProfile["figures"];

function checkImage(image: Image, file: VFile, settings: FigureSettings, columns: number): void {
  const place = image.position?.start;
  if (image.alt === null || image.alt === undefined || image.alt.trim() === "") {
    report(
      file,
      "figure-alt-missing",
      `Missing alt text for image \`${image.url}\`, expected a description for readers who cannot see it: \`![What the image shows](${image.url})\`.`,
      place,
    );
  }
  const resource: ImageResource | undefined = file.data.resources?.images.get(image.url);
  if (!resource) return;
  if (resource.status !== "ok") {
    reportResourceFailure(
      file,
      resource,
      {
        noun: "image",
        missing: "figure-file-missing",
        unreadable: "figure-file-unreadable",
        unsupported: "figure-format-unsupported",
        advice: `Save it again as ${settings.formats.join(", ")}.`,
      },
      image.url,
      place,
    );
    if (isDraft(file)) {
      // A placeholder box with the file's name takes the image's place.
      image.data = {
        hName: "span",
        hProperties: {
          className: [draftMarkClass, "draft-figure-missing"],
          src: undefined,
          alt: undefined,
        },
        hChildren: [{ type: "text", value: `[? ${image.url}]` }],
      };
    }
    return;
  }
  image.data = {
    ...image.data,
    hProperties: { ...image.data?.hProperties, width: resource.width, height: resource.height },
  };
  const accepted = settings.formats.map(canonicalFormat);
  const format = canonicalFormat(resource.format);
  if (!accepted.includes(format)) {
    report(
      file,
      "figure-format-unsupported",
      `Unexpected ${format.toUpperCase()} image \`${image.url}\`, expected one of ${accepted.join(", ")} (the journal's formats); convert it.`,
      place,
    );
    return;
  }
  if (vectorFormats.has(format)) return;
  const printWidth = settings["column-width-inches"] / columns;
  const dpi = resource.width / printWidth;
  const minimum = settings["min-dpi"];
  if (dpi + 0.5 < minimum) {
    const declared = resource.density
      ? `; the file declares ${Math.round(resource.density)} dpi`
      : "";
    report(
      file,
      "figure-resolution-low",
      `Low resolution: \`${image.url}\` is ${resource.width} px wide, ${Math.round(dpi)} dpi at its print width of ${+printWidth.toFixed(2)} in${declared}; expected at least ${minimum} dpi, so at least ${Math.ceil(minimum * printWidth)} px wide. Supply the original image.`,
      place,
    );
  }
}

/** Split a figure's children into its leading images and the legend blocks after them. */
function splitFigure(node: FloatNode): { images: Image[]; legend: RootContent[] } {
  const images: Image[] = [];
  const legend: RootContent[] = [];
  for (const child of node.children) {
    if (legend.length > 0 || child.type !== "paragraph") {
      legend.push(child);
      continue;
    }
    // Leading images of the paragraph belong to the figure; any text after them starts the legend.
    let index = 0;
    while (index < child.children.length) {
      const part = child.children[index];
      if (!part || (part.type !== "image" && !isBlank(part))) break;
      if (part.type === "image") images.push(part);
      index++;
    }
    if (index < child.children.length) {
      legend.push({ ...child, children: child.children.slice(index) });
    }
  }
  return { images, legend };
}

/** Mark the legend's bold panel letters and return them, in order of first appearance. */
function markPanels(legend: RootContent[]): string[] {
  const panels: string[] = [];
  for (const block of legend) {
    visit(block, (node) => {
      if (isFloatNode(node)) return "skip";
      if (!isPanelLetter(node)) return undefined;
      const letter = textOf(node).trim();
      if (!panels.includes(letter)) panels.push(letter);
      node.data = { ...node.data, hName: "b", hProperties: { className: ["panel-label"] } };
      return "skip";
    });
  }
  return panels;
}

function buildCaption(legend: RootContent[]): Paragraph | FloatPart {
  const first = legend[0];
  if (legend.length <= 1 && (first === undefined || first.type === "paragraph")) {
    const caption: Paragraph = {
      type: "paragraph",
      children: withLabel("figure", first?.children ?? []),
      data: { hName: "figcaption" },
    };
    if (first?.position) caption.position = first.position;
    return caption;
  }
  const children = [...legend];
  if (first?.type === "paragraph")
    children[0] = { ...first, children: withLabel("figure", first.children) };
  else children.unshift({ type: "paragraph", children: [createLabel("figure")] });
  return { type: "floatPart", children, data: { hName: "figcaption" } };
}

function transformFigure(node: FloatNode, file: VFile, settings: FigureSettings): void {
  const id = floatId(node);
  const written = node.attributes?.id;
  if (!id) {
    const reason = written
      ? `Unexpected figure id \`${written}\`, expected one starting with \`fig-\` (\`#fig-${written.replace(/^(fig|tbl)-?/, "") || "name"}\`) so the text can call it out.`
      : "Missing figure id, expected `:::figure{#fig-name}` so the text can call it out as `@fig-name`.";
    report(file, "figure-id-missing", reason, node.position?.start);
  }
  const { images, legend } = splitFigure(node);
  if (images.length === 0) {
    report(
      file,
      "figure-image-missing",
      "Missing image in the figure, expected `![Alt text](path/to/image.png)` on the line after `:::figure`, then the legend.",
      node.position?.start,
    );
  }
  const columns = gridColumns(images.length);
  for (const image of images) checkImage(image, file, settings, columns);

  const panels = markPanels(legend);
  const caption = buildCaption(legend);
  recordFloatAbbreviations(file, id, legend.map((block) => textOf(block)).join("\n"));

  const classes = ["figure-images", ...(images.length > 1 ? ["figure-images-grid"] : [])];
  const imageRow: Paragraph = {
    type: "paragraph",
    children: images,
    data: { hName: "div", hProperties: { className: classes } },
  };
  const wide = (node.attributes?.class ?? "").split(/\s+/).includes("wide");
  node.children = images.length > 0 ? [imageRow, caption] : [caption];
  node.data = {
    ...node.data,
    hName: "figure",
    hProperties: {
      ...(written ? { id: written } : {}),
      className: ["figure", ...(wide ? ["figure-wide"] : [])],
      ...(panels.length > 0 ? { dataPanels: panels.join(" ") } : {}),
    },
  };
}

/**
 * Options for `remarkFigures`: the journal's figure rules, as in its profile's `figures`, so a
 * profile's settings pass straight through (`.use(remarkFigures, profile.figures)`).
 */
export interface Options {
  /** The image formats the journal takes (default `png`, `jpeg`, `tiff`). */
  formats?: string[];
  /** The least resolution, in dots per inch at print width, a raster image may have (default 300). */
  "min-dpi"?: number;
  /** The width of one text column in inches, a figure's print width (default 3.5). */
  "column-width-inches"?: number;
}

/** Lay out and check every figure of `tree`, and check images outside figures too. */
export function transformFigures(tree: Root, file: VFile, options: Options = {}): void {
  const settings: FigureSettings = {
    formats: options.formats ?? ["png", "jpeg", "tiff"],
    "min-dpi": options["min-dpi"] ?? 300,
    "column-width-inches": options["column-width-inches"] ?? 3.5,
  };
  visit(tree, (node) => {
    if (isFloatNode(node) && node.name === "figure") {
      // A figure already laid out (the transform ran before) is left as it is.
      if (node.data?.hName !== "figure") transformFigure(node, file, settings);
      return "skip";
    }
    if (node.type === "image") checkImage(node, file, settings, 1);
    return undefined;
  });
}

/** unified plugin: figures (see module doc), checked against `options` (the journal's rules). */
export function remarkFigures(options: Options = {}) {
  return (tree: Root, file: VFile) => transformFigures(tree, file, options);
}
