/**
 * The files a manuscript names (bibliographies, images, CSV tables): how references to them
 * resolve against the manuscript's root, and the shape in which the loaders hand them to the
 * transforms. Nothing here does I/O.
 */
import { isAbsolute, relative, resolve } from "node:path";
import type { Root } from "mdast";
import { visit } from "unist-util-visit";
import type { BibliographyEntry, BibliographyProblem } from "../bibliography/bibliography.ts";
import type { FrontMatter } from "../schemas/front-matter-schema.ts";
import type { CsvCellStart } from "./csv-cells.ts";

/** How a path written in the manuscript resolves. */
export type PathResolution =
  | { kind: "local"; absolutePath: string }
  | { kind: "outside"; absolutePath: string }
  | { kind: "remote"; url: string };

/** Resolve `reference` (as written, relative to the manuscript's folder) against `root`. */
export function resolveManuscriptPath(
  reference: string,
  directory: string,
  root: string,
): PathResolution {
  if (/^[a-z][a-z0-9+.-]*:/i.test(reference) || reference.startsWith("//"))
    return { kind: "remote", url: reference };
  let decoded = reference;
  try {
    decoded = decodeURIComponent(reference);
  } catch {
    // A stray % is kept literally.
  }
  const absolutePath = resolve(directory, decoded.replace(/[?#].*$/, ""));
  const inside = relative(root, absolutePath);
  if (inside.startsWith("..") || isAbsolute(inside)) return { kind: "outside", absolutePath };
  return { kind: "local", absolutePath };
}

/** Why a named file could not be used. */
export type ResourceFailure =
  | { status: "outside"; absolutePath: string }
  | { status: "remote"; url: string }
  | { status: "missing"; absolutePath: string }
  | {
      status: "unreadable" | "malformed";
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
    }
  | ResourceFailure;

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

/** Collect the files the manuscript names from its front matter and tree. */
export function collectFileRequests(tree: Root, frontMatter: FrontMatter): FileRequests {
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
