/**
 * The one gate every file access of Casepress goes through, reads and writes alike. Manuscripts
 * and local journals are hostile: a reference they write is resolved against a root folder and
 * refused when it is a URL, an absolute path, climbs out with `..`, or reaches outside through a
 * symbolic link (the real path of the target is checked too). Before any byte is read the file
 * is opened without blocking and `fstat`ed: only regular files are read (a FIFO, a device such
 * as /dev/zero or a socket is refused, never waited on), and only up to the size cap of its kind.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import { type FileHandle, open, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** The size caps, in bytes, for each kind of file Casepress reads: defined here and only here. */
export const sizeLimits = {
  manuscript: 20 * 1024 * 1024,
  bibliography: 20 * 1024 * 1024,
  csv: 20 * 1024 * 1024,
  image: 50 * 1024 * 1024,
  /** profile.json, template.html, the CSL style and stylesheets. */
  journal: 5 * 1024 * 1024,
  font: 10 * 1024 * 1024,
  /** A file of the output folder served by `casepress preview` (page, PDF, assets). */
  output: 100 * 1024 * 1024,
  /** One formatted reference list in Casepress's own cache (scripts/bibliography/reference-cache.ts). */
  cache: 4 * 1024 * 1024,
} as const;

/** The most pixels an image may have (width × height): 100 million, e.g. 10,000 × 10,000. */
export const maxImagePixels = 100_000_000;

/** A kind of file, which sets its size cap. */
export type FileKind = keyof typeof sizeLimits;

/** How a reference written in a manuscript or journal resolves. */
export type PathResolution =
  | { kind: "local"; absolutePath: string }
  | { kind: "outside"; absolutePath: string }
  | { kind: "remote"; url: string };

/** Whether `path` lies at or below `root` (both absolute, normalised). */
export function isInside(path: string, root: string): boolean {
  const inside = relative(root, path);
  return inside === "" || !(inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside));
}

/** `path` resolved through symlinks; for a missing file, its nearest existing ancestor is resolved. */
export function realPathLoose(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute) return absolute;
    return join(realPathLoose(parent), absolute.slice(parent.length + 1));
  }
}

/**
 * Where `path` really is relative to `root`, after following symbolic links on both sides:
 * `inside` (and existing), `missing` (would be inside, but nothing is there) or `outside`.
 */
export function realPathPlacement(path: string, root: string): "inside" | "missing" | "outside" {
  const real = realPathLoose(path);
  if (!isInside(real, realPathLoose(root))) return "outside";
  try {
    realpathSync(real);
    return "inside";
  } catch {
    return "missing";
  }
}

/** Whether `reference` is a URL (a scheme such as `http:` or `file:`, or `//host`). */
export function isUrl(reference: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(reference) || reference.startsWith("//");
}

/**
 * Resolve `reference` (as written: relative to `directory`, percent-escapes allowed, a `?query`
 * or `#fragment` ignored) against `root`. URLs are `remote`; absolute paths and paths that leave
 * `root` are `outside`. Nothing is read: symbolic links are checked when the file is opened.
 */
export function resolveReference(
  reference: string,
  directory: string,
  root: string,
): PathResolution {
  if (isUrl(reference)) return { kind: "remote", url: reference };
  let decoded = reference;
  try {
    decoded = decodeURIComponent(reference);
  } catch {
    // A stray % is kept literally.
  }
  const path = decoded.replace(/[?#].*$/, "");
  const absolutePath = resolve(directory, path);
  if (isAbsolute(path) || path.includes("\0") || !isInside(absolutePath, resolve(root)))
    return { kind: "outside", absolutePath };
  return { kind: "local", absolutePath };
}

/** Why a guarded read failed. */
export type GuardFailure =
  | { status: "outside"; absolutePath: string }
  | { status: "missing"; absolutePath: string }
  | { status: "unreadable"; absolutePath: string; detail: string }
  | { status: "too-large"; absolutePath: string; size: number; limit: number };

/** A file opened through the guard: a regular file inside the root, within its size cap. */
export interface GuardedFile {
  absolutePath: string;
  /** The path after following symbolic links. */
  realPath: string;
  size: number;
  mtimeMs: number;
  handle: FileHandle;
}

function describeCode(code: string | undefined, error: unknown): string {
  if (code === "EISDIR") return "it is a folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ELOOP") return "too many symbolic links";
  return String(code ?? (error as Error).message);
}

/** What a non-regular file is, for the diagnostic. */
function fileType(stats: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stats.isDirectory()) return "it is a folder";
  if (stats.isFIFO()) return "it is a named pipe (FIFO), not a regular file";
  if (stats.isCharacterDevice() || stats.isBlockDevice())
    return "it is a device, not a regular file";
  if (stats.isSocket()) return "it is a socket, not a regular file";
  return "it is not a regular file";
}

