/**
 * `npm run bench`: Casepress against `pandoc --citeproc` and bare `chromium --print-to-pdf`,
 * whole-process wall time as a user runs it (`scripts/casepress.sh …`, the `casepress` command), judged against the
 * goals of issue 18 (bench-goals.ts). Every case runs twice: in the environment as it is, and
 * without `NODE_EXTRA_CA_CERTS` (bench-env.ts); the table puts the two side by side. Not part of
 * `npm test`. Options: bench-options.ts (`npm run bench -- --help`).
 *
 * Each pair runs alternately, A B A B, after one warm-up run each, so drift of a shared machine
 * hits both sides alike; the table shows medians. Memory is measured in runs of its own.
 * Results go to scripts/bench/results/ (git-ignored) as JSON (latest.json is the last run);
 * profiles of the cases that miss a goal go to scripts/bench/results/profiles/.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { casepressDirectory } from "../loaders/load-journal.ts";
import { findBrowser } from "../pdf/find-browser.ts";
import {
  cacheContents,
  clearReferenceCache,
  REFERENCE_CACHE_DIRECTORY,
  referenceCacheDirectory,
} from "./bench-cache.ts";
import { type EnvironmentVariant, environmentVariants, type VariantId } from "./bench-env.ts";
import { pandocStyle, prepareWorkspace, type Workspace } from "./bench-fixtures.ts";
import {
  formatMs,
  GOALS,
  type Goal,
  type Growth,
  growth,
  type Judged,
  judge,
} from "./bench-goals.ts";
import {
  type Command,
  canSampleMemory,
  type MemoryPeak,
  measureMemory,
  median,
  timeCommand,
} from "./bench-measure.ts";
import { type CaseId, parseBenchOptions, USAGE } from "./bench-options.ts";
import { formatProfile, type ProfileSummary, summariseProfile } from "./bench-profile.ts";
import { formatMet, formatRatio, resultsTable, type TableRow } from "./bench-table.ts";

const repository = casepressDirectory;
/** The `casepress` command as npm installs it (package.json `bin`): the sh launcher. */
const cli = join(repository, "scripts", "casepress.sh");
const resultsDirectory = join(repository, "scripts", "bench", "results");

const options = parseBenchOptions(process.argv.slice(2));
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const { runs, copies } = options;
const selected = (id: CaseId) => options.cases.includes(id);
const { variants, skipped: variantSkipped } = environmentVariants(process.env, options.variants);

/** One timed row of the benchmark. */
interface Case {
  id: CaseId;
  label: string;
  casepress: Command;
  peer?: { name: string; command: Command };
  goal?: Goal;
  /** Documents one run produces, for rates. */
  documents?: number;
  /** Untimed, before every Casepress run (clear or fill the reference cache). */
  before?: (env: NodeJS.ProcessEnv) => Promise<void>;
}

/** A measured row, in one environment variant. */
interface CaseResult {
  id: string;
  label: string;
  env: VariantId;
  casepressMs: number[];
  peer?: { name: string; ms: number[] };
  documents: number;
  goal?: Judged;
}

const casepress = (args: string[]): Command => ({
  file: cli,
  args,
  cwd: repository,
});

/** `command` run in `env`. */
const inEnv = (command: Command, env: NodeJS.ProcessEnv): Command => ({ ...command, env });

function tool(name: string, args: string[]): string | undefined {
  const result = spawnSync(name, args, { encoding: "utf8" });
  return result.status === 0 ? result.stdout.split("\n")[0]?.trim() : undefined;
}

const variantLabel = (id: VariantId) => variants.find((variant) => variant.id === id)?.label ?? id;

