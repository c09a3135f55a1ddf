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
 * and `apt-get install -y chromium poppler-utils` (poppler-utils gives
 * pdftotext, pdfinfo and pdffonts for the PDF tests), printing each command
 * first. The commands and their arguments are fixed: nothing from a
 * manuscript reaches them, and only a person runs this script.
 * Otherwise it prints how to get a browser. Exit status 0 when a browser is
 * available at the end, 1 when not.
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

/** Executables inside one version folder of puppeteer's cache. */
export const CACHE_EXECUTABLES = /** @type {string[]} */ (browserPaths.puppeteerCache);

/** Debian packages installed when no browser is found. */
export const APT_PACKAGES = ["chromium", "poppler-utils"];

const HELP = [
  "Casepress needs Chrome or Chromium to write PDFs. Any one of these works:",
  "  - Debian/Ubuntu: sudo apt-get install chromium poppler-utils",
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
  let versions = [];
  try {
    versions = readdirSync(join(cache, "chrome")).sort().reverse();
  } catch {
    // no cache folder
  }
  for (const version of versions) {
    for (const executable of CACHE_EXECUTABLES) {
      const candidate = join(cache, "chrome", version, executable);
      if (isExecutable(candidate)) return { path: candidate, source: "puppeteer-cache" };
    }
  }
  return { path: null, reason: "No Chrome or Chromium found." };
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
    console.log(`Browser for PDF output: ${found.path} (${found.source})`);
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
  console.log(`Installing ${APT_PACKAGES.join(" ")} with apt-get:`);
  if (!run("apt-get", ["update"]) || !run("apt-get", ["install", "-y", ...APT_PACKAGES])) {
    console.log(`apt-get failed.\n${HELP}`);
    return 1;
  }
  found = locateBrowser();
  if (found.path === null) {
    console.log(`Still no browser after installing.\n${HELP}`);
    return 1;
  }
  console.log(`Browser for PDF output: ${found.path} (${found.source})`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
