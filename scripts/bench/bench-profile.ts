/**
 * Reading `node --cpu-prof` profiles for `npm run bench`: where a run's main-thread time went,
 * by phase (inclusive time of known functions), by module (self time per npm package or
 * Casepress stage; inside the esbuild bundle, by the `// path` comments esbuild writes before
 * each module) and by the functions with the most self time.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** V8's `.cpuprofile` format, as far as the summary reads it. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Main-thread time of one run, in ms. */
export interface ProfileSummary {
  /** From the profile's start to its end. */
  spanMs: number;
  /** Idle: waiting for files, the browser or timers. */
  idleMs: number;
  /** Garbage collection. */
  gcMs: number;
  /** Inclusive time of each phase that ran. */
  phases: { phase: string; ms: number }[];
  /** The modules (npm packages, Casepress stages, Node itself) with the most self time. */
  modules: { name: string; ms: number }[];
  /** The functions with the most self time. */
  hottest: { name: string; ms: number }[];
}

/** Phases of a Casepress run, by the function that does each. */
const phaseFunctions: readonly { phase: string; name: RegExp; url?: RegExp }[] = [
  { phase: "load the bundle (code cache)", name: /^loadBundle$/ },
  {
    phase: "load sharp (native, for image sizes)",
    name: /^$/,
    url: /node_modules\/sharp\/dist\/index\.cjs$/,
  },
  { phase: "compile: all transforms", name: /^compileManuscript$/ },
  { phase: "  parse Markdown (micromark)", name: /^parseManuscript$/ },
  { phase: "  load files (images, bibliography)", name: /^loadResources$/ },
  { phase: "render HTML", name: /^renderPage$/ },
  { phase: "  format references (citeproc)", name: /^renderReferences$/ },
  { phase: "write files", name: /^writeFilesAtomic$/ },
  { phase: "load the PDF side (puppeteer, pdf-lib)", name: /^startPdfPrinter$/ },
  { phase: "PDF metadata", name: /^applyPdfMetadata$/ },
];

/** Where each module of an esbuild bundle starts: 0-based line and module name, in order. */
export type BundleIndex = readonly { line: number; module: string }[];

/** The module a source path belongs to: its npm package, its Casepress stage, or the path. */
export function moduleOfPath(path: string): string {
  // The innermost node_modules folder names the package that holds the file.
  const marker = path.lastIndexOf("node_modules/");
  const packaged =
    marker === -1 ? undefined : /^(@[^/]+\/)?[^/]+(?=\/)/.exec(path.slice(marker + 13));
  if (packaged && packaged[0] !== ".cache") return packaged[0];
  const stage = /(?:^|\/)scripts\/([^/]+)\//.exec(path);
  if (stage?.[1]) return `scripts/${stage[1]}`;
  if (path.startsWith("node:")) return "node (built-in)";
  return path;
}

/** The module markers esbuild leaves in a bundle it did not minify (`// node_modules/x/y.js`). */
export function bundleIndex(text: string): BundleIndex {
  const index: { line: number; module: string }[] = [];
  const lines = text.split("\n");
  for (let line = 0; line < lines.length; line++) {
    const match = /^\/\/ ((?:node_modules|scripts)\/\S+)$/.exec(lines[line] ?? "");
    if (match?.[1]) index.push({ line, module: moduleOfPath(match[1]) });
  }
  return index;
}

