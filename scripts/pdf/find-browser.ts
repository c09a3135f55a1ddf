/**
 * Find a Chrome or Chromium executable for the PDF renderer.
 *
 * Order: `PUPPETEER_EXECUTABLE_PATH`, then the usual system locations (Debian's
 * `chromium-headless-shell` first, then full Chromium and Chrome), then puppeteer's download
 * cache (its headless shell first, then Chrome for Testing). Nothing here launches a browser or
 * imports puppeteer (only `render-pdf.ts` does); it only looks at the file system.
 * {@link headlessModeFor} tells `render-pdf.ts` which headless mode the found executable needs.
 * The locations live in `browser-paths.json`, which `setup-browser.mjs` (plain JavaScript, run
 * before `npm ci`) reads too: one list for both.
 */

import { accessSync, constants, readdirSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import browserPaths from "./browser-paths.json" with { type: "json" };

/** A browser was found. */
export interface BrowserFound {
  /** Absolute path of the executable. */
  path: string;
  /** Where it came from: the environment variable, a system path, or puppeteer's cache. */
  source: "env" | "system" | "puppeteer-cache";
}

/** No browser was found; `help` says how to get one. */
export interface BrowserMissing {
  path: null;
  /** A multi-line message for people: what was searched and how to install a browser. */
  help: string;
}

/** Result of {@link findBrowser}. */
export type BrowserLookup = BrowserFound | BrowserMissing;

/**
 * System locations tried in order: Debian's headless shell, Debian/Ubuntu's Chromium, Google's
 * packages, macOS.
 */
export const SYSTEM_BROWSER_PATHS: readonly string[] = browserPaths.system;

/**
 * Executables inside one version folder of puppeteer's cache
 * (`<cache>/<browser>/<platform>-<build>/…`), per browser folder in the order tried, and per
 * platform.
 */
export const CACHE_EXECUTABLES: Readonly<Record<string, readonly string[]>> =
  browserPaths.puppeteerCache;

/** Executable names (without `.exe`) of the headless shell, the old headless mode's own binary. */
export const HEADLESS_SHELL_NAMES: readonly string[] = browserPaths.headlessShellNames;

/** Whether the file name of `path` is one of {@link HEADLESS_SHELL_NAMES}. */
function namedHeadlessShell(path: string): boolean {
  return HEADLESS_SHELL_NAMES.includes(basename(path).replace(/\.exe$/i, ""));
}

/**
 * The headless mode puppeteer must launch `executablePath` in: `"shell"` for the headless shell
 * (Debian's `chromium-headless-shell`, puppeteer's `chrome-headless-shell`), recognised by its
 * file name or, for a link, by the name of the file it points to; `true` (Chrome's own headless
 * mode) for every other browser.
 */
export function headlessModeFor(executablePath: string): "shell" | true {
  if (namedHeadlessShell(executablePath)) return "shell";
  try {
    if (namedHeadlessShell(realpathSync(executablePath))) return "shell";
  } catch {
    // Missing or unreadable: the launch will say so.
  }
  return true;
}

/** How to get a browser; the tail of every "not found" message. */
export const BROWSER_HELP = [
  "Casepress needs Chrome or Chromium to write PDFs. Any one of these works:",
  "  - Debian: sudo apt-get install chromium-headless-shell   (or chromium; or run: node scripts/pdf/setup-browser.mjs)",
  "  - any system with internet access: npx puppeteer browsers install chrome",
  "  - an existing browser: export PUPPETEER_EXECUTABLE_PATH=/path/to/chrome",
].join("\n");

/** File-system probes, replaceable in tests. */
export interface FindBrowserOptions {
  /** System paths to try (default {@link SYSTEM_BROWSER_PATHS}). */
  systemPaths?: readonly string[];
  /** Home directory for the default cache location (default `os.homedir()`). */
  homeDir?: string;
  /** Whether `path` is an executable regular file (default: `fs.accessSync(X_OK)` on a file). */
  isExecutable?: (path: string) => boolean;
  /** Entries of a directory, `[]` when it is missing (default `fs.readdirSync`). */
  listDir?: (path: string) => string[];
  /**
   * Whether a headless shell may be chosen (default true). False skips it among the system and
   * cache locations, for callers that drive pages as a reader's browser would (the axe and
   * live-preview tests); `PUPPETEER_EXECUTABLE_PATH` still wins.
   */
  headlessShell?: boolean;
}

/** Whether `path` is a regular file the current user may execute. */
function defaultIsExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Directory entries, or none when the directory cannot be read. */
function defaultListDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** Compare `linux-131.0.6778.85` style folder names by their numeric version, newest first. */
function byVersionDescending(a: string, b: string): number {
  const parts = (name: string): number[] =>
    (name.split("-").pop() ?? "").split(".").map((n) => Number.parseInt(n, 10) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return b.localeCompare(a);
}

/**
 * Locate a browser executable.
 *
 * `PUPPETEER_EXECUTABLE_PATH` wins when set; if it does not point at an
 * executable file the result is a "missing" answer that says so (a wrong
 * explicit setting should not silently fall back to another browser).
 * The cache folder honours `PUPPETEER_CACHE_DIR`. A found headless shell is launched in
 * puppeteer's `"shell"` mode (see {@link headlessModeFor}).
 */
export function findBrowser(
  env: NodeJS.ProcessEnv = process.env,
  options: FindBrowserOptions = {},
): BrowserLookup {
  const isExecutable = options.isExecutable ?? defaultIsExecutable;
  const listDir = options.listDir ?? defaultListDir;

  const fromEnv = env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (isExecutable(fromEnv)) return { path: fromEnv, source: "env" };
    return {
      path: null,
      help: `PUPPETEER_EXECUTABLE_PATH is set to ${JSON.stringify(fromEnv)}, but that is not an executable file. Fix or unset it.\n${BROWSER_HELP}`,
    };
  }

  const allowed = (path: string): boolean =>
    options.headlessShell !== false || !namedHeadlessShell(path);
  const systemPaths = (options.systemPaths ?? SYSTEM_BROWSER_PATHS).filter(allowed);
  for (const candidate of systemPaths) {
    if (isExecutable(candidate)) return { path: candidate, source: "system" };
  }

  const cacheDir =
    env.PUPPETEER_CACHE_DIR !== undefined && env.PUPPETEER_CACHE_DIR !== ""
      ? env.PUPPETEER_CACHE_DIR
      : join(options.homeDir ?? homedir(), ".cache", "puppeteer");
  const searched = ["PUPPETEER_EXECUTABLE_PATH (not set)", ...systemPaths];
  for (const [folder, executables] of Object.entries(CACHE_EXECUTABLES)) {
    const browserDir = join(cacheDir, folder);
    const wanted = executables.filter(allowed);
    if (wanted[0] !== undefined) searched.push(join(browserDir, "*", wanted[0]));
    for (const version of listDir(browserDir).sort(byVersionDescending)) {
      for (const exe of wanted) {
        const candidate = join(browserDir, version, exe);
        if (isExecutable(candidate)) return { path: candidate, source: "puppeteer-cache" };
      }
    }
  }

  return {
    path: null,
    help: `No Chrome or Chromium found. Searched:\n${searched.map((s) => `  ${s}`).join("\n")}\n${BROWSER_HELP}`,
  };
}