/** O_NONBLOCK: opening a FIFO never waits for a writer; O_NOFOLLOW: the real path is final. */
const openFlags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/** The failure a file-system error means: a missing file or folder, else unreadable. */
function failureOf(error: unknown, absolutePath: string): GuardFailure {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return { status: "missing", absolutePath };
  return { status: "unreadable", absolutePath, detail: describeCode(code, error) };
}

/**
 * Open `absolutePath` for reading when it is a regular file whose real path lies inside `root`
 * (after following links) and whose size is within the cap of `kind`. The caller closes the
 * handle; prefer `readGuarded` and `readGuardedParts`.
 */
export async function openGuarded(
  absolutePath: string,
  root: string,
  kind: FileKind,
): Promise<{ ok: true; file: GuardedFile } | { ok: false; failure: GuardFailure }> {
  let realPath: string;
  try {
    const [real, realRoot] = await Promise.all([realpath(absolutePath), realpath(root)]);
    if (!isInside(real, realRoot))
      return { ok: false, failure: { status: "outside", absolutePath: real } };
    realPath = real;
  } catch (error) {
    return { ok: false, failure: failureOf(error, absolutePath) };
  }
  let handle: FileHandle;
  try {
    handle = await open(realPath, openFlags);
  } catch (error) {
    return { ok: false, failure: failureOf(error, absolutePath) };
  }
  const stats = await handle.stat();
  const refuse = async (failure: GuardFailure) => {
    await handle.close();
    return { ok: false as const, failure };
  };
  if (!stats.isFile())
    return refuse({ status: "unreadable", absolutePath, detail: fileType(stats) });
  const limit = sizeLimits[kind];
  if (stats.size > limit)
    return refuse({ status: "too-large", absolutePath, size: stats.size, limit });
  return {
    ok: true,
    file: { absolutePath, realPath, size: stats.size, mtimeMs: stats.mtimeMs, handle },
  };
}

/** A guarded read's bytes, or why there are none. */
export type GuardedRead =
  | { ok: true; absolutePath: string; realPath: string; bytes: Buffer; size: number }
  | { ok: false; failure: GuardFailure };

