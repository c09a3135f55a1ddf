/**
 * Outputs are written atomically (scripts/write-atomic.ts): a build that fails, throws or is
 * killed leaves the previous HTML intact, never a partial file, and two builds of the same
 * manuscript at once both end with a whole, correct page.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeScaledManuscript } from "../../scripts/bench/scale-manuscript.ts";
import { buildManuscript } from "../../scripts/cli/build.ts";
import type { PdfPrinter } from "../../scripts/pdf/pdf-printer.ts";
import { writeFilesAtomic } from "../../scripts/publish/write-atomic.ts";
import { repositoryDirectory } from "../helpers.ts";

const cli = join(repositoryDirectory, "scripts", "casepress.mjs");
const previousHtml = "<!doctype html><p>previous build</p>\n";

/** Files in `directory` (recursively) whose names mark them as temporaries. */
async function temporaries(directory: string): Promise<string[]> {
  const names = await readdir(directory, { recursive: true });
  return names.filter((name) => name.endsWith(".tmp"));
}

/** Start `casepress build` on `manuscript` in a child process. */
function startBuild(manuscript: string, outDir: string): ChildProcess {
  return spawn(process.execPath, [cli, "build", manuscript, "--format", "html", "--out", outDir], {
    env: { ...process.env, CASEPRESS_FROM_SOURCE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Wait for a child to end; resolves to its exit code or the signal that ended it. */
function ended(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stderr })),
  );
}