/** Run a case in one variant: warm-up, then `runs` alternating runs of Casepress and its peer. */
async function measure(entry: Case, variant: EnvironmentVariant): Promise<CaseResult> {
  process.stderr.write(`  ${entry.label} [${variant.label}] …`);
  const a: number[] = [];
  const b: number[] = [];
  for (let run = 0; run <= runs; run++) {
    await entry.before?.(variant.env);
    const casepressMs = await timeCommand(inEnv(entry.casepress, variant.env));
    const peerMs = entry.peer ? await timeCommand(inEnv(entry.peer.command, variant.env)) : 0;
    if (run === 0) continue; // The warm-up.
    a.push(casepressMs);
    if (entry.peer) b.push(peerMs);
    process.stderr.write(".");
  }
  process.stderr.write("\n");
  const documents = entry.documents ?? 1;
  return {
    id: entry.id,
    label: entry.label,
    env: variant.id,
    casepressMs: a,
    documents,
    ...(entry.peer ? { peer: { name: entry.peer.name, ms: b } } : {}),
    ...(entry.goal
      ? {
          goal: judge(entry.goal, {
            value: median(a),
            ...(entry.peer ? { peer: median(b) } : {}),
            documents,
          }),
        }
      : {}),
  };
}

function pandocCommand(workspace: Workspace, factor: number, output: string): Command {
  const input = workspace.pandoc.get(factor);
  if (!input) throw new Error(`No Pandoc input at scale ${factor}.`);
  return {
    file: "pandoc",
    args: [
      "--citeproc",
      "--csl",
      pandocStyle(repository),
      "--bibliography",
      input.bibliography,
      "--standalone",
      "--metadata",
      "pagetitle=Benchmark",
      input.markdown,
      "-o",
      output,
    ],
    cwd: repository,
  };
}

function chromiumCommand(browser: string, html: string, pdf: string, profile: string): Command {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  return {
    file: browser,
    args: [
      "--headless",
      ...(isRoot ? ["--no-sandbox"] : []),
      "--disable-gpu",
      "--no-pdf-header-footer",
      `--user-data-dir=${profile}`,
      `--print-to-pdf=${pdf}`,
      pathToFileURL(html).href,
    ],
    cwd: repository,
  };
}

