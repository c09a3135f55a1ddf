/**
 * A build's outputs (page, assets folder, PDF) are published together (OutputStage in
 * scripts/publish/write-atomic.ts): after a SIGKILL at any moment and the next start's
 * recovery, they are all of one build, never the new page beside the old PDF; a target of the
 * wrong kind (a folder named case-report.html) is refused before anything moves.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildManuscript } from "../../scripts/cli/build.ts";
import { OutputStage, recoverOutputs } from "../../scripts/publish/write-atomic.ts";
import { repositoryDirectory } from "../helpers.ts";

const made: string[] = [];
async function folder(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "casepress-publish-"));
  made.push(directory);
  return directory;
}
afterEach(async () => {
  await Promise.all(made.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

/** The four outputs of one generation, as the test reads them back. */
const outputNames = [
  "case-report.html",
  "case-report.pdf",
  "case-report_files/style.css",
  "case-report_files/fig-1.png",
];

/** A child that publishes generation after generation into `outDir` until it is killed. */
function startPublisher(outDir: string, directory: string): ChildProcess {
  const program = join(directory, "publisher.ts");
  const source = `
import { OutputStage } from ${JSON.stringify(join(repositoryDirectory, "scripts", "publish", "write-atomic.ts"))};
const outDir = ${JSON.stringify(outDir)};
const figure = Buffer.alloc(256 * 1024, 7);
for (let generation = 1; ; generation++) {
  const mark = \`generation \${process.pid}-\${generation}\`;
  const stage = await OutputStage.create(outDir);
  await stage.write("case-report_files/style.css", mark);
  await stage.write("case-report_files/fig-1.png", Buffer.concat([figure, Buffer.from(mark)]));
  await stage.write("case-report.html", mark);
  await stage.write("case-report.pdf", mark);
  await stage.commit(["case-report.html", "case-report_files", "case-report.pdf"]);
  if (generation === 1) process.stdout.write("ready\\n");
}
`;
  return spawn(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "--eval", source, program],
    { cwd: repositoryDirectory, stdio: ["ignore", "pipe", "pipe"] },
  );
}

/** The generation mark of each output (a PNG's mark is its tail). */
async function marks(outDir: string): Promise<string[]> {
  return Promise.all(
    outputNames.map(async (name) => {
      const bytes = await readFile(join(outDir, name));
      return bytes.subarray(name.endsWith(".png") ? 256 * 1024 : 0).toString();
    }),
  );
}

describe("OutputStage", () => {
  it("SIGKILL at random moments: after recovery every output is of one build", async () => {
    const kills = 20;
    let rolledForward = 0;
    const seen = new Set<string>();
    const runOne = async (): Promise<void> => {
      const directory = await folder();
      const outDir = join(directory, "dist");
      await mkdir(join(outDir, "case-report_files"), { recursive: true });
      for (const name of outputNames) await writeFile(join(outDir, name), "previous build");
      const child = startPublisher(outDir, directory);
      const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
      await new Promise<void>((resolve) => child.stdout?.once("data", () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
      child.kill("SIGKILL");
      await exited;
      const names = await readdir(outDir);
      if (names.some((name) => name.startsWith(".casepress-publish-"))) rolledForward++;
      await recoverOutputs(outDir);
      const found = await marks(outDir);
      expect(new Set(found).size, found.join(" | ")).toBe(1);
      seen.add(found[0] ?? "");
      expect((await readdir(outDir)).sort()).toEqual([
        "case-report.html",
        "case-report.pdf",
        "case-report_files",
      ]);
    };
    for (let round = 0; round < kills / 4; round++)
      await Promise.all(Array.from({ length: 4 }, runOne));
    expect(seen.size).toBeGreaterThan(1);
    // How many kills landed between the commit point and the last rename (finished by recovery).
    process.stderr.write(`publish kills: ${kills}, finished by recovery: ${rolledForward}\n`);
  }, 120_000);

  it("refuses a folder where the page goes, before anything moves", async () => {
    const outDir = await folder();
    await mkdir(join(outDir, "case-report.html"));
    await writeFile(join(outDir, "case-report.html", "keep.txt"), "mine");
    const stage = await OutputStage.create(outDir);
    await stage.write("case-report_files/style.css", "new");
    await stage.write("case-report.html", "new");
    await expect(stage.commit(["case-report_files", "case-report.html"])).rejects.toThrow(
      /is a folder where the build writes a file/,
    );
    await stage.abort();
    expect((await readdir(outDir)).sort()).toEqual(["case-report.html"]);
  });

  it("a build into a folder named case-report.html publishes no assets", async () => {
    const outDir = await folder();
    await mkdir(join(outDir, "case-report.html"));
    await expect(
      buildManuscript(join(repositoryDirectory, "manuscript", "case-report.md"), {
        outDir,
        formats: ["html"],
      }),
    ).rejects.toMatchObject({ code: "EISDIR" });
    expect(await readdir(outDir)).toEqual(["case-report.html"]);
  });
});
