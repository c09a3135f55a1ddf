/**
 * Atomic output. `OutputStage` publishes a build's outputs together (see its doc): staged in a
 * folder inside the output folder, committed by a manifest, moved into place, and finished by
 * the next start after a kill. `writeFilesAtomic` writes loose files, each by temporary name
 * and rename. A failed or killed build leaves the earlier outputs intact, and two builds at once
 * never interleave bytes in one file. Every output path is made by the path guard's
 * `outputPath`, so nothing is written outside the output folder.
 */
import { randomBytes } from "node:crypto";
import { constants, renameSync, rmSync, writeFileSync } from "node:fs";
import {
  copyFile,
  link,
  lstat,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { outputPath } from "../loaders/path-guard.ts";

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

/**
 * Write one file synchronously, by temporary name and rename, for callers that cannot wait (the
 * reference-list cache, read and written inside the synchronous formatter): readers see the old
 * file or the new one, never a part. The temporary is removed when the write fails.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const temporary = temporaryName(path);
  try {
    // `wx`: never write through a file or link that is already there.
    writeFileSync(temporary, data, { flag: "wx" });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The manifest that marks a staged set of outputs as complete and being published. */
interface PublishManifest {
  /** The staging folder's name inside the output folder. */
  stage: string;
  /** The top-level names published from the stage, in order. */
  names: string[];
}

const stagePattern = /^\.casepress-stage-(\d+)-[0-9a-f]{8}$/;
const manifestPattern = /^\.casepress-publish-(\d+)-([0-9a-f]{8})\.json$/;

/** Move `from` over `to`: a file replaces a file in one rename; a folder first moves the old one away. */
async function moveIntoPlace(from: string, to: string, attic: string): Promise<void> {
  const info = await lstat(from);
  if (!info.isDirectory()) {
    await rename(from, to);
    return;
  }
  // A folder cannot be renamed over a non-empty one: the old goes to the attic first. Another
  // build may put its own in between; then that one goes to the attic too.
  for (let attempt = 0; ; attempt++) {
    const current = await lstat(to).catch(() => undefined);
    if (current) {
      const away = join(attic, `${basename(to)}.${attempt}`);
      await mkdir(attic, { recursive: true });
      await rm(away, { recursive: true, force: true });
      await rename(to, away);
    }
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== "ENOTEMPTY" && code !== "EEXIST") || attempt > 20) throw error;
    }
  }
}

/** Finish a publish whose manifest is on disk: move what is still staged into place. */
async function rollForward(outDir: string, manifest: PublishManifest): Promise<void> {
  const stage = outputPath(outDir, manifest.stage);
  for (const name of manifest.names) {
    const staged = join(stage, name);
    if (await lstat(staged).catch(() => undefined))
      await moveIntoPlace(staged, outputPath(outDir, name), join(stage, ".attic"));
  }
}

/**
 * Bring `outDir` to a consistent state after builds that were killed: a publish whose manifest
 * was written (its staged outputs were complete) is finished; a staging folder without one is
 * removed. Live builds' folders are left alone.
 */
export async function recoverOutputs(outDir: string): Promise<void> {
  const names = await readdir(outDir).catch(() => [] as string[]);
  const dead = (pid: string | undefined) =>
    pid !== undefined && Number(pid) !== process.pid && !isRunning(Number(pid));
  for (const name of names.sort()) {
    const match = manifestPattern.exec(name);
    if (!match || !dead(match[1])) continue;
    const path = join(outDir, name);
    let manifest: PublishManifest | undefined;
    try {
      manifest = JSON.parse(await readFile(path, "utf8")) as PublishManifest;
    } catch {
      manifest = undefined; // A manifest is written whole by rename: an unreadable one is not ours.
    }
    if (manifest && stagePattern.test(manifest.stage) && Array.isArray(manifest.names)) {
      await rollForward(outDir, manifest);
      await rm(outputPath(outDir, manifest.stage), { recursive: true, force: true });
    }
    await rm(path, { force: true });
  }
  // A stage without a manifest was killed before its commit point: the old outputs stand.
  for (const name of names) {
    if (dead(stagePattern.exec(name)?.[1]))
      await rm(join(outDir, name), { recursive: true, force: true });
  }
  await removeStaleTemporaries(outDir);
}

/**
 * A set of outputs (page, assets folder, PDF) written together: everything is written into a
 * staging folder inside the output folder, then published in one commit. The commit point is a
 * manifest written by rename; after it the staged outputs are moved into place one by one, and
 * a build killed in between is finished by the next build's `recoverOutputs`. So after any
 * SIGKILL and the next start, the outputs are all old or all new, never a mix.
 */
export class OutputStage {
  readonly outDir: string;
  /** The staging folder, inside `outDir`. */
  readonly directory: string;
  private readonly id: string;

  private constructor(outDir: string, id: string) {
    this.outDir = outDir;
    this.id = id;
    this.directory = outputPath(outDir, `.casepress-stage-${id}`);
  }

  /** Recover `outDir` from killed builds, then make an empty stage in it. */
  static async create(outDir: string): Promise<OutputStage> {
    await mkdir(outDir, { recursive: true });
    await recoverOutputs(outDir);
    const stage = new OutputStage(outDir, `${process.pid}-${randomBytes(4).toString("hex")}`);
    await mkdir(stage.directory);
    return stage;
  }

  /** The staged path of output `name` (relative, inside the stage). */
  path(name: string): string {
    return outputPath(this.directory, name);
  }

  /** Stage a file. */
  async write(name: string, data: string | Uint8Array): Promise<string> {
    const path = this.path(name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data, { flag: "wx" });
    return path;
  }

  /** Stage a copy of `source` (an earlier output): a hard link when possible, else a copy. */
  async reuse(name: string, source: string): Promise<string> {
    const path = this.path(name);
    await mkdir(dirname(path), { recursive: true });
    await link(source, path).catch(() => copyFile(source, path, constants.COPYFILE_EXCL));
    return path;
  }

  /**
   * Publish the top-level `names` of the stage into the output folder. A target of the other
   * kind (a folder where a file goes, or the reverse) is refused before anything moves.
   */
  async commit(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const [staged, target] = await Promise.all([
        lstat(this.path(name)),
        lstat(outputPath(this.outDir, name)).catch(() => undefined),
      ]);
      if (target && target.isDirectory() !== staged.isDirectory()) {
        const error: NodeJS.ErrnoException = new Error(
          `\`${outputPath(this.outDir, name)}\` is a ${target.isDirectory() ? "folder" : "file"} where the build writes a ${staged.isDirectory() ? "folder" : "file"}; move it away`,
        );
        error.code = target.isDirectory() ? "EISDIR" : "ENOTDIR";
        throw error;
      }
    }
    const manifest: PublishManifest = { stage: basename(this.directory), names: [...names] };
    const manifestPath = outputPath(this.outDir, `.casepress-publish-${this.id}.json`);
    // The commit point: the manifest appears whole, by rename, only once everything is staged.
    const temporary = temporaryName(manifestPath);
    await writeFile(temporary, JSON.stringify(manifest), { flag: "wx" });
    await rename(temporary, manifestPath);
    await rollForward(this.outDir, manifest);
    await rm(manifestPath, { force: true });
    await rm(this.directory, { recursive: true, force: true });
  }

  /** Throw the stage away; the outputs stay as they were. */
  async abort(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true });
  }
}
