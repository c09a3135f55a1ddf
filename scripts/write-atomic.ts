/**
 * Atomic output: every file is written to a temporary name in its own folder, then renamed over
 * the target. A failed or killed build leaves the earlier outputs intact, and two builds at once
 * never interleave bytes in one file.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** One file to write. */
export interface OutputFile {
  path: string;
  data: string | Uint8Array;
}

function temporaryName(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
}

/**
 * Write all `files`: first every temporary file, then every rename. If any write fails, the
 * temporary files are removed and no target is touched.
 */
export async function writeFilesAtomic(files: readonly OutputFile[]): Promise<void> {
  const staged: { temporary: string; path: string }[] = [];
  try {
    for (const file of files) {
      await mkdir(dirname(file.path), { recursive: true });
      const temporary = temporaryName(file.path);
      staged.push({ temporary, path: file.path });
      await writeFile(temporary, file.data);
    }
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => rm(temporary, { force: true })));
    throw error;
  }
  for (const { temporary, path } of staged) await rename(temporary, path);
}