/** A child script of the benchmark (run through tsx), parsed from its JSON output. */
function runChild<T>(script: string, args: string[], env: NodeJS.ProcessEnv): T {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", join(repository, "scripts", "bench", script), ...args],
    { cwd: repository, encoding: "utf8", env, maxBuffer: 16 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`${script} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T; // The child prints one JSON object of this shape.
}

/** A profile of one Casepress run of `entry` in `env`, with its wall time. */
async function profileCase(
  entry: Case,
  env: NodeJS.ProcessEnv,
): Promise<{ file: string; wallMs: number; summary: ProfileSummary } | undefined> {
  const directory = join(resultsDirectory, "profiles", entry.id);
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  // Node refuses --cpu-prof in NODE_OPTIONS, so the profiled run starts node as the launcher
  // would (from the snapshot the bench has just built, else casepress.mjs), with the flags, in
  // place of the launcher (which may follow taskset and its options).
  const blob = join(repository, "node_modules", ".cache", "casepress", "casepress.blob");
  const start = existsSync(blob)
    ? ["--snapshot-blob", blob, "--"]
    : [join(repository, "scripts", "casepress.mjs")];
  const { file: executable, args } = entry.casepress;
  const at = executable === cli ? -1 : args.indexOf(cli);
  const node = [process.execPath, "--cpu-prof", `--cpu-prof-dir=${directory}`, ...start];
  // As the launcher does.
  const { NODE_EXTRA_CA_CERTS: _dropped, ...launched } = env;
  const command =
    at === -1
      ? { ...entry.casepress, file: process.execPath, args: [...node.slice(1), ...args] }
      : { ...entry.casepress, args: [...args.slice(0, at), ...node, ...args.slice(at + 1)] };
  Object.assign(command, { env: launched });
  await entry.before?.(env);
  const wallMs = await timeCommand(command);
  const file = (await readdir(directory)).find((name) => name.endsWith(".cpuprofile"));
  if (!file) return undefined;
  return {
    file: join(directory, file),
    wallMs,
    summary: await summariseProfile(join(directory, file)),
  };
}

// ------------------------------------------------------------------------------------------

const browserFound = findBrowser();
const peerBrowser = existsSync(options.peerBrowser) ? options.peerBrowser : browserFound.path;
const pinCores =
  cpus().length > options.cores && tool("taskset", ["--version"]) !== undefined
    ? `0-${options.cores - 1}`
    : undefined;
const referenceCache = referenceCacheDirectory(repository, options.referenceCache);

const environment = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
  pandoc: tool("pandoc", ["--version"]),
  /** What scripts/pdf/find-browser.ts picks for Casepress in this checkout. */
  casepressBrowser: browserFound.path ?? undefined,
  /** The bare-Chromium peer, always run as `<path> --headless --print-to-pdf`. */
  peerBrowser: peerBrowser ?? undefined,
  commit: tool("git", ["-C", repository, "rev-parse", "--short", "HEAD"]),
  runs,
  copies,
  cases: options.cases,
  variants: variants.map(({ id, label, description }) => ({ id, label, description })),
  variantSkipped,
  batchPinnedToCores: pinCores,
  referenceCache,
};

if (options.bundle) {
  process.stderr.write("Bundling the CLI and writing its code cache (scripts/dev/bundle.mjs) …\n");
  const bundled = spawnSync(process.execPath, [join(repository, "scripts", "dev", "bundle.mjs")], {
    cwd: repository,
    stdio: "inherit",
  });
  if (bundled.status !== 0)
    throw new Error(
      "scripts/dev/bundle.mjs failed; the benchmark measures the bundle a user runs.",
    );
}
if (!environment.pandoc) {
  process.stderr.write(
    "pandoc is missing, so the Pandoc comparisons are skipped. Install it with `sudo apt-get install pandoc`.\n",
  );
}
if (browserFound.path === null)
  process.stderr.write(`No browser, so the PDF cases are skipped.\n${browserFound.help}\n`);
if (variantSkipped) process.stderr.write(`${variantSkipped}\n`);

process.stderr.write("Preparing inputs …\n");
const workspace = await prepareWorkspace(repository, { copies, factors: [10, 50] });
// A run that fails or is interrupted leaves nothing in the temporary folder either.
const removeWorkspace = () => rmSync(workspace.directory, { recursive: true, force: true });
process.once("exit", removeWorkspace);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    removeWorkspace();
    process.exit(130);
  });
const out = (name: string) => join(workspace.out, name);
const sample = "manuscript/case-report.md";
const pandocOk = environment.pandoc !== undefined;
const hasBrowser = browserFound.path !== null && peerBrowser !== null;

/** Every reference-cache folder a run could have filled: Casepress's, and each input project's. */
const cacheFolders = (): { folder: string; root: string }[] => [
  { folder: referenceCache, root: repository },
  ...readdirSync(workspace.directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(workspace.directory, entry.name))
    .map((root) => ({ folder: join(root, REFERENCE_CACHE_DIRECTORY), root })),
];
/** Cold: no reference list cached. */
const clearCaches = async (): Promise<void> => {
  for (const { folder, root } of cacheFolders()) await clearReferenceCache(folder, root);
};

// Casepress's own HTML, printed by bare Chromium.
const chromiumHtml = join(out("chromium-input"), "case-report.html");
if (hasBrowser)
  await timeCommand(
    casepress(["build", sample, "--format", "html", "--out", out("chromium-input")]),
  );

const htmlSample = casepress(["build", sample, "--format", "html", "--out", out("html-1x")]);
const pandocSample = pandocOk
  ? {
      peer: {
        name: "pandoc --citeproc",
        command: pandocCommand(workspace, 1, join(workspace.out, "pandoc-1x.html")),
      },
    }
  : {};
const bareChromium = hasBrowser
  ? {
      name: "chromium --headless --print-to-pdf",
      command: chromiumCommand(
        peerBrowser ?? "",
        chromiumHtml,
        out("bare.pdf"),
        join(workspace.directory, "chromium-profile"),
      ),
    }
  : undefined;
const pdfSample = casepress(["build", sample, "--out", out("pdf-1x")]);
const pinned = (command: Command): Command =>
  pinCores === undefined
    ? command
    : { ...command, file: "taskset", args: ["-c", pinCores, command.file, ...command.args] };

const cases: Case[] = [
  {
    id: "html-1x",
    label: "sample → HTML, cold",
    casepress: htmlSample,
    ...pandocSample,
    goal: GOALS["html-1x"],
    before: clearCaches,
  },
  {
    id: "html-1x-warm",
    label: "sample → HTML, unchanged bibliography (2nd run)",
    casepress: htmlSample,
    ...pandocSample,
    goal: GOALS["html-1x-warm"],
    // The first of the two runs: it fills the reference cache the timed run reads.
    before: async (env) => {
      await timeCommand(inEnv(htmlSample, env));
    },
  },
  ...(bareChromium
    ? [
        {
          id: "pdf-1x",
          label: "sample → HTML + PDF",
          casepress: pdfSample,
          peer: bareChromium,
          goal: GOALS["pdf-1x"],
          before: clearCaches,
        } satisfies Case,
        {
          id: "pdf-batch",
          label: `${copies} PDFs, one process${pinCores ? `, cores ${pinCores}` : ""}`,
          casepress: pinned(
            casepress(["build", workspace.batchManuscripts, "--out", out("pdf-batch")]),
          ),
          documents: copies,
          goal: GOALS["pdf-batch"],
          before: clearCaches,
        } satisfies Case,
      ]
    : []),
  ...[10, 50].map(
    (factor): Case => ({
      id: factor === 10 ? "html-10x" : "html-50x",
      label: `sample ×${factor} → HTML, cold`,
      casepress: casepress([
        "build",
        workspace.scaled.get(factor) ?? "",
        "--format",
        "html",
        "--out",
        out(`html-${factor}x`),
      ]),
      ...(pandocOk
        ? {
            peer: {
              name: "pandoc --citeproc",
              command: pandocCommand(
                workspace,
                factor,
                join(workspace.out, `pandoc-${factor}x.html`),
              ),
            },
          }
        : {}),
      ...(factor === 50 ? { goal: GOALS["html-50x"] } : {}),
      before: clearCaches,
    }),
  ),
  { id: "check-1x", label: "check the sample", casepress: casepress(["check", sample]) },
  {
    id: "check-batch",
    label: `check ${copies} copies, one process`,
    casepress: casepress(["check", workspace.batchManuscripts]),
    documents: copies,
  },
  {
    id: "html-batch",
    label: `${copies} copies → HTML, one process`,
    casepress: casepress([
      "build",
      workspace.batchManuscripts,
      "--format",
      "html",
      "--out",
      out("html-batch"),
    ]),
    documents: copies,
    before: clearCaches,
  },
];

process.stderr.write(
  `Timing (${runs} runs each after a warm-up, alternating with the peer; environments: ${variants.map((variant) => variant.label).join(", ")}):\n`,
);
const results: CaseResult[] = [];
let cacheAfterWarmRun: { files: number; bytes: number } | undefined;
for (const entry of cases) {
  if (!selected(entry.id)) continue;
  for (const variant of variants) results.push(await measure(entry, variant));
  if (entry.id === "html-1x-warm") cacheAfterWarmRun = cacheContents(referenceCache);
}

// Warm rebuilds, as a live preview pays them.
const warm: { env: VariantId; firstMs: number; times: number[] }[] = [];
if (selected("warm-rebuild")) {
  for (const variant of variants) {
    process.stderr.write(`  warm rebuilds (scripts/cli/preview.ts) [${variant.label}] …\n`);
    const measured = runChild<{ firstMs: number; times: number[] }>(
      "bench-preview.ts",
      [join(workspace.batchManuscripts, ".."), "manuscript/case-001.md", String(runs * 4)],
      variant.env,
    );
    warm.push({ env: variant.id, ...measured });
    results.push({
      id: "warm-rebuild",
      label: "warm rebuild of the sample (HTML)",
      env: variant.id,
      casepressMs: measured.times,
      documents: 1,
      goal: judge(GOALS["warm-rebuild"], { value: median(measured.times) }),
    });
  }
}

// Save → page reloaded in a browser, through `casepress preview`.
const reloads: { env: VariantId; times: number[]; rebuildMs: number[] }[] = [];
if (selected("save-reload") && browserFound.path !== null) {
  for (const variant of variants) {
    process.stderr.write(`  save → page reloaded (scripts/preview/) [${variant.label}] …\n`);
    const reload = runChild<{ times: number[]; rebuildMs?: number[] }>(
      "bench-reload.ts",
      [join(workspace.batchManuscripts, ".."), "manuscript/case-001.md", String(runs * 2)],
      variant.env,
    );
    if (reload.times.length === 0) continue;
    reloads.push({ env: variant.id, times: reload.times, rebuildMs: reload.rebuildMs ?? [] });
    results.push({
      id: "save-reload",
      label: "save → page reloaded in the preview",
      env: variant.id,
      casepressMs: reload.times,
      documents: 1,
      goal: judge(GOALS["save-reload"], { value: median(reload.times) }),
    });
  }
}

// Growth with size: each added copy of the sample should cost no more at 50× than at 10×.
const medianOf = (id: string, env: VariantId, side: "casepress" | "peer") => {
  const result = results.find((candidate) => candidate.id === id && candidate.env === env);
  return median((side === "casepress" ? result?.casepressMs : result?.peer?.ms) ?? []);
};
const linearity: { env: VariantId; casepress: Growth; peer?: Growth; goal: Judged }[] = [];
for (const variant of variants) {
  const scales = (side: "casepress" | "peer") =>
    growth([
      medianOf("html-1x", variant.id, side),
      medianOf("html-10x", variant.id, side),
      medianOf("html-50x", variant.id, side),
    ]);
  const ours = scales("casepress");
  if (!ours) continue;
  const theirs = scales("peer");
  linearity.push({
    env: variant.id,
    casepress: ours,
    ...(theirs ? { peer: theirs } : {}),
    goal: judge(GOALS["html-linear"], { value: ours.ratio }),
  });
}

// Memory of a PDF build, in runs of their own: Casepress and bare Chromium, alternating.
const memory: {
  env: VariantId;
  casepress: MemoryPeak[];
  peer: MemoryPeak[];
  goal: Judged;
}[] = [];
if (selected("pdf-memory") && hasBrowser && bareChromium && canSampleMemory()) {
  const memoryRuns = Math.min(3, runs);
  for (const variant of variants) {
    process.stderr.write(
      `  memory of sample → HTML + PDF, ${memoryRuns} sampled runs [${variant.label}] …\n`,
    );
    const ours: MemoryPeak[] = [];
    const theirs: MemoryPeak[] = [];
    for (let run = 0; run < memoryRuns; run++) {
      await clearCaches();
      ours.push(await measureMemory(inEnv(pdfSample, variant.env)));
      theirs.push(await measureMemory(inEnv(bareChromium.command, variant.env)));
    }
    memory.push({
      env: variant.id,
      casepress: ours,
      peer: theirs,
      goal: judge(GOALS["pdf-memory"], { value: median(ours.map((peak) => peak.treePssMiB)) }),
    });
  }
}
const browserSeen = (peaks: readonly MemoryPeak[]) => [
  ...new Set(
    peaks.flatMap((peak) => peak.executables.filter((path) => /chrom|headless/i.test(path))),
  ),
];

// ------------------------------------------------------------------------------------------
// What limits each missed goal.

/** What scripts/bench/bench-pdf-phases.ts prints. */
interface PdfPhases {
  importMs: number;
  launchMs: number;
  firstMs: number;
  serial: Record<string, number>[];
  parallelPerDocumentMs: number;
}
const missed = new Map<string, VariantId>();
for (const result of results)
  if (result.goal && !result.goal.met && !missed.has(result.id)) missed.set(result.id, result.env);
for (const row of linearity)
  if (!row.goal.met && !missed.has("html-linear")) missed.set("html-linear", row.env);
for (const row of memory)
  if (!row.goal.met && !missed.has("pdf-memory")) missed.set("pdf-memory", row.env);
const envOf = (id: VariantId) => variants.find((variant) => variant.id === id)?.env ?? process.env;

const limits: { id: string; env: VariantId; lines: string[]; profile?: string }[] = [];
if (options.profile) {
  const profiled = new Set<string>();
  for (const [id, env] of missed) {
    const caseId = id === "html-linear" ? "html-50x" : id;
    const entry = cases.find((candidate) => candidate.id === caseId);
    if (entry && !profiled.has(caseId)) {
      profiled.add(caseId);
      process.stderr.write(`Profiling ${caseId} [${variantLabel(env)}] (node --cpu-prof) …\n`);
      const profile = await profileCase(entry, envOf(env));
      if (profile)
        limits.push({
          id: caseId,
          env,
          profile: profile.file,
          lines: formatProfile(profile.summary, profile.wallMs),
        });
    }
    if ((id === "pdf-1x" || id === "pdf-batch") && !profiled.has("pdf-phases")) {
      profiled.add("pdf-phases");
      process.stderr.write("PDF phases (scripts/bench/bench-pdf-phases.ts) …\n");
      const phases = runChild<PdfPhases>(
        "bench-pdf-phases.ts",
        [chromiumHtml, String(runs)],
        envOf(env),
      );
      const serial = (key: string) =>
        formatMs(median(phases.serial.map((entry) => entry[key] ?? Number.NaN)));
      limits.push({
        id: "pdf-phases",
        env,
        lines: [
          `One PDF in a warm renderer: load the PDF code ${formatMs(phases.importMs)}, launch the browser ${formatMs(phases.launchMs)}, first document ${formatMs(phases.firstMs)};`,
          `then per document ${serial("totalMs")} one at a time (load + fonts ${serial("loadMs")}, measure ${serial("measureMs")}, page.pdf ${serial("printMs")}, metadata ${serial("postprocessMs")}), ${formatMs(phases.parallelPerDocumentMs)} two at a time.`,
        ],
      });
    }
    if (id === "warm-rebuild") {
      process.stderr.write(`Profiling warm rebuilds [${variantLabel(env)}] (node:inspector) …\n`);
      const directory = join(resultsDirectory, "profiles", "warm-rebuild");
      await rm(directory, { recursive: true, force: true });
      await mkdir(directory, { recursive: true });
      const file = join(directory, "rebuilds.cpuprofile");
      runChild(
        "bench-preview.ts",
        [join(workspace.batchManuscripts, ".."), "manuscript/case-001.md", "40", "html", file],
        envOf(env),
      );
      const summary = await summariseProfile(file);
      limits.push({
        id,
        env,
        profile: file,
        lines: [
          `40 warm rebuilds, profiled together: ${formatMs((summary.spanMs - summary.idleMs) / 40)} of main-thread work per rebuild.`,
          ...formatProfile(summary),
        ],
      });
    }
    if (id === "save-reload") {
      const row = reloads.find((candidate) => candidate.env === env);
      if (row)
        limits.push({
          id,
          env,
          lines: [
            `The rebuild takes ${formatMs(median(row.rebuildMs))} of ${formatMs(median(row.times))}; the rest is noticing the save, the Server-Sent Event and the browser's reload and page load.`,
          ],
        });
    }
    if (id === "pdf-memory") {
      const row = memory.find((candidate) => candidate.env === env);
      const peak = row?.casepress.reduce((a, b) => (b.treePssMiB > a.treePssMiB ? b : a));
      if (peak) {
        const byName = new Map<string, { mib: number; count: number }>();
        for (const share of peak.atPeak) {
          const entry = byName.get(share.name) ?? { mib: 0, count: 0 };
          byName.set(share.name, { mib: entry.mib + share.pssMiB, count: entry.count + 1 });
        }
        limits.push({
          id,
          env,
          lines: [
            `At the peak (${peak.treePssMiB.toFixed(0)} MiB PSS, ${peak.processes} processes):`,
            ...[...byName]
              .sort((a, b) => b[1].mib - a[1].mib)
              .map(
                ([name, { mib, count }]) =>
                  `${mib.toFixed(0).padStart(6)} MiB    ${name}${count > 1 ? ` ×${count}` : ""}`,
              ),
          ],
        });
      }
    }
  }
}

