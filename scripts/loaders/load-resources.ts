/**
 * Loaders for the files a manuscript names. All reading happens here, through the path guard
 * (`path-guard.ts`); the transforms get the results as data. A file is read only when it
 * resolves inside the manuscript's root, also after following symbolic links, is a regular
 * file, and is within the size cap of its kind.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { parseBibliography } from "../bibliography/bibliography.ts";
import { locateCsvCells } from "./csv-cells.ts";
import { ImageProblem, imageHeadBytes, inspectImage } from "./image-header.ts";
import { readImageMetadata } from "./image-metadata.ts";
import {
  describeFailure,
  type FileKind,
  type GuardFailure,
  readGuarded,
  readGuardedParts,
} from "./path-guard.ts";
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

/** A guard failure as the transforms see it (a too-large file is unreadable, with the sizes). */
function asResourceFailure(failure: GuardFailure): ResourceFailure {
  if (failure.status === "outside" || failure.status === "missing") return failure;
  return {
    status: "unreadable",
    absolutePath: failure.absolutePath,
    detail: describeFailure(failure),
  };
}

/** Resolve a reference and read it whole through the path guard. */
async function openInsideRoot(
  reference: string,
  location: ManuscriptLocation,
  kind: FileKind,
): Promise<Opened> {
  const resolved = resolveManuscriptPath(reference, location.directory, location.root);
  if (resolved.kind === "remote")
    return { ok: false, failure: { status: "remote", url: resolved.url } };
  if (resolved.kind === "outside")
    return { ok: false, failure: { status: "outside", absolutePath: resolved.absolutePath } };
  const read = await readGuarded(resolved.absolutePath, location.root, kind);
  if (!read.ok) return { ok: false, failure: asResourceFailure(read.failure) };
  return { ok: true, absolutePath: resolved.absolutePath, bytes: read.bytes };
}

async function loadBibliography(
  reference: string,
  location: ManuscriptLocation,
): Promise<BibliographyResource> {
  const opened = await openInsideRoot(reference, location, "bibliography");
  if (!opened.ok) return { reference, ...opened.failure };
  const { entries, problems } = parseBibliography({
    path: opened.absolutePath,
    text: opened.bytes.toString("utf8"),
  });
  return { reference, status: "ok", absolutePath: opened.absolutePath, entries, problems };
}

async function loadImage(reference: string, location: ManuscriptLocation): Promise<ImageResource> {
  const resolved = resolveManuscriptPath(reference, location.directory, location.root);
  if (resolved.kind === "remote") return { status: "remote", url: resolved.url };
  if (resolved.kind === "outside")
    return { status: "outside", absolutePath: resolved.absolutePath };
  const absolutePath = resolved.absolutePath;
  // Only the head and tail are read, plus one streaming pass for PNG chunk checks.
  const inspected = await readGuardedParts(
    absolutePath,
    location.root,
    "image",
    imageHeadBytes,
    16,
    async (parts): Promise<ImageResource> => {
      try {
        const header = await inspectImage(parts);
        const metadata = await readImageMetadata(parts.head);
        return { status: "ok", absolutePath, ...header, ...(metadata ? { metadata } : {}) };
      } catch (error) {
        const status = error instanceof ImageProblem ? error.kind : "malformed";
        return { status, absolutePath, detail: (error as Error).message };
      }
    },
  );
  return inspected.ok ? inspected.value : asResourceFailure(inspected.failure);
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
  const opened = await openInsideRoot(reference, location, "csv");
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
