/**
 * Reading `node --cpu-prof` profiles for `npm run bench`: where a run's main-thread time went,
 * by phase (inclusive time of known functions) and by the functions with the most self time.
 */
import { readFile } from "node:fs/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
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
  { phase: "PDF metadata (pdf-lib)", name: /^applyPdfMetadata$/ },
];

function shortUrl(url: string): string {
  return url.replace(/^.*node_modules\//, "").replace(/^.*\/scripts\//, "scripts/");
}

/** Summarise the profile at `path`. */
export async function summariseProfile(path: string, top = 8): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, "utf8")) as CpuProfile; // V8's .cpuprofile format.
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let idle = 0;
  let gc = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    const delta = (profile.timeDeltas[index] ?? 0) / 1000;
    const leaf = byId.get(profile.samples[index] ?? -1);
    if (!leaf) continue;
    const leafName = leaf.callFrame.functionName;
    if (leafName === "(idle)") idle += delta;
    if (leafName === "(garbage collector)") gc += delta;
    const selfKey = `${leafName || "(top level)"} ${shortUrl(leaf.callFrame.url)}:${leaf.callFrame.lineNumber + 1}`;
    self.set(selfKey, (self.get(selfKey) ?? 0) + delta);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (!node) break;
      for (const { phase, name, url } of phaseFunctions) {
        if (seen.has(phase) || !name.test(node.callFrame.functionName)) continue;
        if (url && !url.test(node.callFrame.url)) continue;
        seen.add(phase);
        inclusive.set(phase, (inclusive.get(phase) ?? 0) + delta);
      }
    }
  }
  const hottest = [...self]
    .filter(([name]) => !name.startsWith("(idle)") && !name.startsWith("(program)"))
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
    hottest,
  };
}

/** The summary as indented text lines. */
export function formatProfile(summary: ProfileSummary): string[] {
  const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
  return [
    `${ms(summary.spanMs)}  main thread, start to end (idle ${summary.idleMs.toFixed(0)} ms, GC ${summary.gcMs.toFixed(0)} ms)`,
    ...summary.phases.map(({ phase, ms: value }) => `${ms(value)}  ${phase}`),
    "  hottest functions (self time):",
    ...summary.hottest.map(({ name, ms: value }) => `${ms(value)}    ${name}`),
  ];
}
