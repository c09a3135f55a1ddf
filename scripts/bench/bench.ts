/**
 * `npm run bench`: Casepress against `pandoc --citeproc` and bare `chromium --print-to-pdf`,
 * whole-process wall time as a user runs it (`node scripts/casepress.mjs …`), with the speed
 * goals of the project. Not part of `npm test`.
 *
 *   npm run bench [-- --runs 5] [--copies 100] [--only html-1x,pdf-1x,…] [--no-profile] [--no-bundle]
 *
 * Case ids: check-1x, html-1x, pdf-1x, check-batch, html-batch, pdf-batch, html-10x, html-50x,
 * warm-rebuild, save-reload. `--no-bundle` skips rebuilding the bundle (scripts/dev/bundle.mjs) first.
 *
 * Each pair runs alternately, A B A B, after one warm-up run each, so drift of a shared machine
 * hits both sides alike; the table shows medians. Memory is measured in separate runs.
 * Results go to scripts/bench/results/ (git-ignored) as JSON; profiles of the cases that miss a goal
 * go to scripts/bench/results/profiles/.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { casepressDirectory } from "../loaders/load-journal.ts";
import { findBrowser } from "../pdf/find-browser.ts";
import { pandocStyle, prepareWorkspace, type Workspace } from "./bench-fixtures.ts";
import {
  type Command,
  canSampleMemory,
  type MemoryPeak,
  measureMemory,
  median,
  timeCommand,
} from "./bench-measure.ts";
import { formatProfile, type ProfileSummary, summariseProfile } from "./bench-profile.ts";

const repository = casepressDirectory;
const cli = join(repository, "scripts", "casepress.mjs");
const resultsDirectory = join(repository, "bench", "results");

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    copies: { type: "string", default: "100" },
    only: { type: "string" },
    "no-profile": { type: "boolean", default: false },
    "no-bundle": { type: "boolean", default: false },
  },
});
const runs = Math.max(1, Number(flags.runs));
const copies = Math.max(1, Number(flags.copies));
const only = flags.only ? new Set(flags.only.split(",")) : undefined;
const selected = (id: string) => only === undefined || only.has(id);

/** What a goal asks of a case. */
type Goal =
  | { kind: "ratio-at-most"; value: number; text: string }
  | { kind: "throughput-ratio-at-least"; value: number; text: string }
  | { kind: "rate-at-least"; value: number; text: string }
  | { kind: "ms-at-most"; value: number; text: string };

/** One row of the benchmark. */
interface Case {
  id: string;
  label: string;
  casepress: Command;
  peer?: { name: string; command: Command };
  goal?: Goal;
  /** Documents one run produces, for rates. */
  documents?: number;
}

/** A measured row. */
interface CaseResult {
  id: string;
  label: string;
  casepressMs: number[];
  peer?: { name: string; ms: number[] };
  documents: number;
  goal?: Goal & { met: boolean; actual: number; gap?: string };
}

const casepress = (args: string[]): Command => ({
  file: process.execPath,
  args: [cli, ...args],
  cwd: repository,
});

function tool(name: string, args: string[]): string | undefined {
  const result = spawnSync(name, args, { encoding: "utf8" });
  return result.status === 0 ? result.stdout.split("\n")[0]?.trim() : undefined;
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;
}

/** Whether a goal is met, and by how much it is missed. */
function judge(
  goal: Goal,
  a: number,
  b: number | undefined,
  documents: number,
): CaseResult["goal"] {
  switch (goal.kind) {
    case "ratio-at-most": {
      const ratio = b === undefined ? Number.NaN : a / b;
      const met = ratio <= goal.value;
      const target = b === undefined ? Number.NaN : goal.value * b;
      return {
        ...goal,
        met,
        actual: ratio,
        ...(met
          ? {}
          : {
              gap: `${ms(a - target)} over (${(a / target).toFixed(1)}× the target of ${ms(target)})`,
            }),
      };
    }
    case "throughput-ratio-at-least": {
      const ratio = b === undefined ? Number.NaN : b / a;
      const met = ratio >= goal.value;
      const target = b === undefined ? Number.NaN : b / goal.value;
      return {
        ...goal,
        met,
        actual: ratio,
        ...(met
          ? {}
          : {
              gap: `${ms(a - target)} over (${(a / target).toFixed(1)}× the target of ${ms(target)})`,
            }),
      };
    }
    case "rate-at-least": {
      const rate = documents / (a / 1000);
      const met = rate >= goal.value;
      return {
        ...goal,
        met,
        actual: rate,
        ...(met ? {} : { gap: `${rate.toFixed(1)}/s, ${(goal.value / rate).toFixed(1)}× short` }),
      };
    }
    case "ms-at-most": {
      const met = a <= goal.value;
      return { ...goal, met, actual: a, ...(met ? {} : { gap: `${ms(a - goal.value)} over` }) };
    }
  }
}

