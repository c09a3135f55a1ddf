// What both ways of starting the bundled CLI share: scripts/casepress.mjs (a plain `node` start)
// and the V8 startup snapshot's main function (scripts/dev/snapshot.cjs, started by
// scripts/casepress.sh). CommonJS, so the snapshot can `require` it once it is deserialised.
"use strict";
const { readFileSync, renameSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { dirname, join } = require("node:path");
const { Script, constants: vmConstants } = require("node:vm");

/** A bundle beside cli.cjs that is loaded through the code cache too (`./render-pdf.cjs`). */
const siblingBundle = /^\.\/[\w-]+\.cjs$/;

/**
 * The `require` a bundle at `path` is given: sibling bundles load through V8's code cache
 * (`loadBundle`), everything else (node: modules, sharp) through Node's own `require`.
 */
function bundleRequire(path) {
  const nodeRequire = createRequire(path);
  return Object.assign(
    (id) => (siblingBundle.test(id) ? loadBundle(join(dirname(path), id)) : nodeRequire(id)),
    nodeRequire,
  );
}

/**
 * Load the CommonJS bundle at `path`, compiled from V8's code cache (`<path>.v8-cache`) when it
 * fits; returns its exports. The first run after a (re)build saves the compiled code beside the
 * bundle, so later runs skip parsing and compiling it. A stale or foreign cache is rejected by
 * V8 and rewritten.
 */
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
  script.runInThisContext()(module.exports, bundleRequire(path), module, path, dirname(path));
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

/**
 * A closed pipe (`casepress rules | head`) ends the run quietly instead of with a stack trace;
 * any other failure to write (a full disk, `> /dev/full`) is one clean line and exit code 2.
 */
function guardOutputStreams() {
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
}

module.exports = { bundleRequire, guardOutputStreams, loadBundle };
