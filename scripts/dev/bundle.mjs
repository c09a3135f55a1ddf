// Bundles the CLI into one CommonJS file with esbuild, then runs it once on the sample so V8's
// code cache for it is written (see casepress.mjs). Run by `npm ci` (the `prepare` script) and
// by `npm run bench`. One file and a code cache make start-up cheap: no module resolution, and
// almost nothing left to compile. Native packages (sharp) stay external.
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const outDir = join(root, "node_modules", ".cache", "casepress");

/**
 * citation-js can fetch URLs (sync-fetch, node-fetch); Casepress never hands it one, and loading
 * them costs http, zlib and worker threads at start-up. sharp is a native module: keep it out of
 * the bundle and load its CommonJS build with `require`, which is cheaper than `import()`.
 */
const casepressPlugin = {
  name: "casepress",
  setup(builder) {
    builder.onResolve({ filter: /^(sync-fetch|node-fetch)$/ }, (args) => ({
      path: args.path,
      namespace: "no-network",
    }));
    builder.onLoad({ filter: /.*/, namespace: "no-network" }, () => ({
      contents: 'module.exports = () => { throw new Error("Casepress does not fetch URLs."); };',
      loader: "js",
    }));
    builder.onResolve({ filter: /^sharp$/ }, (args) =>
      args.namespace === "require-external"
        ? { path: args.path, external: true }
        : { path: args.path, namespace: "require-external" },
    );
    builder.onLoad({ filter: /.*/, namespace: "require-external" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
      resolveDir: root,
    }));
    // fdir loads picomatch through its own `createRequire`, out of esbuild's sight: a second
    // copy, resolved and compiled at every start, and a user module loaded behind the snapshot's
    // back. Point it at the copy tinyglobby already bundles.
    builder.onLoad({ filter: /[\\/]fdir[\\/]dist[\\/]index\.mjs$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const lookup = /__require\.resolve\("picomatch"\);\s*pm = __require\("picomatch"\);/;
      if (!lookup.test(source))
        throw new Error(`fdir changed how it loads picomatch (${args.path}); update bundle.mjs.`);
      return {
        contents: `import casepressPicomatch from "picomatch";\n${source.replace(lookup, "pm = casepressPicomatch;")}`,
        loader: "js",
        resolveDir: dirname(args.path),
      };
    });
    // The PDF renderer (puppeteer-core, pdf-lib: half the code) is a bundle of its own, loaded
    // only when a PDF is written; casepress.mjs's `require` gives it the code cache as well.
    builder.onResolve({ filter: /^\.\/render-pdf\.(ts|cjs)$/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      return args.namespace === "require-external"
        ? { path: "./render-pdf.cjs", external: true }
        : { path: "./render-pdf.cjs", namespace: "require-external" };
    });
  },
};

rmSync(outDir, { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: {
    cli: join(root, "scripts", "cli", "bundle-entry.ts"),
    "render-pdf": join(root, "scripts", "pdf", "render-pdf.ts"),
  },
  outdir: outDir,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // The PDF renderer passes the browser's path itself, so puppeteer-core (no download, no config
  // search) is all it needs. chromium-bidi is only loaded for WebDriver BiDi, which Casepress does
  // not use.
  alias: { puppeteer: "puppeteer-core" },
  external: ["tsx", "chromium-bidi/*", "bufferutil", "utf-8-validate"],
  plugins: [casepressPlugin],
  define: { "import.meta.url": "__casepressModuleUrl" },
  banner: {
    js: 'const __casepressModuleUrl = require("node:url").pathToFileURL(__filename).href;',
  },
  legalComments: "none",
  // ASCII only (other characters as \u escapes): V8 then holds the source as one-byte strings,
  // half the memory of two-byte ones, and scans it faster.
  charset: "ascii",
  metafile: true,
  logLevel: "warning",
});

// What went into the bundles, for tests/dev/snapshot.test.ts (one copy of each package).
writeFileSync(join(outDir, "meta.json"), JSON.stringify(metafile));

// esbuild escapes the non-ASCII characters of strings and names, but leaves those of regular
// expressions and comments; one of them makes V8 hold the whole bundle as a two-byte string.
// Escape those too, one UTF-16 unit at a time: `\uXXXX` means the same in a regular expression
// with or without the u flag (a surrogate pair is joined under u), and nothing in a comment.
for (const name of ["cli.cjs", "render-pdf.cjs"]) {
  const path = join(outDir, name);
  const code = readFileSync(path, "utf8");
  const ascii = code.replace(
    /[^\0-\x7f]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  if (ascii !== code) writeFileSync(path, ascii);
}

const sample = join(root, "manuscript", "case-report.md");
/** The environment of the processes started here: no forced sources, no certificate file. */
function childEnvironment() {
  const env = { ...process.env };
  delete env.CASEPRESS_FROM_SOURCE;
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

// Warm-up: build the sample once (PDF too when a browser is found) so the code cache holds every
// function a build compiles. casepress.mjs writes the cache when it finds none.
if (existsSync(sample) && !process.env.CASEPRESS_SKIP_WARM_UP) {
  const out = mkdtempSync(join(tmpdir(), "casepress-warm-up-"));
  try {
    spawnSync(
      process.execPath,
      [join(root, "scripts", "casepress.mjs"), "build", sample, "--out", out],
      { cwd: root, env: childEnvironment(), stdio: "ignore" },
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The key scripts/casepress.sh compares before it starts from the snapshot: this Node binary as
 * `stat -L -c '%s %Y %i'` prints it (size, modification time in seconds, inode), and this
 * Casepress folder.
 */
function snapshotKey(nodePath, casepressRoot) {
  const node = statSync(nodePath);
  return `${node.size} ${Math.floor(node.mtimeMs / 1000)} ${node.ino}\n${casepressRoot}\n${process.version}\n`;
}

// The V8 startup snapshot (scripts/dev/snapshot.cjs): the bundle evaluated and the sample built
// once, frozen. Written under a temporary name and renamed, key last, so scripts/casepress.sh
// never sees half of it; if it cannot be built, the command runs without it.
if (!process.env.CASEPRESS_SKIP_SNAPSHOT) {
  const blob = join(outDir, "casepress.blob");
  const temporary = `${blob}.${process.pid}.tmp`;
  const built = spawnSync(
    process.execPath,
    [
      "--snapshot-blob",
      temporary,
      "--build-snapshot",
      join(root, "scripts", "dev", "snapshot.cjs"),
      join(outDir, "cli.cjs"),
      ...(existsSync(sample) ? [sample] : []),
    ],
    { cwd: root, env: childEnvironment(), encoding: "utf8" },
  );
  if (built.status === 0 && existsSync(temporary)) {
    renameSync(temporary, blob);
    writeFileSync(`${blob}.key`, snapshotKey(process.execPath, realpathSync(root)));
  } else {
    rmSync(temporary, { force: true });
    const why =
      built.error?.message ?? built.stderr.split("\n").find((line) => /error/i.test(line));
    process.stderr.write(
      `casepress: no start-up snapshot (${why ?? `exit ${built.status ?? built.signal}`}); casepress runs without it.\n`,
    );
  }
}