// ------------------------------------------------------------------------------------------
// Report

const rows: TableRow[] = [];
const variantOrder = (id: VariantId) => variants.findIndex((variant) => variant.id === id);
const caseOrder = (id: string) => {
  const index = options.cases.indexOf(id as CaseId); // Only used to sort; unknown ids go last.
  return index === -1 ? options.cases.length : index;
};
const ordered = [...results].sort(
  (a, b) => caseOrder(a.id) - caseOrder(b.id) || variantOrder(a.env) - variantOrder(b.env),
);
for (const result of ordered) {
  const a = median(result.casepressMs);
  const b = result.peer ? median(result.peer.ms) : undefined;
  const rate = (value: number) =>
    result.documents > 1 ? ` (${(result.documents / (value / 1000)).toFixed(1)}/s)` : "";
  rows.push({
    case: result.label,
    env: variantLabel(result.env),
    casepress: `${formatMs(a)}${rate(a)}`,
    peer: result.peer && b !== undefined ? `${result.peer.name}: ${formatMs(b)}${rate(b)}` : "–",
    ratio: formatRatio(b === undefined ? undefined : a / b),
    goal: result.goal?.text ?? "",
    met: formatMet(result.goal),
  });
  if (result.id === "html-50x") {
    const row = linearity.find((candidate) => candidate.env === result.env);
    if (row)
      rows.push({
        case: "growth 1× → 10× → 50× (ms per added copy)",
        env: variantLabel(row.env),
        casepress: `${formatMs(row.casepress.perCopyLow)} → ${formatMs(row.casepress.perCopyHigh)}`,
        peer: row.peer
          ? `pandoc: ${formatMs(row.peer.perCopyLow)} → ${formatMs(row.peer.perCopyHigh)}`
          : "–",
        ratio: formatRatio(row.casepress.ratio),
        goal: row.goal.text,
        met: formatMet(row.goal),
      });
  }
}
for (const row of memory) {
  const ours = row.goal.actual;
  const theirs = median(row.peer.map((peak) => peak.treePssMiB));
  rows.push({
    case: "sample → HTML + PDF, peak memory of the process tree",
    env: variantLabel(row.env),
    casepress: `${ours.toFixed(0)} MiB`,
    peer: `chromium --headless --print-to-pdf: ${theirs.toFixed(0)} MiB`,
    ratio: formatRatio(ours / theirs),
    goal: row.goal.text,
    met: formatMet(row.goal),
  });
}

