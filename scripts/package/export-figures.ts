/**
 * Figure files for the submission package: each figure image on its own, in the journal's
 * format (TIFF or JPEG), with its resolution written at the journal's print width. sharp is
 * loaded here and nowhere else. An image too small for the minimum dpi is reported and never
 * upscaled; every exported file is read back and checked.
 */
import type { Image, Parent, Root, RootContent } from "mdast";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import type { JournalProfile } from "../schemas/journal-profile.ts";
import { gridColumns } from "../transforms/remark-figures.ts";

/** One exported figure file. */
export interface ExportedFigure {
  /** The file name inside `figures/`, such as `Figure 1.tif`. */
  name: string;
  /** The file's bytes, as written. */
  data: Uint8Array;
  /** The float id it belongs to, such as `fig-ulcer`. */
  figure: string;
  /** The image's size in pixels (the original's: never resampled). */
  width: number;
  height: number;
  /** The resolution written into the file, in dots per inch, at the print width. */
  dpi: number;
}

const extensions = { tiff: "tif", jpeg: "jpg" } as const;

function imagesOf(node: Parent): Image[] {
  const images: Image[] = [];
  const walk = (list: readonly RootContent[]): void => {
    for (const child of list) {
      if (child.type === "image") images.push(child);
      else if ("children" in child && child.data?.hName !== "figcaption")
        walk(child.children as RootContent[]);
    }
  };
  walk(node.children);
  return images;
}

function figureNodes(tree: Root): Parent[] {
  const found: Parent[] = [];
  const walk = (list: readonly RootContent[]): void => {
    for (const node of list) {
      if (node.type === "containerDirective" && node.name === "figure") found.push(node);
      else if ("children" in node) walk(node.children as RootContent[]);
    }
  };
  walk(tree.children);
  return found;
}

/**
 * Export every figure of a compiled manuscript, in figure-number order. Problems are reported
 * on `file`; a figure with a problem is left out of the result.
 */
export async function exportFigures(
  tree: Root,
  file: VFile,
  profile: JournalProfile,
): Promise<ExportedFigure[]> {
  const { default: sharp } = await import("sharp");
  const form = profile.submission;
  const settings = profile.figures;
  const floats = file.data.floats ?? new Map();
  const figures = figureNodes(tree)
    .map((node) => {
      const id = String(node.data?.hProperties?.id ?? "");
      return { node, id, float: floats.get(id) };
    })
    .filter((figure) => figure.float !== undefined)
    .sort((a, b) => (a.float?.number ?? 0) - (b.float?.number ?? 0));

  const exported: ExportedFigure[] = [];
  for (const { node, id, float } of figures) {
    const images = imagesOf(node);
    const printWidth = settings["column-width-inches"] / gridColumns(images.length);
    const minimum = settings["min-dpi"];
    const label = (float?.label ?? "").slice(profile.labels.figure.length).trim();
    for (const [index, image] of images.entries()) {
      const resource = file.data.resources?.images.get(image.url);
      if (resource?.status !== "ok") continue; // The figure checks reported it already.
      const suffix = images.length > 1 ? String.fromCharCode(65 + index) : "";
      const name = `${form["figure-file-prefix"]} ${label}${suffix}.${extensions[form["figure-format"]]}`;
      const place = image.position;
      const needed = Math.ceil(minimum * printWidth - 0.5);
      if (resource.width < needed) {
        report(
          file,
          "package-figure-resolution-low",
          `Cannot export \`${image.url}\` as ${name}: it is ${resource.width} px wide, ${Math.round(resource.width / printWidth)} dpi at its print width of ${+printWidth.toFixed(2)} in; expected at least ${minimum} dpi, so at least ${needed} px wide. Casepress does not upscale; supply the original image.`,
          place,
        );
        continue;
      }
      const dpi = resource.width / printWidth;
      const pixelsPerMm = dpi / 25.4;
      const pipeline = sharp(resource.absolutePath);
      const data =
        form["figure-format"] === "tiff"
          ? await pipeline
              .tiff({
                compression: "lzw",
                xres: pixelsPerMm,
                yres: pixelsPerMm,
                resolutionUnit: "inch",
              })
              .toBuffer()
          : await pipeline
              .flatten({ background: "#ffffff" })
              .jpeg({ quality: 95, chromaSubsampling: "4:4:4" })
              .withMetadata({ density: dpi })
              .toBuffer();
      // Read the file back: what a submission system will see.
      const written = await sharp(data).metadata();
      const format = written.format === "jpeg" ? "jpeg" : written.format;
      if (
        format !== form["figure-format"] ||
        written.width !== resource.width ||
        written.height !== resource.height ||
        written.density === undefined ||
        written.density + 0.5 < minimum
      ) {
        report(
          file,
          "package-figure-export-invalid",
          `Unexpected ${name} as written: ${written.format} ${written.width}×${written.height} px at ${written.density ?? "no"} dpi, expected ${form["figure-format"]} ${resource.width}×${resource.height} px at ${Math.round(dpi)} dpi; re-save \`${image.url}\` as PNG or TIFF and package again.`,
          place,
        );
        continue;
      }
      exported.push({
        name,
        data: new Uint8Array(data),
        figure: id,
        width: resource.width,
        height: resource.height,
        dpi: written.density,
      });
    }
  }
  return exported;
}
