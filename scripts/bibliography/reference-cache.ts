/**
 * The reference-list cache on disk: formatted reference entries, stored under Casepress's own
 * `node_modules/.cache/casepress/references/` (never in a manuscript's folder), so a build whose
 * cited entries did not change skips citeproc.
 *
 * Never wrong: the key is a SHA-256 of everything the output depends on (the cited entries as
 * parsed, in citation order; the CSL style's text; the locale; the versions of Casepress,
 * citation-js and citeproc), so a different input can only miss. The key is derived from the
 * content, not from a manuscript's name or path: in a journal-staff batch, one manuscript can
 * only ever hit entries whose inputs are byte-for-byte its own, so it cannot poison another's
 * references. A file that is unreadable, of another shape, for another key or of the wrong
 * length is ignored (a miss) and rewritten.
 *
 * A cache file is untrusted input, as the bibliography is. Its entries are HTML, kept exactly as
 * citeproc made them (so a hit is byte-for-byte a fresh run), and are checked twice: on reading,
 * every tag must be one citeproc's HTML output uses (`<i>`, `<b>`, `<em>`, `<sup>`, `<sub>`,
 * `<span style|class>`, `<div class>`), else the file is treated as foreign; and then the entry
 * takes the same path as a fresh one, parsed and sanitised through the one sanitize schema
 * (render-page.ts) or reduced to text runs (the DOCX writer). A tampered file can so put no
 * image, link, script, style or event handler into a page.
 *
 * Writes are atomic (temporary name and rename) and the folder is bounded: beyond
 * `maxEntries` files or `maxBytes`, the oldest are removed. A folder that cannot be made or
 * written means no cache, silently: the build is the same, only slower.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { casepressDirectory, casepressVersion } from "../loaders/load-journal.ts";
import { readGuardedSync, sizeLimits } from "../loaders/path-guard.ts";
import { writeFileAtomicSync } from "../publish/write-atomic.ts";
import type { CslItem } from "./types.ts";

/** The cache file format; bumped when the stored shape changes, so old files miss. */
const formatVersion = 1;
/** Files kept at most in the cache folder. */
export const maxEntries = 500;
/** Bytes kept at most in the cache folder. */
export const maxBytes = 16 * 1024 * 1024;
/** A file larger than this is not a cache entry of ours and is not read (the path guard's cap). */
const maxEntryBytes = sizeLimits.cache;

/** Counts of what the cache did in this process; tests assert work done and not done. */
export const referenceCacheWork = { hits: 0, misses: 0, writes: 0, evictions: 0 };

/** Where the cache lives: `CASEPRESS_CACHE_DIR`, else Casepress's own `node_modules/.cache`. */
export function referenceCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CASEPRESS_CACHE === "off") return undefined;
  const base = env.CASEPRESS_CACHE_DIR || join(casepressDirectory, "node_modules", ".cache");
  return join(base, "casepress", "references");
}

let versions: string | undefined;

/**
 * The installed versions of Casepress and the formatting libraries, read once per process from
 * their manifests; empty when they cannot be read.
 */
function libraryVersions(): string {
  // Only a found answer is kept, so a failure is never frozen into the start-up snapshot.
  if (versions) return versions;
  try {
    const fromCsl = createRequire(
      join(casepressDirectory, "node_modules", "@citation-js", "plugin-csl", "package.json"),
    );
    const read = (name: string) => {
      const manifest: unknown = JSON.parse(readFileSync(fromCsl.resolve(name), "utf8"));
      const version = (manifest as { version?: unknown }).version;
      if (typeof version !== "string") throw new TypeError(`${name} has no version`);
      return version;
    };
    versions = [
      `casepress@${casepressVersion}`,
      `@citation-js/core@${read("@citation-js/core/package.json")}`,
      `@citation-js/plugin-csl@${read("@citation-js/plugin-csl/package.json")}`,
      `citeproc@${read("citeproc/package.json")}`,
    ].join(" ");
  } catch {
    // Versions that cannot be known cannot key the cache: then there is none.
    return "";
  }
  return versions;
}