/** The module holding 0-based `line` of a bundle, by its index. */
export function moduleAtLine(index: BundleIndex, line: number): string | undefined {
  let low = 0;
  let high = index.length - 1;
  let found: string | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const entry = index[middle];
    if (entry === undefined) break;
    if (entry.line <= line) {
      found = entry.module;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

function shortUrl(url: string): string {
  return url.replace(/^.*node_modules\//, "").replace(/^.*\/scripts\//, "scripts/");
}

/** Names the module of a frame; bundles (`*.cjs` under node_modules/.cache) are read once. */
function moduleNamer(): (url: string, line: number) => string {
  const bundles = new Map<string, BundleIndex>();
  return (url, line) => {
    if (url === "") return "(V8, native)";
    if (/node_modules\/\.cache\/casepress\/[^/]+\.cjs$/.test(url)) {
      let index = bundles.get(url);
      if (index === undefined) {
        try {
          const path = url.startsWith("file:") ? fileURLToPath(url) : url;
          index = bundleIndex(readFileSync(path, "utf8"));
        } catch {
          index = [];
        }
        bundles.set(url, index);
      }
      return moduleAtLine(index, line) ?? "bundle (runtime helpers)";
    }
    return moduleOfPath(url.startsWith("file:") ? fileURLToPath(url) : url);
  };
}

const notWork = (name: string) => name.startsWith("(idle)") || name.startsWith("(program)");

/** Summarise a parsed profile; `moduleOf` names the module of a frame (url, 0-based line). */
export function summariseProfileData(
  profile: CpuProfile,
  moduleOf: (url: string, line: number) => string = (url) => moduleOfPath(url),
  top = 8,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const modules = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let idle = 0;
  let gc = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    const delta = (profile.timeDeltas[index] ?? 0) / 1000;
    const leaf = byId.get(profile.samples[index] ?? -1);
    if (!leaf) continue;
    const { functionName, url, lineNumber } = leaf.callFrame;
    if (functionName === "(idle)") idle += delta;
    if (functionName === "(garbage collector)") gc += delta;
    const selfKey = `${functionName || "(top level)"} ${shortUrl(url)}:${lineNumber + 1}`;
    self.set(selfKey, (self.get(selfKey) ?? 0) + delta);
    if (!notWork(functionName)) {
      const module = functionName === "(garbage collector)" ? "(GC)" : moduleOf(url, lineNumber);
      modules.set(module, (modules.get(module) ?? 0) + delta);
    }
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (!node) break;
      for (const { phase, name, url: urlPattern } of phaseFunctions) {
        if (seen.has(phase) || !name.test(node.callFrame.functionName)) continue;
        if (urlPattern && !urlPattern.test(node.callFrame.url)) continue;
        seen.add(phase);
        inclusive.set(phase, (inclusive.get(phase) ?? 0) + delta);
      }
    }
  }
  const ranked = (map: Map<string, number>) =>
    [...map]
      .filter(([name]) => !notWork(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms }));
  return {
    spanMs: (profile.endTime - profile.startTime) / 1000,
    idleMs: idle,
    gcMs: gc,
    phases: phaseFunctions
      .filter(({ phase }) => inclusive.has(phase))
      .map(({ phase }) => ({ phase, ms: inclusive.get(phase) ?? 0 })),
    modules: ranked(modules),
    hottest: ranked(self),
  };
}

/** Summarise the profile at `path`. */
export async function summariseProfile(path: string, top = 8): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, "utf8")) as CpuProfile; // V8's .cpuprofile format.
  return summariseProfileData(profile, moduleNamer(), top);
}

/** The summary as indented text lines; `wallMs`, when known, shows the time before JS ran. */
export function formatProfile(summary: ProfileSummary, wallMs?: number): string[] {
  const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
  return [
    ...(wallMs === undefined
      ? []
      : [
          `${ms(wallMs)}  whole process, of which ${ms(Math.max(0, wallMs - summary.spanMs)).trim()} before the profile started or after it ended (Node start-up, e.g. reading NODE_EXTRA_CA_CERTS, and exit)`,
        ]),
    `${ms(summary.spanMs)}  main thread, start to end (idle ${summary.idleMs.toFixed(0)} ms, GC ${summary.gcMs.toFixed(0)} ms)`,
    "  phases (inclusive):",
    ...summary.phases.map(({ phase, ms: value }) => `${ms(value)}    ${phase}`),
    "  modules (self time):",
    ...summary.modules.map(({ name, ms: value }) => `${ms(value)}    ${name}`),
    "  functions (self time):",
    ...summary.hottest.map(({ name, ms: value }) => `${ms(value)}    ${name}`),
  ];
}
