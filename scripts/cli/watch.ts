/**
 * `casepress build --watch`: rebuild a manuscript in a warm process whenever it, a file it names
 * (bibliography, figure, CSV table) or any file of its journal's folder changes. Parent folders
 * are watched, not files, so editors that save by renaming a new file over the old one are seen
 * too.
 */
import { type FSWatcher, watch } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { VFile } from "vfile";
import type { BuildOptions } from "./build.ts";
import { type PreviewBuild, startPreview } from "./preview.ts";

/** A running watch; `close` stops watching and closes the browser. */
export interface WatchHandle {
  close(): Promise<void>;
}

/** The folders any of whose files' change triggers a rebuild: the journal's. */
export function watchedFolders(file: VFile): Set<string> {
  const journal = file.data.journal;
  return new Set(journal ? [journal.directory] : []);
}

/** Every file whose change should trigger a rebuild, from the last build's data. */
export function watchedFiles(file: VFile): Set<string> {
  const files = new Set<string>();
  const manuscript = file.data.manuscript;
  if (manuscript) files.add(manuscript.absolutePath);
  const resources = file.data.resources;
  for (const bibliography of resources?.bibliographies ?? []) {
    if ("absolutePath" in bibliography) files.add(bibliography.absolutePath);
  }
  for (const resource of [
    ...(resources?.images.values() ?? []),
    ...(resources?.csv.values() ?? []),
  ]) {
    if ("absolutePath" in resource) files.add(resource.absolutePath);
  }
  const journal = file.data.journal;
  if (journal) {
    for (const name of ["profile.json", journal.template, journal.csl, ...journal.stylesheets])
      files.add(join(journal.directory, name));
  }
  return files;
}

/**
 * Build `path` now, then again after every change, calling `onBuild` with each result. Changes
 * that arrive within `debounceMs` of each other make one rebuild.
 */
export async function watchManuscript(
  path: string,
  options: BuildOptions,
  onBuild: (build: PreviewBuild) => void,
  debounceMs = 40,
  onError: (error: unknown) => void = () => undefined,
): Promise<WatchHandle> {
  const { session, first } = await startPreview(path, options);
  onBuild(first);
  const watchers = new Map<string, FSWatcher>();
  let files = watchedFiles(first.file);
  let folders = watchedFolders(first.file);
  let timer: NodeJS.Timeout | undefined;

  const rebuild = async () => {
    const build = await session.rebuild();
    onBuild(build);
    files = watchedFiles(build.file);
    folders = watchedFolders(build.file);
    follow();
  };
  const changed = (directory: string, name: string | null) => {
    if (name !== null && !folders.has(directory) && !files.has(join(directory, name))) return;
    clearTimeout(timer);
    timer = setTimeout(() => void rebuild().catch(onError), debounceMs);
  };
  const follow = () => {
    const directories = new Set([...[...files].map((file) => dirname(file)), ...folders]);
    for (const [directory, watcher] of watchers) {
      if (!directories.has(directory)) {
        watcher.close();
        watchers.delete(directory);
      }
    }
    for (const directory of directories) {
      if (watchers.has(directory)) continue;
      try {
        const watcher = watch(directory, (_event, name) =>
          changed(directory, name === null ? null : basename(name)),
        );
        watcher.on("error", () => watchers.delete(directory));
        watchers.set(directory, watcher);
      } catch {
        // A folder that does not exist (a missing figure's) cannot be watched; its parent's
        // change still arrives when the manuscript is edited to fix it.
      }
    }
  };
  follow();
  return {
    async close() {
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      await session.close();
    },
  };
}