describe("writeFilesAtomic", () => {
  it("writes every file, leaving no temporary behind", async () => {
    const directory = await mkdtemp(join(tmpdir(), "casepress-atomic-"));
    await writeFilesAtomic([
      { path: join(directory, "a.html"), data: "<p>a</p>" },
      { path: join(directory, "assets", "b.css"), data: new Uint8Array([0x62]) },
    ]);
    expect(await readFile(join(directory, "a.html"), "utf8")).toBe("<p>a</p>");
    expect(await readFile(join(directory, "assets", "b.css"), "utf8")).toBe("b");
    expect(await temporaries(directory)).toEqual([]);
  });

  it("touches no target when one file cannot be written (an injected error)", async () => {
    const directory = await mkdtemp(join(tmpdir(), "casepress-atomic-"));
    await writeFile(join(directory, "a.html"), previousHtml);
    // `blocked` is a file, so nothing can be written below it.
    await writeFile(join(directory, "blocked"), "");
    await expect(
      writeFilesAtomic([
        { path: join(directory, "a.html"), data: "<p>new</p>" },
        { path: join(directory, "blocked", "b.css"), data: "b" },
      ]),
    ).rejects.toThrow();
    expect(await readFile(join(directory, "a.html"), "utf8")).toBe(previousHtml);
    expect(await temporaries(directory)).toEqual([]);
  });

  it("clears temporaries of killed builds, but not those of live ones", async () => {
    const directory = await mkdtemp(join(tmpdir(), "casepress-atomic-"));
    // A pid far above any real one stands for a build that was killed.
    const stale = join(directory, ".a.html.999999999.0badf00d.tmp");
    const live = join(directory, `.a.html.${process.ppid}.0badf00d.tmp`);
    await writeFile(stale, "half a pa");
    await writeFile(live, "being writ");
    await writeFilesAtomic([{ path: join(directory, "a.html"), data: "<p>a</p>" }]);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

describe("builds that fail, are killed or run at once", () => {
  let manuscript: string;
  let reference: string;

  beforeAll(async () => {
    // The sample at 10×: long enough for kills to land in every phase of the build.
    const scaled = await writeScaledManuscript(
      10,
      await mkdtemp(join(tmpdir(), "casepress-atomic-scaled-")),
    );
    manuscript = scaled.manuscript;
    const outDir = await mkdtemp(join(tmpdir(), "casepress-atomic-reference-"));
    const run = await ended(startBuild(manuscript, outDir));
    expect(run.code, run.stderr).toBe(0);
    reference = await readFile(join(outDir, "case-report.html"), "utf8");
    expect(reference).toMatch(/<\/html>\s*$/);
  }, 120_000);

  it("a build with errors leaves the previous output as it was", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "casepress-atomic-"));
    await writeFile(join(outDir, "case-report.html"), previousHtml);
    const broken = join(
      await mkdtemp(join(tmpdir(), "casepress-atomic-broken-")),
      "case-report.md",
    );
    await writeFile(broken, "---\ntitle: [unclosed\n---\n\n# Introduction\n\nText.\n");
    const result = await buildManuscript(broken, { outDir, formats: ["html"] });
    expect(result.outputs).toEqual([]);
    expect(await readdir(outDir)).toEqual(["case-report.html"]);
    expect(await readFile(join(outDir, "case-report.html"), "utf8")).toBe(previousHtml);
  });

  it("an error while writing (the assets folder is a file) leaves the previous HTML intact", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "casepress-atomic-"));
    await writeFile(join(outDir, "case-report.html"), previousHtml);
    await writeFile(join(outDir, "case-report_files"), "not a folder");
    const run = await ended(startBuild(manuscript, outDir));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("case-report_files");
    expect(run.stderr).toContain("casepress: cannot write the output");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(await readFile(join(outDir, "case-report.html"), "utf8")).toBe(previousHtml);
    expect(await temporaries(outDir)).toEqual([]);
  });

  it("SIGKILL at any moment leaves the previous HTML or the whole new one, never a part", async () => {
    const started = Date.now();
    const full = await ended(
      startBuild(manuscript, await mkdtemp(join(tmpdir(), "casepress-atomic-"))),
    );
    expect(full.code).toBe(0);
    const duration = Date.now() - started;
    const outcomes = new Set<string>();
    // Kill points spread over the whole build, denser towards the end where it writes.
    const fractions = [0.3, 0.6, 0.8, 0.88, 0.94, 0.97, 1.0, 1.05];
    await Promise.all(
      fractions.map(async (fraction) => {
        const outDir = await mkdtemp(join(tmpdir(), "casepress-atomic-kill-"));
        await writeFile(join(outDir, "case-report.html"), previousHtml);
        const child = startBuild(manuscript, outDir);
        const run = ended(child);
        const timer = setTimeout(() => child.kill("SIGKILL"), Math.round(duration * fraction));
        const { signal, code } = await run;
        clearTimeout(timer);
        const html = await readFile(join(outDir, "case-report.html"), "utf8");
        if (html === previousHtml) outcomes.add("previous");
        else if (html === reference) outcomes.add("complete");
        else
          throw new Error(
            `Partial HTML after a kill at ${fraction} (${signal ?? code}): ${html.length} bytes`,
          );
      }),
    );
    // The earliest kill lands before anything is written.
    expect(outcomes.has("previous")).toBe(true);
  }, 120_000);

  it("two builds of the same manuscript into the same folder at once both write the whole page", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "casepress-atomic-twice-"));
    await writeFile(join(outDir, "case-report.html"), previousHtml);
    const runs = await Promise.all([
      ended(startBuild(manuscript, outDir)),
      ended(startBuild(manuscript, outDir)),
    ]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(await readFile(join(outDir, "case-report.html"), "utf8")).toBe(reference);
    expect(await temporaries(outDir)).toEqual([]);
    const assets = await readdir(join(outDir, "case-report_files"));
    expect(assets).toContain("style.css");
  }, 120_000);

  it("a printer that fails mid-PDF leaves the previous PDF intact", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "casepress-atomic-pdf-"));
    const previousPdf = "%PDF-1.7 previous build\n";
    await writeFile(join(outDir, "case-report.pdf"), previousPdf);
    const failing: PdfPrinter = {
      print: async () => {
        throw new Error("the browser crashed");
      },
    };
    await expect(
      buildManuscript(manuscript, { outDir, formats: ["html", "pdf"] }, failing),
    ).rejects.toThrow("crashed");
    expect(await readFile(join(outDir, "case-report.pdf"), "utf8")).toBe(previousPdf);
    expect(await temporaries(outDir)).toEqual([]);
  });

  it("two builds in one process at once give the same page", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "casepress-atomic-inprocess-"));
    await mkdir(outDir, { recursive: true });
    const results = await Promise.all([
      buildManuscript(manuscript, { outDir, formats: ["html"] }),
      buildManuscript(manuscript, { outDir, formats: ["html"] }),
    ]);
    for (const result of results) expect(result.outputs.length).toBeGreaterThan(1);
    expect(await readFile(join(outDir, "case-report.html"), "utf8")).toBe(reference);
    expect(await temporaries(outDir)).toEqual([]);
  });
});
