#!/usr/bin/env node
/**
 * Make sure a Chrome/Chromium for PDF output is available.
 *
 *   node scripts/pdf/setup-browser.mjs          # find, or install with apt-get when root
 *   node scripts/pdf/setup-browser.mjs --check  # only report; never install
 *
 * Plain JavaScript without dependencies, so it runs on a fresh machine before
 * anything else. The search order is find-browser.ts's
 * (PUPPETEER_EXECUTABLE_PATH, system paths, puppeteer's cache), and the
 * locations come from the same file, browser-paths.json. When nothing is
 * found and we are root on a system with apt-get, it runs `apt-get update`
 * and `apt-get install -y chromium-headless-shell poppler-utils` (`chromium`
 * where apt does not know the headless shell; poppler-utils gives pdftotext,
 * pdfinfo and pdffonts for the PDF tests),
 * printing each command first. The commands and their arguments are fixed:
 * nothing from a manuscript reaches them, and only a person runs this script.
 * Otherwise it prints how to get a browser. When the browser found is a full
 * Chrome or Chromium and apt-get knows `chromium-headless-shell`, it suggests
 * installing that (the same pages, printed faster) but installs nothing.
 * Exit status 0 when a browser is available at the end, 1 when not.
 */

import { spawnSync } from "node:child_process";
import { accessSync, constants, readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where to look: the same JSON file find-browser.ts reads. */
const browserPaths = JSON.parse(
  readFileSync(fileURLToPath(new URL("./browser-paths.json", import.meta.url)), "utf8"),
);

/** System locations, in order. */
export const SYSTEM_BROWSER_PATHS = /** @type {string[]} */ (browserPaths.system);

/** Executables inside one version folder of puppeteer's cache, per browser folder in order. */
export const CACHE_EXECUTABLES = /** @type {Record<string, string[]>} */ (
  browserPaths.puppeteerCache
);

/** Executable names of the headless shell. */
export const HEADLESS_SHELL_NAMES = /** @type {string[]} */ (browserPaths.headlessShellNames);

/** Debian's package of the headless shell, preferred for PDFs. */
export const HEADLESS_SHELL_PACKAGE = "chromium-headless-shell";

/**
 * Debian packages installed when no browser is found: the headless shell where apt knows it
 * (Debian 12 and later), else full Chromium; poppler-utils either way.
 * @param {(name: string) => boolean} aptKnows whether apt can install a package of that name
 */
export function aptPackages(aptKnows) {
  return [aptKnows(HEADLESS_SHELL_PACKAGE) ? HEADLESS_SHELL_PACKAGE : "chromium", "poppler-utils"];
}

const HELP = [
  "Casepress needs Chrome or Chromium to write PDFs. Any one of these works:",
  `  - Debian: sudo apt-get install ${HEADLESS_SHELL_PACKAGE} poppler-utils   (or chromium)`,
  "  - any system with internet access: npx puppeteer browsers install chrome",
  "  - an existing browser: export PUPPETEER_EXECUTABLE_PATH=/path/to/chrome",
].join("\n");

/** @param {string} path */
function isExecutable(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser to use, or null.
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ path: string, source: string } | { path: null, reason: string }}
 */
export function locateBrowser(env = process.env) {
  const fromEnv = env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) {
    return isExecutable(fromEnv)
      ? { path: fromEnv, source: "env" }
      : { path: null, reason: `PUPPETEER_EXECUTABLE_PATH=${fromEnv} is not an executable file.` };
  }
  for (const candidate of SYSTEM_BROWSER_PATHS) {
    if (isExecutable(candidate)) return { path: candidate, source: "system" };
  }
  const cache = env.PUPPETEER_CACHE_DIR || join(homedir(), ".cache", "puppeteer");
  for (const [folder, executables] of Object.entries(CACHE_EXECUTABLES)) {
    let versions = [];
    try {
      versions = readdirSync(join(cache, folder)).sort().reverse();
    } catch {
      // no cache folder
    }
    for (const version of versions) {
      for (const executable of executables) {
        const candidate = join(cache, folder, version, executable);
        if (isExecutable(candidate)) return { path: candidate, source: "puppeteer-cache" };
      }
    }
  }
  return { path: null, reason: "No Chrome or Chromium found." };
}

/**
 * Whether `path` names a headless shell (by file name, as find-browser.ts decides).
 * @param {string} path
 */
export function isHeadlessShell(path) {
  const name = (path.split(/[\\/]/).pop() ?? "").replace(/\.exe$/i, "");
  return HEADLESS_SHELL_NAMES.includes(name);
}

/**
 * A line suggesting the headless shell when the browser found is a full one and the headless
 * shell can be installed with apt-get; null otherwise.
 * @param {string} path the browser found
 * @param {(name: string) => boolean} aptKnows whether apt can install a package of that name
 */
export function headlessShellSuggestion(path, aptKnows) {
  if (isHeadlessShell(path) || !aptKnows(HEADLESS_SHELL_PACKAGE)) return null;
  return `Tip: Debian's ${HEADLESS_SHELL_PACKAGE} prints the same PDFs faster and with less memory; Casepress prefers it when installed: sudo apt-get install ${HEADLESS_SHELL_PACKAGE}`;
}

/**
 * Whether apt has a candidate version of `name` (false where apt-cache is missing).
 * @param {string} name
 */
function aptKnows(name) {
  if (!isExecutable("/usr/bin/apt-cache")) return false;
  const result = spawnSync("apt-cache", ["policy", name], { encoding: "utf8" });
  return result.status === 0 && /Candidate: (?!\(none\))\S+/.test(result.stdout ?? "");
}

/**
 * Report the browser found, with the headless-shell suggestion when it applies.
 * @param {{ path: string, source: string }} found
 */
function announce(found) {
  console.log(`Browser for PDF output: ${found.path} (${found.source})`);
  const tip = found.source === "env" ? null : headlessShellSuggestion(found.path, aptKnows);
  if (tip !== null) console.log(tip);
}

/**
 * Run a command, echoing it first.
 * @param {string} command
 * @param {string[]} args
 */
function run(command, args) {
  console.log(`$ ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return result.status === 0;
}

/** @param {string[]} argv */
function main(argv) {
  const checkOnly = argv.includes("--check");
  let found = locateBrowser();
  if (found.path !== null) {
    announce(found);
    return 0;
  }
  console.log(found.reason);
  // An explicit but wrong PUPPETEER_EXECUTABLE_PATH is the user's to fix.
  const explicit = Boolean(process.env.PUPPETEER_EXECUTABLE_PATH);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = isExecutable("/usr/bin/apt-get");
  if (checkOnly || explicit || !isRoot || !hasApt) {
    console.log(HELP);
    return 1;
  }
  if (!run("apt-get", ["update"])) {
    console.log(`apt-get failed.\n${HELP}`);
    return 1;
  }
  const packages = aptPackages(aptKnows);
  console.log(`Installing ${packages.join(" ")} with apt-get:`);
  if (!run("apt-get", ["install", "-y", ...packages])) {
    console.log(`apt-get failed.\n${HELP}`);
    return 1;
  }
  found = locateBrowser();
  if (found.path === null) {
    console.log(`Still no browser after installing.\n${HELP}`);
    return 1;
  }
  announce(found);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