/** Run a case: warm-up, then `runs` alternating runs of Casepress and its peer. */
async function measure(entry: Case): Promise<CaseResult> {
  process.stderr.write(`  ${entry.label} …`);
  await timeCommand(entry.casepress);
  if (entry.peer) await timeCommand(entry.peer.command);
  const a: number[] = [];
  const b: number[] = [];
  for (let run = 0; run < runs; run++) {
    a.push(await timeCommand(entry.casepress));
    if (entry.peer) b.push(await timeCommand(entry.peer.command));
    process.stderr.write(".");
  }
  process.stderr.write("\n");
  const documents = entry.documents ?? 1;
  const result: CaseResult = {
    id: entry.id,
    label: entry.label,
    casepressMs: a,
    documents,
    ...(entry.peer ? { peer: { name: entry.peer.name, ms: b } } : {}),
  };
  if (entry.goal) {
    const judged = judge(entry.goal, median(a), entry.peer ? median(b) : undefined, documents);
    if (judged) result.goal = judged;
  }
  return result;
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
function runChild<T>(script: string, args: string[]): T {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", join(repository, "scripts", "bench", script), ...args],
    {
      cwd: repository,
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (result.status !== 0) throw new Error(`${script} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T; // The child prints one JSON object of this shape.
}

async function profileCase(
  entry: Case,
): Promise<{ file: string; summary: ProfileSummary } | undefined> {
  const directory = join(resultsDirectory, "profiles", entry.id);
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  const command = {
    ...entry.casepress,
    args: ["--cpu-prof", `--cpu-prof-dir=${directory}`, ...entry.casepress.args],
  };
  await timeCommand(command);
  const file = (await readdir(directory)).find((name) => name.endsWith(".cpuprofile"));
  if (!file) return undefined;
  return { file: join(directory, file), summary: await summariseProfile(join(directory, file)) };
}

function table(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

// ------------------------------------------------------------------------------------------

const environment = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
  pandoc: tool("pandoc", ["--version"]),
  browser: findBrowser().path ?? undefined,
  commit: tool("git", ["-C", repository, "rev-parse", "--short", "HEAD"]),
  runs,
  copies,
};

if (!flags["no-bundle"]) {
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
const browser = findBrowser();
if (browser.path === null)
  process.stderr.write(`No browser, so the PDF cases are skipped.\n${browser.help}\n`);

process.stderr.write("Preparing inputs …\n");
const workspace = await prepareWorkspace(repository, { copies, factors: [10, 50] });
const out = (name: string) => join(workspace.out, name);
const sample = "manuscript/case-report.md";
const pandocOk = environment.pandoc !== undefined;

// Casepress's own HTML, printed by bare Chromium.
const chromiumHtml = join(out("chromium-input"), "case-report.html");
if (browser.path !== null)
  await timeCommand(
    casepress(["build", sample, "--format", "html", "--out", out("chromium-input")]),
  );

const cases: Case[] = [
  { id: "check-1x", label: "check the sample", casepress: casepress(["check", sample]) },
  {
    id: "html-1x",
    label: "sample → HTML",
    casepress: casepress(["build", sample, "--format", "html", "--out", out("html-1x")]),
    ...(pandocOk
      ? {
          peer: {
            name: "pandoc --citeproc",
            command: pandocCommand(workspace, 1, join(workspace.out, "pandoc-1x.html")),
          },
        }
      : {}),
    goal: { kind: "ratio-at-most", value: 1, text: "≤ 1.0× pandoc" },
  },
  ...(browser.path !== null
    ? [
        {
          id: "pdf-1x",
          label: "sample → HTML + PDF",
          casepress: casepress(["build", sample, "--out", out("pdf-1x")]),
          peer: {
            name: "chromium --print-to-pdf",
            command: chromiumCommand(
              browser.path,
              chromiumHtml,
              out("bare.pdf"),
              join(workspace.directory, "chromium-profile"),
            ),
          },
          goal: { kind: "ratio-at-most", value: 0.9, text: "≤ 0.9× chromium" },
        } satisfies Case,
      ]
    : []),
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
    ...(pandocOk
      ? {
          peer: {
            name: `pandoc ×${copies}`,
            command: {
              file: "sh",
              args: [
                "-c",
                `for i in $(seq 1 ${copies}); do pandoc "$@" -o "${out("pandoc-batch")}-$i.html" || exit 1; done`,
                "sh",
                ...pandocCommand(workspace, 1, "").args.slice(0, -2),
              ],
              cwd: repository,
            },
          },
        }
      : {}),
    goal: { kind: "throughput-ratio-at-least", value: 3, text: "≥ 3× pandoc's throughput" },
  },
  ...(browser.path !== null
    ? [
        {
          id: "pdf-batch",
          label: `${copies} copies → HTML + PDF, one process`,
          casepress: casepress(["build", workspace.batchManuscripts, "--out", out("pdf-batch")]),
          documents: copies,
          goal: { kind: "rate-at-least", value: 8, text: "≥ 8 PDFs/s" },
        } satisfies Case,
      ]
    : []),
  ...[10, 50].map(
    (factor): Case => ({
      id: `html-${factor}x`,
      label: `sample ×${factor} → HTML`,
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
      ...(factor === 50
        ? { goal: { kind: "ratio-at-most", value: 0.75, text: "≤ 0.75× pandoc" } }
        : {}),
    }),
  ),
];

process.stderr.write(`Timing (${runs} runs each after a warm-up, alternating with the peer):\n`);
const results: CaseResult[] = [];
for (const entry of cases) if (selected(entry.id)) results.push(await measure(entry));

// Warm rebuilds, as a live preview pays them.
let warm: { firstMs: number; times: number[] } | undefined;
if (selected("warm-rebuild")) {
  process.stderr.write("  warm rebuilds (scripts/cli/preview.ts) …\n");
  warm = runChild<{ firstMs: number; times: number[] }>("bench-preview.ts", [
    join(workspace.batchManuscripts, ".."),
    "manuscript/case-001.md",
    String(Math.max(20, runs * 4)),
  ]);
  const judged = judge(
    { kind: "ms-at-most", value: 20, text: "≤ 20 ms" },
    median(warm.times),
    undefined,
    1,
  );
  results.push({
    id: "warm-rebuild",
    label: "warm rebuild of the sample (HTML)",
    casepressMs: warm.times,
    documents: 1,
    ...(judged ? { goal: judged } : {}),
  });
}

// Save → page reloaded in a browser, through `casepress preview`.
if (selected("save-reload")) {
  process.stderr.write("  save → page reloaded (scripts/preview/, puppeteer) …\n");
  const reload = runChild<{ times: number[] }>("bench-reload.ts", [
    join(workspace.batchManuscripts, ".."),
    "manuscript/case-001.md",
    String(Math.max(10, runs * 2)),
  ]);
  if (reload.times.length > 0) {
    const judged = judge(
      { kind: "ms-at-most", value: 150, text: "≤ 150 ms" },
      median(reload.times),
      undefined,
      1,
    );
    results.push({
      id: "save-reload",
      label: "save → page reloaded in the browser (preview)",
      casepressMs: reload.times,
      documents: 1,
      ...(judged ? { goal: judged } : {}),
    });
  }
}

// Growth with size: each added copy of the sample should cost no more at 50× than at 10×.
const medianOf = (id: string) =>
  median(results.find((result) => result.id === id)?.casepressMs ?? []);
const growth = (() => {
  const [one, ten, fifty] = [medianOf("html-1x"), medianOf("html-10x"), medianOf("html-50x")];
  if (![one, ten, fifty].every(Number.isFinite)) return undefined;
  const perCopyTo10 = (ten - one) / 9;
  const perCopyTo50 = (fifty - ten) / 40;
  return {
    perCopyTo10,
    perCopyTo50,
    ratio: perCopyTo50 / perCopyTo10,
    met: perCopyTo50 <= perCopyTo10 * 1.15,
  };
})();

// Memory, in runs of their own.
const memory: { id: string; label: string; peak: MemoryPeak }[] = [];
if (canSampleMemory()) {
  process.stderr.write("Memory (one sampled run each) …\n");
  const memoryCases = [
    ...cases
      .filter(
        (entry) =>
          ["html-1x", "pdf-1x", "html-50x", "pdf-batch"].includes(entry.id) && selected(entry.id),
      )
      .map((entry) => ({ id: entry.id, label: entry.label, command: entry.casepress })),
    ...cases.flatMap((entry) =>
      ["html-1x", "pdf-1x"].includes(entry.id) && entry.peer && selected(entry.id)
        ? [{ id: `${entry.id}-peer`, label: entry.peer.name, command: entry.peer.command }]
        : [],
    ),
  ];
  for (const entry of memoryCases)
    memory.push({ id: entry.id, label: entry.label, peak: await measureMemory(entry.command) });
}
const memoryGoals = [
  {
    id: "html-1x",
    text: "≤ 150 MiB (main process)",
    limit: 150,
    value: (peak: MemoryPeak) => peak.mainRssMiB,
  },
  {
    id: "pdf-1x",
    text: "≤ 500 MiB (process tree, PSS)",
    limit: 500,
    value: (peak: MemoryPeak) => peak.treePssMiB,
  },
];

// PDF phases: where the time of one PDF goes.
/** What scripts/bench/bench-pdf-phases.ts prints. */
interface PdfPhases {
  importMs: number;
  launchMs: number;
  firstMs: number;
  serial: Record<string, number>[];
  parallelPerDocumentMs: number;
}
let pdfPhases: PdfPhases | undefined;
if (browser.path !== null && existsSync(chromiumHtml) && selected("pdf-1x")) {
  process.stderr.write("PDF phases (scripts/bench/bench-pdf-phases.ts) …\n");
  pdfPhases = runChild<PdfPhases>("bench-pdf-phases.ts", [chromiumHtml, String(runs)]);
}

// Profiles of the cases that miss their goal.
const profiles: { id: string; file: string; summary: ProfileSummary }[] = [];
if (!flags["no-profile"]) {
  for (const result of results) {
    if (!result.goal || result.goal.met) continue;
    const entry = cases.find((candidate) => candidate.id === result.id);
    if (!entry) continue;
    process.stderr.write(`Profiling ${entry.id} (node --cpu-prof) …\n`);
    const profiled = await profileCase(entry);
    if (profiled) profiles.push({ id: entry.id, ...profiled });
  }
}

// ------------------------------------------------------------------------------------------
// Report

const rows: string[][] = [["case", "Casepress", "peer", "peer median", "ratio", "goal", "met"]];
for (const result of results) {
  const a = median(result.casepressMs);
  const b = result.peer ? median(result.peer.ms) : undefined;
  const rate = result.documents > 1 ? ` (${(result.documents / (a / 1000)).toFixed(1)}/s)` : "";
  const ratio = b === undefined ? "" : `${(a / b).toFixed(2)}×`;
  const goal = result.goal;
  rows.push([
    result.label,
    `${ms(a)}${rate}`,
    result.peer?.name ?? "",
    b === undefined
      ? ""
      : `${ms(b)}${result.documents > 1 ? ` (${(result.documents / (b / 1000)).toFixed(1)}/s)` : ""}`,
    ratio,
    goal?.text ?? "",
    goal ? (goal.met ? "yes" : `NO: ${goal.gap ?? ""}`) : "",
  ]);
}
if (growth) {
  rows.push([
    "growth 1× → 10× → 50× (ms per added copy)",
    `${growth.perCopyTo10.toFixed(1)} → ${growth.perCopyTo50.toFixed(1)} ms`,
    "",
    "",
    `${growth.ratio.toFixed(2)}×`,
    "at most linear",
    growth.met ? "yes" : "NO: each copy costs more at 50×",
  ]);
}
process.stdout.write(
  `\nCasepress benchmark, ${environment.date}, node ${environment.node}, ${environment.cpus} CPUs (${environment.cpuModel}), ${environment.pandoc ?? "no pandoc"}\n`,
);
process.stdout.write(
  `Medians of ${runs} runs after a warm-up; whole-process wall time of \`node scripts/casepress.mjs …\`; load average ${environment.loadAverageAtStart.join(" ")} at start, ${loadavg()
    .map((value) => value.toFixed(2))
    .join(" ")} at end.\n\n`,
);
process.stdout.write(`${table(rows)}\n`);
if (results.some((result) => ["html-batch", "pdf-batch"].includes(result.id))) {
  process.stdout.write(
    "Batches are identical copies: they share one reference list, which a warm process formats once (render-page.ts); distinct manuscripts would each pay for citeproc.\n",
  );
}

if (memory.length > 0) {
  const memoryRows = [
    ["peak memory", "main process RSS", "tree PSS", "tree RSS", "processes", "goal", "met"],
  ];
  for (const { id, label, peak } of memory) {
    const goal = memoryGoals.find((candidate) => candidate.id === id);
    const value = goal?.value(peak);
    memoryRows.push([
      label,
      `${peak.mainRssMiB.toFixed(0)} MiB`,
      `${peak.treePssMiB.toFixed(0)} MiB`,
      `${peak.treeRssMiB.toFixed(0)} MiB`,
      String(peak.processes),
      goal?.text ?? "",
      goal && value !== undefined
        ? value <= goal.limit
          ? "yes"
          : `NO: ${(value - goal.limit).toFixed(0)} MiB over`
        : "",
    ]);
  }
  process.stdout.write(`\n${table(memoryRows)}\n`);
}

if (pdfPhases) {
  const phases = pdfPhases;
  const serialMedian = (key: string) =>
    median(phases.serial.map((entry) => entry[key] ?? Number.NaN));
  process.stdout.write(
    `\nOne PDF, in a warm renderer (scripts/bench/bench-pdf-phases.ts): load puppeteer + pdf-lib ${ms(phases.importMs)}, launch ${ms(phases.launchMs)}, first document ${ms(phases.firstMs)}; then per document ${ms(serialMedian("totalMs"))} one at a time (load + fonts ${ms(serialMedian("loadMs"))}, measure ${ms(serialMedian("measureMs"))}, page.pdf ${ms(serialMedian("printMs"))}, pdf-lib ${ms(serialMedian("postprocessMs"))}), ${ms(phases.parallelPerDocumentMs)} two at a time.\n`,
  );
}

if (warm)
  process.stdout.write(
    `\nWarm rebuilds: first build ${ms(warm.firstMs)}, then median ${median(warm.times).toFixed(1)} ms, fastest ${Math.min(...warm.times).toFixed(1)} ms (${warm.times.length} rebuilds).\n`,
  );

for (const { id, file, summary } of profiles) {
  process.stdout.write(
    `\nProfile of ${id} (${file}):\n${formatProfile(summary)
      .map((line) => `  ${line}`)
      .join("\n")}\n`,
  );
}

const met = results.filter((result) => result.goal?.met).length + (growth?.met ? 1 : 0);
const total = results.filter((result) => result.goal).length + (growth ? 1 : 0);
process.stdout.write(`\n${met} of ${total} speed goals met.\n`);

await mkdir(resultsDirectory, { recursive: true });
const json = {
  environment: { ...environment, loadAverageAtEnd: loadavg() },
  results,
  growth,
  memory,
  pdfPhases,
  warm,
  profiles,
};
const stamp = environment.date.replace(/[:.]/g, "-");
await writeFile(
  join(resultsDirectory, `bench-${stamp}.json`),
  `${JSON.stringify(json, null, 2)}\n`,
);
await writeFile(join(resultsDirectory, "latest.json"), `${JSON.stringify(json, null, 2)}\n`);
process.stdout.write(`Results: scripts/bench/results/bench-${stamp}.json (and latest.json).\n`);
await rm(workspace.directory, { recursive: true, force: true });