async function readRange(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Read a whole file through the guard (see `openGuarded`); never more than its cap. */
export async function readGuarded(
  absolutePath: string,
  root: string,
  kind: FileKind,
): Promise<GuardedRead> {
  const opened = await openGuarded(absolutePath, root, kind);
  if (!opened.ok) return opened;
  const { file } = opened;
  try {
    // One byte past the size seen: a file that grew past its cap is refused, not read on.
    const bytes = await readRange(file.handle, 0, Math.min(file.size, sizeLimits[kind]) + 1);
    if (bytes.length > sizeLimits[kind]) {
      const failure: GuardFailure = {
        status: "too-large",
        absolutePath,
        size: bytes.length,
        limit: sizeLimits[kind],
      };
      return { ok: false, failure };
    }
    return { ok: true, absolutePath, realPath: file.realPath, bytes, size: bytes.length };
  } finally {
    await file.handle.close();
  }
}

/** The head and tail of a file, and a way to stream its whole content in bounded chunks. */
export interface FileParts {
  absolutePath: string;
  realPath: string;
  size: number;
  head: Buffer;
  tail: Buffer;
  /** Call `visit` with successive chunks of the whole file (each at most 64 KiB). */
  scan(visit: (chunk: Buffer, position: number) => void): Promise<void>;
}

/**
 * Open a file through the guard and read only its first `headBytes` and last `tailBytes`;
 * `use` may `scan` the rest. The file is closed when `use` returns.
 */
export async function readGuardedParts<T>(
  absolutePath: string,
  root: string,
  kind: FileKind,
  headBytes: number,
  tailBytes: number,
  use: (parts: FileParts) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; failure: GuardFailure }> {
  const opened = await openGuarded(absolutePath, root, kind);
  if (!opened.ok) return opened;
  const { file } = opened;
  try {
    const head = await readRange(file.handle, 0, Math.min(headBytes, file.size));
    const tailStart = Math.max(0, file.size - tailBytes);
    const tail = await readRange(file.handle, tailStart, file.size - tailStart);
    const scan = async (visit: (chunk: Buffer, position: number) => void) => {
      const chunk = Buffer.alloc(64 * 1024);
      for (let position = 0; position < file.size; ) {
        const { bytesRead } = await file.handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) break;
        visit(chunk.subarray(0, bytesRead), position);
        position += bytesRead;
      }
    };
    const value = await use({
      absolutePath,
      realPath: file.realPath,
      size: file.size,
      head,
      tail,
      scan,
    });
    return { ok: true, value };
  } finally {
    await file.handle.close();
  }
}

/** A sentence for a guard failure, e.g. for a diagnostic's reason. */
export function describeFailure(failure: GuardFailure): string {
  switch (failure.status) {
    case "outside":
      return `it lies outside the allowed folder (at \`${failure.absolutePath}\`)`;
    case "missing":
      return "the file does not exist";
    case "too-large":
      return `it is ${(failure.size / 1048576).toFixed(1)} MB, more than the ${failure.limit / 1048576} MB allowed`;
    default:
      return failure.detail;
  }
}

/**
 * The absolute path of output `name` inside `outDir`, or an Error when `name` would leave it
 * (`..`, an absolute path, a NUL byte). Every output path is made here.
 */
export function outputPath(outDir: string, ...names: string[]): string {
  const base = resolve(outDir);
  for (const name of names) {
    if (name === "" || name.includes("\0") || isAbsolute(name))
      throw new Error(`Refused output name \`${name}\`: expected a relative path inside --out.`);
  }
  const path = resolve(base, ...names);
  if (path === base || !isInside(path, base))
    throw new Error(`Refused output name \`${names.join("/")}\`: it leaves the output folder.`);
  return path;
}

/**
 * `readGuarded` for the few synchronous callers (the journal loader): the same checks — real
 * path inside `root`, opened without blocking, regular file only, within the cap of `kind`.
 */
export function readGuardedSync(absolutePath: string, root: string, kind: FileKind): GuardedRead {
  let realPath: string;
  try {
    realPath = realpathSync(absolutePath);
    if (!isInside(realPath, realpathSync(root)))
      return { ok: false, failure: { status: "outside", absolutePath: realPath } };
  } catch (error) {
    return { ok: false, failure: failureOf(error, absolutePath) };
  }
  let descriptor: number;
  try {
    descriptor = openSync(realPath, openFlags);
  } catch (error) {
    return { ok: false, failure: failureOf(error, absolutePath) };
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile())
      return {
        ok: false,
        failure: { status: "unreadable", absolutePath, detail: fileType(stats) },
      };
    const limit = sizeLimits[kind];
    if (stats.size > limit)
      return { ok: false, failure: { status: "too-large", absolutePath, size: stats.size, limit } };
    const buffer = Buffer.alloc(stats.size + 1);
    let filled = 0;
    for (;;) {
      const count = readSync(descriptor, buffer, filled, buffer.length - filled, filled);
      if (count === 0) break;
      filled += count;
      if (filled === buffer.length) break;
    }
    if (filled > limit)
      return { ok: false, failure: { status: "too-large", absolutePath, size: filled, limit } };
    return { ok: true, absolutePath, realPath, bytes: buffer.subarray(0, filled), size: filled };
  } finally {
    closeSync(descriptor);
  }
}