/** What a formatted reference list depends on. */
export interface ReferenceCacheInput {
  /** The CSL style's XML. */
  styleXml: string;
  /** The locale citeproc formats with. */
  locale: string;
  /** The cited entries, as parsed, in citation order. */
  items: readonly CslItem[];
}

/**
 * The cache key: a SHA-256 over every input the formatted entries depend on, or undefined when
 * the library versions (`libraries`, read from the install by default) are unknown: no cache then.
 */
export function referenceCacheKey(
  input: ReferenceCacheInput,
  libraries: string = libraryVersions(),
): string | undefined {
  if (libraries === "") return undefined;
  return createHash("sha256")
    .update(JSON.stringify([formatVersion, libraries, input.locale, input.styleXml, input.items]))
    .digest("hex");
}

/** Each tag citeproc's HTML output format writes (links are off: no `hyperlinks` option). */
const citeprocTag =
  /^(?:<\/?(?:i|b|em|sup|sub|span|div)>|<span (?:style|class)="[^"<>]*">|<div class="csl-[a-z-]+">)$/;

/** Whether every tag in `html` is one citeproc writes; text `<` is always escaped by it. */
export function hasOnlyCiteprocTags(html: string): boolean {
  for (const tag of html.match(/<[^>]*>?/g) ?? []) if (!citeprocTag.test(tag)) return false;
  return true;
}

/**
 * Read an entry through the path guard: inside the cache folder, a regular file (never a pipe
 * waited on), at most `maxEntryBytes`; undefined otherwise.
 */
function readEntryFile(directory: string, name: string): string | undefined {
  const read = readGuardedSync(join(directory, name), directory, "cache");
  return read.ok ? read.bytes.toString("utf8") : undefined;
}

/**
 * The cached entries for `key`, or undefined on a miss. A file that is not exactly an entry
 * written for this key with `count` strings is a miss, so the caller formats and rewrites it.
 */
export function readCachedReferences(
  directory: string,
  key: string,
  count: number,
): string[] | undefined {
  const text = readEntryFile(directory, `${key}.json`);
  let value: unknown;
  try {
    value = text === undefined ? undefined : JSON.parse(text);
  } catch {
    value = undefined;
  }
  const entry = value as { format?: unknown; key?: unknown; entries?: unknown } | undefined;
  const entries = entry?.entries;
  if (
    entry?.format === formatVersion &&
    entry.key === key &&
    Array.isArray(entries) &&
    entries.length === count &&
    entries.every((html) => typeof html === "string" && hasOnlyCiteprocTags(html))
  ) {
    referenceCacheWork.hits++;
    return entries as string[]; // Checked above: every element is a string.
  }
  referenceCacheWork.misses++;
  return undefined;
}

/** Remove the oldest files beyond `maxEntries` or `maxBytes`. */
function evict(directory: string): void {
  const files = readdirSync(directory)
    .filter((name) => name.endsWith(".json"))
    .flatMap((name) => {
      try {
        const info = statSync(join(directory, name));
        return [{ name, size: info.size, time: info.mtimeMs }];
      } catch {
        return []; // Removed by another process meanwhile.
      }
    })
    .sort((a, b) => b.time - a.time || a.name.localeCompare(b.name));
  let bytes = 0;
  for (const [index, file] of files.entries()) {
    bytes += file.size;
    if (index < maxEntries && bytes <= maxBytes) continue;
    rmSync(join(directory, file.name), { force: true });
    referenceCacheWork.evictions++;
  }
}

/** Store `entries` for `key`, atomically; a folder that cannot be written is left alone. */
export function writeCachedReferences(
  directory: string,
  key: string,
  entries: readonly string[],
): void {
  const text = JSON.stringify({ format: formatVersion, key, entries });
  if (text.length > maxEntryBytes) return; // Would never be read back.
  try {
    mkdirSync(directory, { recursive: true });
    writeFileAtomicSync(join(directory, `${key}.json`), text);
    referenceCacheWork.writes++;
    evict(directory);
  } catch {
    // A read-only install or a full disk: work without the cache.
  }
}
