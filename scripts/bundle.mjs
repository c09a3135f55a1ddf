// Bundles the CLI into one ESM file with esbuild so a run does not resolve hundreds of modules.
// Run by `npm ci` (the `prepare` script). Native and browser packages stay external.
import { build } from "esbuild";

await build({
  entryPoints: { cli: "scripts/cli.ts" },
  outdir: "node_modules/.cache/casepress",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["sharp", "puppeteer", "puppeteer-core", "tsx"],
  banner: {
    js: "import { createRequire as __casepressRequire } from 'node:module'; const require = __casepressRequire(import.meta.url);",
  },
  legalComments: "none",
  logLevel: "warning",
});
