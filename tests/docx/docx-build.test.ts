/**
 * `casepress build --format docx` and the `package` command line: what is written, that a
 * failed build keeps the earlier DOCX, and usage errors. Runs in-process through `main`.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../scripts/cli/main.ts";
import { renderDocx } from "../../scripts/docx/render-docx.ts";
import { unzipEntries } from "../../scripts/publish/deterministic-zip.ts";
import { compileFile, repositoryDirectory } from "../helpers.ts";

let project = "";
const cwd = process.cwd();

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    process.chdir(project);
    return { code: await main(args), stdout, stderr };
  } finally {
    process.chdir(cwd);
    out.mockRestore();
    err.mockRestore();
  }
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "casepress-docx-build-"));
  for (const part of ["manuscript", "figures"])
    await cp(join(repositoryDirectory, part), join(project, part), { recursive: true });
  await writeFile(join(project, "package.json"), '{ "name": "a-manuscript", "private": true }\n');
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe("casepress build --format docx", () => {
  it("writes only <name>.docx, and keeps it when a later build fails", async () => {
    const first = await run([
      "build",
      "manuscript/case-report.md",
      "--format",
      "docx",
      "--out",
      "out",
    ]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("wrote out/case-report.docx\n");
    expect(await readdir(join(project, "out"))).toEqual(["case-report.docx"]);
    const before = await readFile(join(project, "out", "case-report.docx"));
    expect(before.subarray(0, 2).toString()).toBe("PK");

    const source = join(project, "manuscript", "case-report.md");
    const text = await readFile(source, "utf8");
    await writeFile(source, text.replace("[@wolf2008]", "[@wolf2009]"));
    try {
      const broken = await run(["build", "manuscript/case-report.md", "-f", "docx", "-o", "out"]);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain("citation-key-unknown");
      const after = await readFile(join(project, "out", "case-report.docx"));
      expect(after.equals(before)).toBe(true);
    } finally {
      await writeFile(source, text);
    }
  });

  it("writes the DOCX beside the HTML with html,docx", async () => {
    const result = await run([
      "build",
      "manuscript/case-report.md",
      "-f",
      "html,docx",
      "-o",
      "both",
    ]);
    expect(result.code).toBe(0);
    const names = await readdir(join(project, "both"));
    expect(names).toContain("case-report.html");
    expect(names).toContain("case-report.docx");
  });
});

describe("casepress package on the command line", () => {
  it("takes exactly one manuscript", async () => {
    await cp(join(project, "manuscript", "case-report.md"), join(project, "manuscript", "b.md"));
    try {
      const result = await run(["package", "manuscript/case-report.md", "manuscript/b.md"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("package takes exactly one manuscript.");
    } finally {
      await rm(join(project, "manuscript", "b.md"));
    }
    expect((await run(["package", "--format", "docx"])).code).toBe(2);
  });

  it("is listed in the help", async () => {
    const result = await run(["--help"]);
    expect(result.stdout).toContain("casepress package [manuscript.md]");
    expect(result.stdout).toContain("html, pdf, docx");
  });
});

describe("figures embedded in the DOCX", () => {
  it("embeds each figure image when the profile says so, deterministically", async () => {
    const compiled = await compileFile(join(project, "manuscript", "case-report.md"), {
      root: project,
    });
    const profile = compiled.file.data.journal;
    if (!profile) throw new Error("no profile");
    const embedding = { ...profile, submission: { ...profile.submission, "embed-figures": true } };
    const images = new Map<string, { data: Uint8Array; type: "png" }>();
    for (const n of [1, 2, 3, 4])
      images.set(`../figures/fig-${n}.png`, {
        type: "png",
        data: new Uint8Array(await readFile(join(project, "figures", `fig-${n}.png`))),
      });
    const options = { generator: "test", images, time: new Date(Date.UTC(2020, 0, 1)) };
    const first = await renderDocx(compiled.tree, compiled.file, embedding, options);
    const second = await renderDocx(compiled.tree, compiled.file, embedding, options);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const media = unzipEntries(first).filter((entry) => entry.path.startsWith("word/media/"));
    expect(media).toHaveLength(4);
    const xml = new TextDecoder().decode(
      unzipEntries(first).find((entry) => entry.path === "word/document.xml")?.data,
    );
    expect(xml.match(/<w:drawing>/g)).toHaveLength(4);
  });
});
