/**
 * Measuring commands for `npm run bench`: whole-process wall time, and peak memory of a process
 * and of its whole process tree (Linux `/proc`; `/usr/bin/time` for the main process's peak).
 * Timing runs and memory runs are separate, so the sampler never slows the timed runs.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";

/** A command as a user would type it. */
export interface Command {
  /** The executable (`node`, `pandoc`, a browser). */
  file: string;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** A command exited with a status other than 0 (or the one expected). */
export class CommandFailedError extends Error {
  override name = "CommandFailedError";
}

/** Run `command` to the end; resolves to its wall time in ms (spawn to the close of its pipes). */
export async function timeCommand(command: Command, expectedStatus = 0): Promise<number> {
  const started = process.hrtime.bigint();
  const { status, stderr } = await run(command);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (status !== expectedStatus) {
    throw new CommandFailedError(
      `\`${describe(command)}\` exited with ${status}, expected ${expectedStatus}:\n${stderr.slice(-2000)}`,
    );
  }
  return wallMs;
}

/** The command line, for messages. */
export function describe(command: Command): string {
  return [command.file, ...command.args]
    .map((part) => (/\s/.test(part) ? `'${part}'` : part))
    .join(" ");
}

async function run(command: Command): Promise<{
  status: number | null;
  stderr: string;
  pid: number | undefined;
  child: ReturnType<typeof spawn>;
}> {
  const child = spawn(command.file, command.args, {
    cwd: command.cwd,
    env: command.env ?? process.env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  return { status, stderr, pid: child.pid, child };
}

/** One process of the tree at the peak. */
export interface ProcessShare {
  pid: number;
  /** The process's name (`/proc/<pid>/comm`). */
  name: string;
  pssMiB: number;
}

/** Peak memory of one run, in MiB. */
export interface MemoryPeak {
  /** The main process's peak resident set (`/usr/bin/time -f %M`, else sampled VmHWM). */
  mainRssMiB: number;
  /** The largest sum of proportional set sizes over the whole tree (shared pages split fairly). */
  treePssMiB: number;
  /** The largest sum of resident sets over the tree (counts shared pages once per process). */
  treeRssMiB: number;
  /** How many processes the tree had at its largest. */
  processes: number;
  /** The processes at the PSS peak, largest first. */
  atPeak: ProcessShare[];
  /** Every executable seen in the tree (`/proc/<pid>/exe`), e.g. which browser ran. */
  executables: string[];
  /** How many times the tree was sampled, and the median time between samples. */
  samples: number;
  sampleIntervalMs: number;
  /** How the main process's peak was measured. */
  source: "/usr/bin/time" | "/proc";
}

/** Whether `/proc` memory sampling works here (Linux). */
export function canSampleMemory(): boolean {
  return existsSync("/proc/self/smaps_rollup");
}

const timeBinary = "/usr/bin/time";

/** What `/proc/<pid>/stat` says about a process's place in the tree. */
export interface ProcessStat {
  pid: number;
  parent: number;
  session: number;
  name: string;
}

/** Parse `/proc/<pid>/stat`; the name may hold spaces and parentheses, so fields follow the last ")". */
export function parseStat(pid: number, text: string): ProcessStat | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open === -1 || close === -1) return undefined;
  const fields = text.slice(close + 2).split(" ");
  const parent = Number(fields[1]);
  const session = Number(fields[3]);
  if (!Number.isFinite(parent) || !Number.isFinite(session)) return undefined;
  return { pid, parent, session, name: text.slice(open + 1, close) };
}

/**
 * The processes of a run started as `root` in a session of its own: every descendant of `root`,
 * every process still in its session (a child whose parent exited is reparented, but keeps the
 * session), and every Chromium crash handler started during the run (`chrome_crashpad_handler`
 * daemonises: it leaves both the tree and the session), i.e. not in `before`.
 */
export function runTree(
  root: number,
  processes: readonly ProcessStat[],
  before: ReadonlySet<number>,
): number[] {
  const children = new Map<number, number[]>();
  for (const entry of processes) {
    const list = children.get(entry.parent) ?? [];
    list.push(entry.pid);
    children.set(entry.parent, list);
  }
  const tree = [root];
  const seen = new Set(tree);
  for (let index = 0; index < tree.length; index++) {
    for (const child of children.get(tree[index] ?? -1) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        tree.push(child);
      }
    }
  }
  for (const entry of processes) {
    if (seen.has(entry.pid)) continue;
    const inSession = entry.session === root;
    const crashHandler = entry.name.startsWith("chrome_crashpad") && !before.has(entry.pid);
    if (inSession || crashHandler) {
      seen.add(entry.pid);
      tree.push(entry.pid);
    }
  }
  return tree;
}

