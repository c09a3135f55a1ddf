/**
 * The files a manuscript names (bibliographies, images, CSV tables): how references to them
 * resolve against the manuscript's root, and the shape in which the loaders hand them to the
 * transforms. Nothing here does I/O.
 */
import type { Definition, Image, Root } from "mdast";
import { visit } from "unist-util-visit";
import type { BibliographyEntry, BibliographyProblem } from "../bibliography/bibliography.ts";
import type { FrontMatter } from "../schemas/front-matter-schema.ts";
import type { CsvCellStart } from "./csv-cells.ts";
import { type PathResolution, resolveReference } from "./path-guard.ts";

/** How a path written in the manuscript resolves (see `path-guard.ts`). */
export type { PathResolution } from "./path-guard.ts";

/** Resolve `reference` (as written, relative to the manuscript's folder) against `root`. */
export function resolveManuscriptPath(
  reference: string,
  directory: string,
  root: string,
): PathResolution {
  return resolveReference(reference, directory, root);
}

/** Why a named file could not be used. */
export type ResourceFailure =
  | { status: "outside"; absolutePath: string }
  | { status: "remote"; url: string }
  | { status: "missing"; absolutePath: string }
  | {
      /** `unsupported`: an image of a format no browser shows (TIFF) or not an image at all. */
      status: "unreadable" | "malformed" | "unsupported";
      absolutePath: string;
      detail: string;
      line?: number;
      column?: number;
    };

/** An image's facts, read from its header. */
export type ImageResource =
  | {
      status: "ok";
      absolutePath: string;
      format: string;
      width: number;
      height: number;
      density?: number;
      /** EXIF/XMP metadata that could identify a patient, when the file carries any. */
      metadata?: ImageMetadata;
    }
  | ResourceFailure;

/** Identifying metadata of an image (`readImageMetadata`): people named, dates taken, GPS. */
export interface ImageMetadata {
  people: string[];
  /** Dates the picture was taken or made, as written (ISO day when parsed). */
  dates: string[];
  gps: boolean;
}

/** A CSV table's rows (header first) with the source line of each row and where each cell starts. */
export type CsvResource =
  | {
      status: "ok";
      absolutePath: string;
      rows: string[][];
      rowLines: number[];
      cells: CsvCellStart[][];
    }
  | ResourceFailure;

/** A bibliography file's entries and its parse problems. */
export type BibliographyResource = { reference: string } & (
  | {
      status: "ok";
      absolutePath: string;
      entries: BibliographyEntry[];
      problems: BibliographyProblem[];
    }
  | ResourceFailure
);

/** Everything loaded for one manuscript. */
export interface Resources {
  bibliographies: BibliographyResource[];
  /** Images by the URL written in the manuscript. */
  images: Map<string, ImageResource>;
  /** CSV tables by the `src` written in the manuscript. */
  csv: Map<string, CsvResource>;
}

/** The files a manuscript names, as written. */
export interface FileRequests {
  bibliographies: string[];
  images: string[];
  csv: string[];
}

/**
 * Turn every reference-style image (`![alt][label]` with `[label]: url`) whose definition
 * exists into a plain image with the definition's URL, so it is resolved, checked, loaded and
 * copied like any other image; nothing reaches the page unchecked through a definition.
 */
export function resolveImageReferences(tree: Root): void {
  const definitions = new Map<string, Definition>();
  visit(tree, "definition", (node) => {
    // CommonMark: the first definition of a label wins.
    if (!definitions.has(node.identifier)) definitions.set(node.identifier, node);
  });
  if (definitions.size === 0) return;
  visit(tree, "imageReference", (node, index, parent) => {
    const definition = definitions.get(node.identifier);
    if (!definition || !parent || index === undefined) return;
    const image: Image = {
      type: "image",
      url: definition.url,
      title: definition.title ?? null,
      alt: node.alt ?? null,
      ...(node.position ? { position: node.position } : {}),
    };
    parent.children.splice(index, 1, image);
  });
}

/**
 * Collect the files the manuscript names from its front matter and tree. Reference-style images
 * are first made plain images (`resolveImageReferences`), so they are requested too.
 */
export function collectFileRequests(tree: Root, frontMatter: FrontMatter): FileRequests {
  resolveImageReferences(tree);
  const bibliography = frontMatter.bibliography;
  const images = new Set<string>();
  const csv = new Set<string>();
  visit(tree, (node) => {
    if (node.type === "image") images.add(node.url);
    if (node.type === "containerDirective" && node.name === "table") {
      const src = node.attributes?.src;
      if (src) csv.add(src);
    }
  });
  return {
    bibliographies:
      bibliography === undefined ? [] : Array.isArray(bibliography) ? bibliography : [bibliography],
    images: [...images],
    csv: [...csv],
  };
}

/** No resources at all: for transforms run on their own in tests. */
export function emptyResources(): Resources {
  return { bibliographies: [], images: new Map(), csv: new Map() };
}
