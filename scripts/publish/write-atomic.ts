/**
 * Atomic output: every file is written to a temporary name in its own folder, then renamed over
 * the target. A failed or killed build leaves the earlier outputs intact, and two builds at once
 * never interleave bytes in one file.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
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

/** Whether process `pid` is alive (on this machine). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Remove the temporary files that killed builds left in `directory` (their process is gone).
 * Other builds' live temporaries are left alone.
 */
async function removeStaleTemporaries(directory: string): Promise<void> {
  const names = await readdir(directory).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const pid = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name)?.[1];
      if (pid !== undefined && Number(pid) !== process.pid && !isRunning(Number(pid))) {
        await rm(join(directory, name), { force: true });
      }
    }),
  );
}

/**
 * Write all `files`: first every temporary file, then every rename. If any write fails, the
 * temporary files are removed and no target is touched. Temporaries left by killed builds in
 * the same folders are cleared first.
 */
export async function writeFilesAtomic(files: readonly OutputFile[]): Promise<void> {
  const staged: { temporary: string; path: string }[] = [];
  const directories = new Set<string>();
  try {
    for (const file of files) {
      const directory = dirname(file.path);
      if (!directories.has(directory)) {
        directories.add(directory);
        await mkdir(directory, { recursive: true });
        await removeStaleTemporaries(directory);
      }
      const temporary = temporaryName(file.path);
      staged.push({ temporary, path: file.path });
      // `wx`: never write through a file or link that is already there.
      await writeFile(temporary, file.data, { flag: "wx" });
    }
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => rm(temporary, { force: true })));
    throw error;
  }
  for (const [index, { temporary, path }] of staged.entries()) {
    try {
      await rename(temporary, path);
    } catch (error) {
      await Promise.all(staged.slice(index).map((item) => rm(item.temporary, { force: true })));
      throw error;
    }
  }
}