const out1 = process.stdout;
out1.write(
  `\nCasepress benchmark, ${environment.date}, commit ${environment.commit ?? "?"}, node ${environment.node}, ${environment.cpus} CPUs (${environment.cpuModel}), ${environment.pandoc ?? "no pandoc"}\n`,
);
out1.write(
  `Medians of ${runs} runs after a warm-up, Casepress and its peer alternating; whole-process wall time of \`scripts/casepress.sh …\` (the \`casepress\` command); load average ${environment.loadAverageAtStart.join(" ")} at start, ${loadavg()
    .map((value) => value.toFixed(2))
    .join(" ")} at end.\n\n`,
);
out1.write(`${resultsTable(rows)}\n\n`);
out1.write("Env:\n");
for (const variant of variants) out1.write(`- ${variant.label}: ${variant.description}.\n`);
if (variantSkipped) out1.write(`- ${variantSkipped}\n`);
out1.write(
  `\nCold: the reference-list cache (${referenceCache}, and the same folder in each input project) is removed before every Casepress run. "Unchanged bibliography": the same build runs twice and the second is timed.\n`,
);
if (cacheAfterWarmRun)
  out1.write(
    cacheAfterWarmRun.files > 0
      ? `After a build the reference cache holds ${cacheAfterWarmRun.files} files (${(cacheAfterWarmRun.bytes / 1024).toFixed(0)} KiB).\n`
      : `After a build nothing was found in ${referenceCache}: no reference cache there yet, so "cold" and "unchanged bibliography" measure the same thing (pass --reference-cache if it lives elsewhere).\n`,
  );
