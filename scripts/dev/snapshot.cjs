// The entry of Casepress's V8 startup snapshot, built by scripts/dev/bundle.mjs with
//   node --snapshot-blob <blob> --build-snapshot scripts/dev/snapshot.cjs <cli.cjs> <sample.md>
// and started by scripts/casepress.sh with `node --snapshot-blob <blob> -- <arguments>`.
//
// At build time it evaluates the CLI bundle and builds the sample once into a temporary folder
// (`warmUp` in scripts/cli/bundle-entry.ts), so the frozen heap holds the loaded code, the
// default journal, its compiled CSL style and locale, and the frozen processors. Nothing that
// depends on the environment or the working folder may be read while the modules load
// (tests/dev/top-level-reads.test.ts): it would be frozen too.
//
// Only Node's own modules can be `require`d while the snapshot is built. The bundle is given a
// `require` that forwards to whichever is current: Node's built-in one at build time, a real one
// (scripts/cli/load-bundle.cjs, for sharp and the PDF bundle) once deserialised.
"use strict";
const { mkdtempSync, readFileSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { dirname, join, resolve } = require("node:path");
const v8 = require("node:v8");

const bundlePath = resolve(process.argv[2] ?? "");
const samplePath = process.argv[3] === undefined ? undefined : resolve(process.argv[3]);

let activeRequire = require;
const forwardingRequire = Object.assign((id) => activeRequire(id), {
  resolve: (id, options) => activeRequire.resolve(id, options),
});

// Casepress's own bundle, compiled by an indirect eval in the global scope, as `vm` would do;
// not with `vm`, whose Script keeps a handle V8 cannot put into a snapshot.
// biome-ignore lint/security/noGlobalEval: evaluates the bundle bundle.mjs just wrote, no input.
const evaluate = eval;
const wrapped = evaluate(
  `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundlePath, "utf8")}\n})`,
);
const bundleModule = { exports: {} };
wrapped(bundleModule.exports, forwardingRequire, bundleModule, bundlePath, dirname(bundlePath));
const cli = bundleModule.exports;
const builtWith = process.version;

async function warmUp() {
  if (samplePath === undefined) return;
  const out = mkdtempSync(join(tmpdir(), "casepress-snapshot-"));
  try {
    const written = await cli.warmUp(samplePath, out, process.cwd());
    if (written === 0) throw new Error(`The warm-up build of ${samplePath} wrote nothing.`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

warmUp().then(
  () => {
    v8.startupSnapshot.setDeserializeMainFunction(async () => {
      // Node refuses a snapshot of another version; this only guards against a future change.
      if (process.version !== builtWith) {
        process.stderr.write(
          `casepress: the start-up snapshot was built by Node.js ${builtWith}, not ${process.version}; run \`node scripts/dev/bundle.mjs\`.\n`,
        );
        process.exitCode = 2;
        return;
      }
      const loaderPath = join(__dirname, "..", "cli", "load-bundle.cjs");
      const loader = require("node:module").createRequire(loaderPath)(loaderPath);
      loader.guardOutputStreams();
      activeRequire = loader.bundleRequire(bundlePath);
      process.exitCode = await cli.main(process.argv.slice(1));
    });
  },
  (error) => {
    process.stderr.write(`casepress: cannot build the start-up snapshot: ${error.stack}\n`);
    process.exit(1);
  },
);
