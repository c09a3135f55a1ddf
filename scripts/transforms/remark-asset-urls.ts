/**
 * Point every local image at its copy in the build's assets folder and record which files to
 * copy. Names are the files' own stems with the extension of their detected format (an image of
 * a format browsers do not show is never copied); a clash gets a numeric suffix, so output is
 * stable.
 */
import { basename, extname } from "node:path";
import type { Root } from "mdast";
import { visit } from "unist-util-visit";
import { displayableImageFormats } from "../loaders/image-header.ts";
import type { Resources } from "../loaders/resources.ts";

/** A file to copy into the assets folder. */
export interface AssetCopy {
  /** Absolute path of the source file. */
  from: string;
  /** Path relative to the assets folder. */
  to: string;
}

/** Rewrite image URLs in `tree` to `<assetsDirectory>/<name>`; returns the copies to make. */
export function rewriteAssetUrls(
  tree: Root,
  resources: Resources,
  assetsDirectory: string,
): AssetCopy[] {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  visit(tree, "image", (node) => {
    const image = resources.images.get(node.url);
    if (image?.status !== "ok") return;
    let name = names.get(image.absolutePath);
    if (!name) {
      // The extension follows the detected format, never the file's own name: a PNG saved as
      // `fig.html` is copied as `fig.png`, so no asset is ever served as a page.
      const allowed = displayableImageFormats[image.format];
      const own = extname(image.absolutePath);
      if (!allowed?.[0]) return;
      const extension = allowed.includes(own.slice(1).toLowerCase()) ? own : `.${allowed[0]}`;
      const stem =
        basename(image.absolutePath, own)
          .replace(/[^\w.-]+/g, "-")
          .replace(/^[.-]+/, "") || "image";
      name = `${stem}${extension}`;
      for (let n = 2; taken.has(name); n++) name = `${stem}-${n}${extension}`;
      taken.add(name);
      names.set(image.absolutePath, name);
    }
    node.url = `${assetsDirectory}/${name}`;
  });
  return [...names].map(([from, to]) => ({ from, to }));
}