function allProcesses(): ProcessStat[] {
  const list: ProcessStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readOrEmpty(`/proc/${entry}/stat`);
    const parsed = parseStat(Number(entry), stat);
    if (parsed) list.push(parsed);
  }
  return list;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/**
 * Run `command` once, in a session of its own, while sampling the memory of its whole tree
 * ({@link runTree}): Node and every browser process, PSS from `/proc/<pid>/smaps_rollup` summed
 * per sample. Samples are read synchronously, back to back with `intervalMs` between them.
 */
export async function measureMemory(command: Command, intervalMs = 5): Promise<MemoryPeak> {
  const useTime = existsSync(timeBinary);
  const wrapped: Command = useTime
    ? {
        ...command,
        file: timeBinary,
        args: ["-f", "casepress-bench-maxrss=%M", command.file, ...command.args],
      }
    : command;
  const before = new Set(allProcesses().map((entry) => entry.pid));
  const child = spawn(wrapped.file, wrapped.args, {
    cwd: wrapped.cwd,
    env: wrapped.env ?? process.env,
    stdio: ["ignore", "ignore", "pipe"],
    // A session of its own (setsid), so processes reparented away from the tree are still found.
    detached: true,
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  const closed = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  let done = false;
  void closed.finally(() => {
    done = true;
  });
  const peak = { pss: 0, rss: 0, hwm: 0, processes: 0, atPeak: [] as ProcessShare[] };
  const executables = new Set<string>();
  const looked = new Set<number>();
  const sampledAt: number[] = [];
  const main = (tree: readonly number[]) => (useTime ? tree[1] : tree[0]);
  while (!done && child.pid !== undefined) {
    sampledAt.push(performance.now());
    const processes = allProcesses();
    const names = new Map(processes.map((entry) => [entry.pid, entry.name]));
    const tree = runTree(child.pid, processes, before);
    let pss = 0;
    let rss = 0;
    const shares: ProcessShare[] = [];
    for (const pid of tree) {
      const usage = processMemory(pid, pid === main(tree));
      pss += usage.pssKiB;
      rss += usage.rssKiB;
      shares.push({ pid, name: names.get(pid) ?? "?", pssMiB: usage.pssKiB / 1024 });
      peak.hwm = Math.max(peak.hwm, usage.hwmKiB);
      if (!looked.has(pid)) {
        looked.add(pid);
        try {
          executables.add(readlinkSync(`/proc/${pid}/exe`));
        } catch {
          // Gone already, or not ours to read.
        }
      }
    }
    if (pss > peak.pss) {
      peak.processes = tree.length;
      peak.atPeak = shares.sort((a, b) => b.pssMiB - a.pssMiB);
    }
    peak.pss = Math.max(peak.pss, pss);
    peak.rss = Math.max(peak.rss, rss);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const status = await closed;
  if (status !== 0)
    throw new CommandFailedError(
      `\`${describe(command)}\` exited with ${status}:\n${stderr.slice(-2000)}`,
    );
  const fromTime = /casepress-bench-maxrss=(\d+)/.exec(stderr)?.[1];
  const mainKiB = fromTime !== undefined ? Number(fromTime) : peak.hwm;
  return {
    mainRssMiB: mainKiB / 1024,
    treePssMiB: peak.pss / 1024,
    treeRssMiB: peak.rss / 1024,
    processes: peak.processes,
    atPeak: peak.atPeak,
    executables: [...executables].filter((path) => path !== timeBinary).sort(),
    samples: sampledAt.length,
    sampleIntervalMs: median(sampledAt.slice(1).map((at, index) => at - (sampledAt[index] ?? at))),
    source: fromTime !== undefined ? "/usr/bin/time" : "/proc",
  };
}

/** A process's PSS and RSS, and its peak RSS when `withPeak` (the main process). */
function processMemory(
  pid: number,
  withPeak: boolean,
): { pssKiB: number; rssKiB: number; hwmKiB: number } {
  const rollup = readOrEmpty(`/proc/${pid}/smaps_rollup`);
  const status = withPeak ? readOrEmpty(`/proc/${pid}/status`) : "";
  const field = (text: string, name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
  return {
    pssKiB: field(rollup, "Pss"),
    rssKiB: field(rollup, "Rss"),
    hwmKiB: field(status, "VmHWM"),
  };
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}
