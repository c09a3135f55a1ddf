/**
 * `casepress check`: run every check on many manuscripts in one process (files, folders or
 * globs), optionally one shard of the batch, and report in one of the formats.
 */
import { readdir, realpath, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import { displayPath, readManuscript } from "../loaders/load-manuscript.ts";
import { isInside } from "../loaders/path-guard.ts";
import { compileManuscript } from "../pipeline.ts";

/** Folders never searched for manuscripts. */
const skippedFolders = ["**/node_modules/**", "**/dist/**", "**/.git/**"];

/** Folder names never searched for manuscripts. */
const skippedNames = new Set(["node_modules", "dist", ".git"]);

/**
 * Every `*.md` file below `folder` except README.md, any name allowed (newlines too), without
 * following a symbolic link out of `folder`: a linked file counts only when it lies inside.
 */
export async function findManuscripts(folder: string): Promise<string[]> {
  const realFolder = await realpath(folder);
  const found: string[] = [];
  const pending = [folder];
  for (let directory = pending.pop(); directory !== undefined; directory = pending.pop()) {
    const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!skippedNames.has(entry.name)) pending.push(path);
        continue;
      }
      if (!entry.name.endsWith(".md") || entry.name === "README.md") continue;
      if (entry.isFile()) found.push(path);
      else if (entry.isSymbolicLink()) {
        const target = await realpath(path).catch(() => undefined);
        const info = target ? await stat(target).catch(() => undefined) : undefined;
        if (target && info?.isFile() && isInside(target, realFolder)) found.push(path);
      }
    }
  }
  return found.sort();
}

/** Markdown files named by `inputs` (files, folders searched recursively, or globs), sorted. */
export async function expandInputs(
  inputs: readonly string[],
  cwd = process.cwd(),
): Promise<{ files: string[]; unmatched: string[] }> {
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const input of inputs) {
    let found: string[] = [];
    if (isDynamicPattern(input)) {
      found = await glob(input, { cwd, absolute: true, ignore: skippedFolders, onlyFiles: true });
    } else {
      const info = await stat(resolve(cwd, input)).catch(() => undefined);
      if (info?.isDirectory()) {
        found = await findManuscripts(resolve(cwd, input));
      } else {
        // A missing file is kept, so it is reported as unreadable in the results.
        found = [resolve(cwd, input)];
      }
    }
    if (found.length === 0) unmatched.push(input);
    for (const file of found) files.add(file);
  }
  return { files: [...files].sort(), unmatched };
}

/** Parse `--shard i/n` into a 1-based index and a count. */
export function parseShard(value: string): { index: number; count: number } | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count)) return undefined;
  return index >= 1 && count >= 1 && index <= count ? { index, count } : undefined;
}

/** The manuscripts of shard `index` of `count`: every count-th of the sorted list. */
export function selectShard<T>(items: readonly T[], shard: { index: number; count: number }): T[] {
  return items.filter((_, position) => position % shard.count === shard.index - 1);
}

/** Options of `casepress check`. */
export interface CheckOptions {
  journal?: string;
  /** Fill this checklist and report its missing items (`--checklist care`). */
  checklist?: "care";
  root?: string;
  cwd?: string;
  /** Called after each manuscript, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

/** Check one manuscript: every diagnostic, no output written. */
export async function checkManuscript(path: string, options: CheckOptions = {}): Promise<VFile> {
  const cwd = options.cwd ?? process.cwd();
  const file = await readManuscript(path, { cwd, ...(options.root ? { root: options.root } : {}) });
  try {
    await compileManuscript(file, {
      ...(options.journal ? { journal: options.journal } : {}),
      ...(options.checklist ? { checklist: options.checklist } : {}),
    });
  } catch (error) {
    report(
      file,
      "internal-error",
      `Casepress failed: ${(error as Error).message}. Please report this with the manuscript.`,
    );
  }
  file.path = displayPath(resolve(cwd, path), cwd);
  return file;
}

/** Check many manuscripts, one after another in this process. */
export async function checkManuscripts(
  paths: readonly string[],
  options: CheckOptions = {},
): Promise<VFile[]> {
  const files: VFile[] = [];
  for (const path of paths) {
    files.push(await checkManuscript(path, options));
    options.onProgress?.(files.length, paths.length);
  }
  return files;
}
