/**
 * Loaders for the files a manuscript names. All reading happens here; the transforms get the
 * results as data. A file is read only when it resolves inside the manuscript's root, also
 * after following symbolic links.
 */
import { readFile, realpath } from "node:fs/promises";
import { isAbsolute, relative } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { parseBibliography } from "../bibliography/bibliography.ts";
import { locateCsvCells } from "./csv-cells.ts";
import { readImageHeader } from "./image-header.ts";
import type {
  BibliographyResource,
  CsvResource,
  FileRequests,
  ImageResource,
  ResourceFailure,
  Resources,
} from "./resources.ts";
import { resolveManuscriptPath } from "./resources.ts";

/** Where the manuscript lives: relative paths resolve from `directory` and must stay in `root`. */
export interface ManuscriptLocation {
  directory: string;
  root: string;
}

type Opened =
  | { ok: true; absolutePath: string; bytes: Buffer }
  | { ok: false; failure: ResourceFailure };

async function openInsideRoot(reference: string, location: ManuscriptLocation): Promise<Opened> {
  const resolved = resolveManuscriptPath(reference, location.directory, location.root);
  if (resolved.kind === "remote")
    return { ok: false, failure: { status: "remote", url: resolved.url } };
  if (resolved.kind === "outside")
    return { ok: false, failure: { status: "outside", absolutePath: resolved.absolutePath } };
  const absolutePath = resolved.absolutePath;
  try {
    const [real, realRoot] = await Promise.all([realpath(absolutePath), realpath(location.root)]);
    const inside = relative(realRoot, real);
    if (inside.startsWith("..") || isAbsolute(inside))
      return { ok: false, failure: { status: "outside", absolutePath: real } };
    return { ok: true, absolutePath, bytes: await readFile(real) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR")
      return { ok: false, failure: { status: "missing", absolutePath } };
    const detail =
      code === "EISDIR"
        ? "it is a folder"
        : code === "EACCES"
          ? "permission denied"
          : String(code ?? error);
    return { ok: false, failure: { status: "unreadable", absolutePath, detail } };
  }
}

async function loadBibliography(
  reference: string,
  location: ManuscriptLocation,
): Promise<BibliographyResource> {
  const opened = await openInsideRoot(reference, location);
  if (!opened.ok) return { reference, ...opened.failure };
  const { entries, problems } = parseBibliography({
    path: opened.absolutePath,
    text: opened.bytes.toString("utf8"),
  });
  return { reference, status: "ok", absolutePath: opened.absolutePath, entries, problems };
}

async function loadImage(reference: string, location: ManuscriptLocation): Promise<ImageResource> {
  const opened = await openInsideRoot(reference, location);
  if (!opened.ok) return opened.failure;
  try {
    return { status: "ok", absolutePath: opened.absolutePath, ...readImageHeader(opened.bytes) };
  } catch (error) {
    return {
      status: "malformed",
      absolutePath: opened.absolutePath,
      detail: (error as Error).message,
    };
  }
}

function loadCsvText(absolutePath: string, text: string): CsvResource {
  try {
    // With `info: true` csv-parse returns records wrapped with their line info; its types miss that overload.
    const parsed = parseCsv(text, {
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      raw: true,
    }) as unknown as {
      record: string[];
      info: { lines: number };
      raw: string;
    }[];
    // csv-parse reports the line where each record ends; for single-line records that is its line.
    return {
      status: "ok",
      absolutePath,
      rows: parsed.map((row) => row.record),
      rowLines: parsed.map((row) => row.info.lines),
      cells: locateCsvCells(parsed.map((row) => row.raw)),
    };
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const detail = (error as Error).message;
    return { status: "malformed", absolutePath, detail, ...(line ? { line, column: 1 } : {}) };
  }
}

async function loadCsv(reference: string, location: ManuscriptLocation): Promise<CsvResource> {
  const opened = await openInsideRoot(reference, location);
  if (!opened.ok) return opened.failure;
  return loadCsvText(opened.absolutePath, opened.bytes.toString("utf8"));
}

/** Load every requested file, concurrently. */
export async function loadResources(
  requests: FileRequests,
  location: ManuscriptLocation,
): Promise<Resources> {
  const [bibliographies, images, csv] = await Promise.all([
    Promise.all(requests.bibliographies.map((reference) => loadBibliography(reference, location))),
    Promise.all(requests.images.map(async (url) => [url, await loadImage(url, location)] as const)),
    Promise.all(requests.csv.map(async (src) => [src, await loadCsv(src, location)] as const)),
  ]);
  return { bibliographies, images: new Map(images), csv: new Map(csv) };
}
