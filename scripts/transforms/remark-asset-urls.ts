/**
 * Point every local image at its copy in the build's assets folder and record which files to
 * copy. Names are the files' own names; a clash gets a numeric suffix, so output is stable.
 */
import { basename, extname } from "node:path";
import type { Root } from "mdast";
import { visit } from "unist-util-visit";
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
      const extension = extname(image.absolutePath);
      const stem = basename(image.absolutePath, extension).replace(/[^\w.-]+/g, "-");
      name = `${stem}${extension}`;
      for (let n = 2; taken.has(name); n++) name = `${stem}-${n}${extension}`;
      taken.add(name);
      names.set(image.absolutePath, name);
    }
    node.url = `${assetsDirectory}/${name}`;
  });
  return [...names].map(([from, to]) => ({ from, to }));
}
