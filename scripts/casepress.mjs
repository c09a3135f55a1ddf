#!/usr/bin/env node
// The `casepress` command. It runs the bundle that `npm ci` builds (scripts/bundle.mjs) and,
// when that is missing, the TypeScript sources through tsx.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// A closed pipe (`casepress rules | head`) ends the run quietly instead of with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, "..", "node_modules", ".cache", "casepress", "cli.mjs");
let cli;
if (existsSync(bundle) && !process.env.CASEPRESS_FROM_SOURCE) {
  cli = await import(pathToFileURL(bundle).href);
} else {
  const { tsImport } = await import("tsx/esm/api");
  cli = await tsImport("./cli.ts", import.meta.url);
}
process.exitCode = await cli.main(process.argv.slice(2));
