#!/usr/bin/env node
// The `casepress` command started as `node scripts/casepress.mjs`. (The installed command,
// scripts/casepress.sh, starts from the V8 startup snapshot when it is current, and falls back
// to this file.) It runs the bundle that `npm ci` builds (scripts/dev/bundle.mjs) and, when that
// is missing or older than a source file, the TypeScript sources through tsx.
//
// The bundle is one CommonJS file compiled through V8's code cache (scripts/cli/load-bundle.cjs):
// later runs skip parsing and compiling 5 MB of JavaScript.
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const { guardOutputStreams, loadBundle } = createRequire(import.meta.url)("./cli/load-bundle.cjs");
guardOutputStreams();

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