if (selected("pdf-1x") || selected("pdf-batch") || selected("pdf-memory")) {
  const seen = browserSeen(memory.flatMap((row) => row.casepress));
  out1.write(
    `Browsers: Casepress uses ${environment.casepressBrowser ?? "none"} (scripts/pdf/find-browser.ts${seen.length > 0 ? `; seen running in its process tree: ${seen.join(", ")}` : ""}); the peer is ${environment.peerBrowser ?? "none"} --headless --print-to-pdf.\n`,
  );
}
if (memory.length > 0) {
  const samples = memory.flatMap((row) => row.casepress);
  out1.write(
    `Memory: the largest sum of PSS (/proc/<pid>/smaps_rollup) over the whole process tree, median of ${samples.length / memory.length} runs: the command runs in a session of its own and each sample takes every descendant, every process of that session, and every Chromium crash handler started during the run (it leaves both); sampled every ${median(samples.map((peak) => peak.sampleIntervalMs)).toFixed(1)} ms (median), ${median(samples.map((peak) => peak.samples)).toFixed(0)} samples a run; main process peak RSS ${median(samples.map((peak) => peak.mainRssMiB)).toFixed(0)} MiB (${samples[0]?.source ?? "?"}).\n`,
  );
}
if (pinCores) out1.write(`The ${copies}-PDF batch runs pinned to cores ${pinCores} (taskset).\n`);
if (results.some((result) => ["html-batch", "pdf-batch"].includes(result.id)))
  out1.write(
    "Batches are identical copies: they share one reference list, which a warm process formats once; distinct manuscripts would each pay for citeproc.\n",
  );
