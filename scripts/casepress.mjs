#!/usr/bin/env node
// The `casepress` command. It runs the bundle that `npm ci` builds (scripts/dev/bundle.mjs) and,
// when that is missing or older than a source file, the TypeScript sources through tsx.
//
// The bundle is one CommonJS file compiled through V8's code cache: the first run after a
// (re)build saves the compiled code beside the bundle, and later runs skip parsing and
// compiling 4 MB of JavaScript. A stale or foreign cache is rejected by V8 and rewritten.
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script, constants as vmConstants } from "node:vm";

// A closed pipe (`casepress rules | head`) ends the run quietly instead of with a stack trace;
// any other failure to write (a full disk, `> /dev/full`) is one clean line and exit code 2.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    if (stream === process.stdout) {
      try {
        process.stderr.write(
          `casepress: cannot write to standard output: ${error.message}\nCheck that the disk or pipe it goes to has room.\n`,
        );
      } catch {
        // Standard error is gone too; the exit code still tells.
      }
    }
    process.exit(2);
  });
}

/** Load the bundle at `path`, from the code cache when it fits; returns its exports. */
function loadBundle(path) {
  const cachePath = `${path}.v8-cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${readFileSync(path, "utf8")}\n})`;
  const script = new Script(wrapper, {
    filename: path,
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} };
  const nodeRequire = createRequire(path);
  // `./render-pdf.cjs` and other bundles beside this one load through the code cache too.
  const bundleRequire = Object.assign(
    (id) => (/^\.\/[\w-]+\.cjs$/.test(id) ? loadBundle(join(dirname(path), id)) : nodeRequire(id)),
    nodeRequire,
  );
  script.runInThisContext()(module.exports, bundleRequire, module, path, dirname(path));
  if (cachedData === undefined || script.cachedDataRejected) {
    // Written when the run ends, so the cache holds every function the run compiled.
    process.once("beforeExit", () => {
      try {
        const temporary = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cachePath);
      } catch {
        // A read-only install runs without the cache.
      }
    });
  }
  return module.exports;
}

/** Whether the bundle exists and no TypeScript source under `sourceDirectory` is newer than it. */
function bundleIsFresh(bundlePath, sourceDirectory) {
  let built;
  try {
    built = statSync(bundlePath).mtimeMs;
  } catch {
    return false;
  }
  const newerThanBundle = (directory) =>
    readdirSync(directory, { withFileTypes: true }).some((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return entry.name !== "bench" && newerThanBundle(path);
      return entry.name.endsWith(".ts") && statSync(path).mtimeMs > built;
    });
  return !newerThanBundle(sourceDirectory);
}

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, "..", "node_modules", ".cache", "casepress", "cli.cjs");
let cli;
if (!process.env.CASEPRESS_FROM_SOURCE && bundleIsFresh(bundle, here)) {
  cli = loadBundle(bundle);
} else {
  // Edited sources (or no bundle yet) run through tsx, so a change is never hidden by a stale
  // bundle; `node scripts/dev/bundle.mjs` makes the fast path current again.
  const { tsImport } = await import("tsx/esm/api");
  cli = await tsImport("./cli/main.ts", import.meta.url);
}
process.exitCode = await cli.main(process.argv.slice(2));
