/**
 * Deterministic zip files (fflate): entries in a fixed order, every entry stamped with one fixed
 * time, fixed compression. The same files and the same time give the same bytes, so the DOCX
 * and the submission package can be reproduced with `SOURCE_DATE_EPOCH`.
 */
import { unzipSync, type Zippable, zipSync } from "fflate";
import { readSourceDateEpoch } from "../render/source-date.ts";

/** 1980-01-01T00:00:00Z, the earliest time a zip (DOS) timestamp can hold. */
const dosEpochMs = Date.UTC(1980, 0, 1);

/**
 * The time outputs are stamped with: `SOURCE_DATE_EPOCH` when it is valid (read by the one
 * reader in `source-date.ts`; an invalid value is reported there), otherwise now.
 */
export function buildTime(environment: NodeJS.ProcessEnv = process.env): Date {
  const epoch = readSourceDateEpoch(environment);
  return epoch.kind === "valid" ? new Date(epoch.seconds * 1000) : new Date();
}

/**
 * The `mtime` to hand fflate for `time`. Zip stores local wall-clock fields, and fflate reads
 * them in the process's time zone; shifting by the zone's offset stores the UTC fields, so the
 * bytes do not depend on the machine's time zone. Times before 1980 are clamped to 1980.
 */
function zipTime(time: Date): number {
  const ms = Math.max(dosEpochMs, Math.floor(time.getTime() / 2000) * 2000);
  return ms + new Date(ms).getTimezoneOffset() * 60_000;
}

/** One zip entry: a path inside the archive (forward slashes) and its bytes. */
export interface ZipEntry {
  /** The entry's path inside the archive, with forward slashes. */
  path: string;
  /** The entry's bytes. */
  data: Uint8Array;
}

/**
 * Zip `entries` in the order given, each stamped with `time` and deflated at level 9. Entries
 * named in `stored` (such as an OOXML `mimetype`) are stored uncompressed.
 */
export function zipDeterministic(
  entries: readonly ZipEntry[],
  time: Date,
  stored: ReadonlySet<string> = new Set(),
): Uint8Array {
  const mtime = zipTime(time);
  const files: Zippable = {};
  // fflate writes entries in the insertion order of this object; integer-like keys would be
  // moved first by JavaScript, so no entry path may be a bare number.
  for (const entry of entries) {
    if (/^\d+$/.test(entry.path)) throw new Error(`A zip entry cannot be named ${entry.path}.`);
    files[entry.path] = [entry.data, { mtime, level: stored.has(entry.path) ? 0 : 9 }];
  }
  return zipSync(files, { mtime, level: 9 });
}

/** The entries of a zip file, in archive order. */
export function unzipEntries(zip: Uint8Array): ZipEntry[] {
  return Object.entries(unzipSync(zip)).map(([path, data]) => ({ path, data }));
}