for (const row of warm)
  out1.write(
    `Warm rebuilds [${variantLabel(row.env)}]: first build ${formatMs(row.firstMs)}, then median ${formatMs(median(row.times))}, fastest ${formatMs(Math.min(...row.times))} (${row.times.length} rebuilds).\n`,
  );

if (limits.length > 0) out1.write("\nWhat limits the missed goals:\n");
for (const { id, env, lines, profile } of limits) {
  out1.write(
    `\n${id} [${variantLabel(env)}]${profile ? ` (${profile})` : ""}:\n${lines.map((line) => `  ${line}`).join("\n")}\n`,
  );
}

const verdicts = [
  ...results.flatMap((result) => (result.goal ? [result.goal] : [])),
  ...linearity.map((row) => row.goal),
  ...memory.map((row) => row.goal),
];
for (const variant of variants) {
  const mine = [
    ...results.filter((result) => result.env === variant.id).flatMap((result) => result.goal ?? []),
    ...linearity.filter((row) => row.env === variant.id).map((row) => row.goal),
    ...memory.filter((row) => row.env === variant.id).map((row) => row.goal),
  ];
  out1.write(
    `\n${mine.filter((goal) => goal.met).length} of ${mine.length} goals met [${variant.label}].`,
  );
}
out1.write("\n");

await mkdir(resultsDirectory, { recursive: true });
const json = {
  environment: {
    ...environment,
    casepressBrowserSeen: browserSeen(memory.flatMap((row) => row.casepress)),
    loadAverageAtEnd: loadavg(),
  },
  table: rows,
  results,
  linearity,
  memory,
  warm,
  reloads,
  limits,
  goalsMet: verdicts.filter((goal) => goal.met).length,
  goals: verdicts.length,
};
const stamp = environment.date.replace(/[:.]/g, "-");
await writeFile(
  join(resultsDirectory, `bench-${stamp}.json`),
  `${JSON.stringify(json, null, 2)}\n`,
);
await writeFile(join(resultsDirectory, "latest.json"), `${JSON.stringify(json, null, 2)}\n`);
out1.write(`Results: scripts/bench/results/bench-${stamp}.json (and latest.json).\n`);
await rm(workspace.directory, { recursive: true, force: true });
