/**
 * Measuring commands for `npm run bench`: whole-process wall time, and peak memory of a process
 * and of its whole process tree (Linux `/proc`; `/usr/bin/time` for the main process's peak).
 * Timing runs and memory runs are separate, so the sampler never slows the timed runs.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

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
  /** How the main process's peak was measured. */
  source: "/usr/bin/time" | "/proc";
}

/** Whether `/proc` memory sampling works here (Linux). */
export function canSampleMemory(): boolean {
  return existsSync("/proc/self/smaps_rollup");
}

const timeBinary = "/usr/bin/time";

/** Run `command` once while sampling the memory of it and every descendant every `intervalMs`. */
export async function measureMemory(command: Command, intervalMs = 10): Promise<MemoryPeak> {
  const useTime = existsSync(timeBinary);
  const wrapped: Command = useTime
    ? {
        ...command,
        file: timeBinary,
        args: ["-f", "casepress-bench-maxrss=%M", command.file, ...command.args],
      }
    : command;
  const child = spawn(wrapped.file, wrapped.args, {
    cwd: wrapped.cwd,
    env: wrapped.env ?? process.env,
    stdio: ["ignore", "ignore", "pipe"],
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
  const peak = { pss: 0, rss: 0, hwm: 0, processes: 0 };
  while (!done && child.pid !== undefined) {
    const tree = await descendants(child.pid);
    let pss = 0;
    let rss = 0;
    for (const pid of tree) {
      const usage = await processMemory(pid);
      pss += usage.pssKiB;
      rss += usage.rssKiB;
      // Under /usr/bin/time the main process is time's only child.
      if (pid === child.pid || (useTime && tree[1] === pid))
        peak.hwm = Math.max(peak.hwm, usage.hwmKiB);
    }
    if (pss > peak.pss) peak.processes = tree.length;
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
    source: fromTime !== undefined ? "/usr/bin/time" : "/proc",
  };
}

/** `root` and every process below it, parents first. */
async function descendants(root: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // The command name may hold spaces and parentheses; the parent pid follows the last ")".
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!Number.isFinite(parent)) continue;
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index++)
    tree.push(...(children.get(tree[index] ?? -1) ?? []));
  return tree;
}

async function processMemory(
  pid: number,
): Promise<{ pssKiB: number; rssKiB: number; hwmKiB: number }> {
  const [rollup, status] = await Promise.all([
    readFile(`/proc/${pid}/smaps_rollup`, "utf8").catch(() => ""),
    readFile(`/proc/${pid}/status`, "utf8").catch(() => ""),
  ]);
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
