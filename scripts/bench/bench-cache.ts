/**
 * The on-disk reference-list cache, as `npm run bench` sees it: the cold HTML case clears it
 * before every timed run, the warm case fills it with an untimed run first.
 *
 * The folder is {@link REFERENCE_CACHE_DIRECTORY} inside Casepress's own folder (where the
 * bundle's folder `node_modules/.cache/casepress` is); `--reference-cache <folder>` overrides it.
 * The bench never clears a folder that holds the bundle or its code cache.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";

/** Where the bundle and its code cache live, relative to Casepress's folder. */
export const BUNDLE_DIRECTORY = join("node_modules", ".cache", "casepress");

/**
 * Where the reference-list cache lives, relative to Casepress's folder: a folder of its own
 * inside the bundle's folder, so clearing it leaves the bundle alone.
 */
export const REFERENCE_CACHE_DIRECTORY = join(BUNDLE_DIRECTORY, "references");

/** The cache folder to clear: `override` (resolved against `repository`) or the default. */
export function referenceCacheDirectory(repository: string, override?: string): string {
  return override === undefined || override === ""
    ? join(repository, REFERENCE_CACHE_DIRECTORY)
    : resolve(repository, override);
}

/**
 * Why `directory` must not be cleared, or undefined when it may be: it must not be the bundle's
 * folder or hold it, nor the repository or anything above it.
 */
export function unsafeToClear(directory: string, repository: string): string | undefined {
  const inside = (child: string, parent: string) => {
    const path = relative(parent, child);
    return path === "" || (!path.startsWith("..") && !isAbsolute(path));
  };
  const bundle = join(repository, BUNDLE_DIRECTORY);
  if (inside(repository, directory))
    return `${directory} holds the repository ${repository}; expected a cache folder inside it.`;
  if (inside(bundle, directory))
    return `${directory} holds the bundle (${bundle}); expected a cache folder of its own, such as ${join(repository, REFERENCE_CACHE_DIRECTORY)}.`;
  return undefined;
}

/** Remove the cache folder (nothing when it is missing). */
export async function clearReferenceCache(directory: string, repository: string): Promise<void> {
  const problem = unsafeToClear(directory, repository);
  if (problem !== undefined) throw new Error(`Refusing to clear the reference cache: ${problem}`);
  await rm(directory, { recursive: true, force: true });
}

/** How many files the cache folder holds and their bytes (0 when it is missing). */
export function cacheContents(directory: string): { files: number; bytes: number } {
  if (!existsSync(directory)) return { files: 0, bytes: 0 };
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}
